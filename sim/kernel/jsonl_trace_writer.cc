#include "sim/kernel/jsonl_trace_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace backbeat::sim {
namespace {

void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_int(std::string& out, long long v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof(buf), "%lld", v);
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

Result<std::unique_ptr<JsonlTraceWriter>> JsonlTraceWriter::open(const std::string& path) {
  const std::string partial = path + ".partial";
  const int fd =
      ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  std::FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (f == nullptr) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Status::unavailable("cannot create trace file " + partial + ": " + std::strerror(err));
  }
  return std::unique_ptr<JsonlTraceWriter>(new JsonlTraceWriter(path, f));
}

std::unique_ptr<JsonlTraceWriter> JsonlTraceWriter::to_stream(std::FILE* stream) {
  return std::unique_ptr<JsonlTraceWriter>(new JsonlTraceWriter(std::string(), stream));
}

JsonlTraceWriter::JsonlTraceWriter(std::string path, std::FILE* file)
    : path_(std::move(path)), file_(file) {
  // (setvbuf only before the first operation on the stream: on our own files.)
  if (!path_.empty()) std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
}

JsonlTraceWriter::~JsonlTraceWriter() {
  (void)close();
}

void JsonlTraceWriter::on_record(std::uint64_t index, const TraceRecord& record,
                                 std::string_view kind_name, std::string_view node_name,
                                 std::string_view detail) {
  if (file_ == nullptr || failed_) return;
  line_.clear();
  line_ += "{\"i\":";
  append_int(line_, static_cast<long long>(index));
  line_ += ",\"t_ns\":";
  append_int(line_, static_cast<long long>(record.time.time_since_epoch().count()));
  if (record.node != kNoNode) {
    line_ += ",\"node\":";
    append_int(line_, static_cast<long long>(record.node));
  }
  if (!node_name.empty()) {
    line_ += ",\"node_name\":";
    append_escaped(line_, node_name);
  }
  line_ += ",\"kind\":";
  append_escaped(line_, kind_name);
  line_ += ",\"digest\":\"";
  line_ += hex64(record.digest);
  line_ += '"';
  if (!detail.empty()) {
    line_ += ",\"detail\":";
    append_escaped(line_, detail);
  }
  line_ += "}\n";
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) failed_ = true;
}

Status JsonlTraceWriter::close() {
  if (file_ == nullptr) return Status::ok();
  if (path_.empty()) {  // a stream we do not own
    const bool failed = failed_ || std::fflush(file_) != 0;
    file_ = nullptr;
    return failed ? Status::unavailable("write error on the trace stream") : Status::ok();
  }
  const bool flush_failed = std::fflush(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  const std::string partial = path_ + ".partial";
  if (failed_ || flush_failed || close_failed) {
    std::remove(partial.c_str());
    return Status::unavailable("write error on trace file " + partial);
  }
  if (std::rename(partial.c_str(), path_.c_str()) != 0) {
    return Status::unavailable("cannot rename " + partial + " to " + path_ + ": " +
                               std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace backbeat::sim
