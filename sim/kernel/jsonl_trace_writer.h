// JsonlTraceWriter: streams trace records to a file as JSON Lines, one object per record:
//   {"i":0,"t_ns":1767225600000000000,"node":7,"node_name":"agent-7","kind":"frame.rx",
//    "digest":"00c0ffee00c0ffee","detail":"..."}
// "node" is omitted for kNoNode, "node_name" when the node is unnamed, "detail" when empty.
// "digest" is 16 hex digits (a uint64 does not fit a JSON double). Strings are escaped per
// RFC 8259 (bytes >= 0x80 are copied as is: callers pass UTF-8).
//
// Memory stays bounded: each line goes through a fixed-size stdio buffer. The file is written as
// "<path>.partial" and renamed to `path` by close(), so a reader never sees a half-written trace
// under the final name.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/status.h"
#include "sim/kernel/jsonl_file.h"
#include "sim/kernel/trace.h"

namespace backbeat::sim {

class JsonlTraceWriter final : public TraceSink {
 public:
  // Creates "<path>.partial" for writing; an error names the path and the OS reason. A file
  // already at the partial name is truncated, never followed if it is a symlink.
  static Result<std::unique_ptr<JsonlTraceWriter>> open(const std::string& path);
  // Streams to `stream` (standard output, say), which stays open: close() only flushes.
  static std::unique_ptr<JsonlTraceWriter> to_stream(std::FILE* stream);
  // Closes (and renames) if close() was not called; errors are then lost.
  ~JsonlTraceWriter() override;

  void on_record(std::uint64_t index, const TraceRecord& record, std::string_view kind_name,
                 std::string_view node_name, std::string_view detail) override;
  bool wants_detail() const override { return true; }

  // Flushes, closes and renames to the final path. Reports the first write error, if any (the
  // partial file is then removed). Idempotent.
  Status close();

 private:
  explicit JsonlTraceWriter(std::unique_ptr<JsonlFile> file);

  std::unique_ptr<JsonlFile> file_;
  std::string line_;  // reused line buffer
};

}  // namespace backbeat::sim
