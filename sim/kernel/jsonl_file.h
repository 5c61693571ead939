// JsonlFile: a JSON Lines output, written line by line with bounded memory, that a reader never
// sees half-written under its final name. Shared by the trace writer (jsonl_trace_writer.h) and
// the timeline writer (sim/world/timeline_jsonl.h).
//
// A file is written as "<path>.partial" and renamed to `path` by close(); a stream (standard
// output, say) stays open and is only flushed. Each line goes through a fixed-size stdio buffer.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat::sim {

class JsonlFile {
 public:
  // Creates "<path>.partial" for writing; an error names the path and the OS reason. A file
  // already at the partial name is truncated, never followed if it is a symlink. `what` names
  // the content in messages ("trace", "timeline").
  static Result<std::unique_ptr<JsonlFile>> open(const std::string& path, std::string what);
  // Writes to `stream`, which stays open: close() only flushes.
  static std::unique_ptr<JsonlFile> to_stream(std::FILE* stream, std::string what);
  // Closes (and renames) if close() was not called; errors are then lost.
  ~JsonlFile();
  JsonlFile(const JsonlFile&) = delete;
  JsonlFile& operator=(const JsonlFile&) = delete;

  // Appends `line` (which ends with '\n'); a write error is kept for close().
  void write(std::string_view line);
  // Flushes, closes and renames to the final path. Reports the first write error, if any (the
  // partial file is then removed). Idempotent.
  Status close();

 private:
  JsonlFile(std::string path, std::FILE* file, std::string what);

  std::string path_;  // empty when writing to a stream the writer does not own
  std::FILE* file_;
  std::string what_;
  bool failed_ = false;
};

// Appends `s` as a JSON string, escaped per RFC 8259 (bytes >= 0x80 are copied as is: callers
// pass UTF-8).
void append_json_string(std::string& out, std::string_view s);
// Appends `v` in decimal.
void append_json_int(std::string& out, long long v);

}  // namespace backbeat::sim
