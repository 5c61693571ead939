#include "sim/kernel/jsonl_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace backbeat::sim {

void append_json_string(std::string& out, std::string_view s) {
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

void append_json_int(std::string& out, long long v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof(buf), "%lld", v);
  out.append(buf, static_cast<std::size_t>(n));
}

Result<std::unique_ptr<JsonlFile>> JsonlFile::open(const std::string& path, std::string what) {
  const std::string partial = path + ".partial";
  const int fd =
      ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  std::FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (f == nullptr) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Status::unavailable("cannot create " + what + " file " + partial + ": " +
                               std::strerror(err));
  }
  return std::unique_ptr<JsonlFile>(new JsonlFile(path, f, std::move(what)));
}

std::unique_ptr<JsonlFile> JsonlFile::to_stream(std::FILE* stream, std::string what) {
  return std::unique_ptr<JsonlFile>(new JsonlFile(std::string(), stream, std::move(what)));
}

JsonlFile::JsonlFile(std::string path, std::FILE* file, std::string what)
    : path_(std::move(path)), file_(file), what_(std::move(what)) {
  // (setvbuf only before the first operation on the stream: on our own files.)
  if (!path_.empty()) std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
}

JsonlFile::~JsonlFile() {
  (void)close();
}

void JsonlFile::write(std::string_view line) {
  if (file_ == nullptr || failed_) return;
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) failed_ = true;
}

Status JsonlFile::close() {
  if (file_ == nullptr) return Status::ok();
  if (path_.empty()) {  // a stream we do not own
    const bool failed = failed_ || std::fflush(file_) != 0;
    file_ = nullptr;
    return failed ? Status::unavailable("write error on the " + what_ + " stream") : Status::ok();
  }
  const bool flush_failed = std::fflush(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  const std::string partial = path_ + ".partial";
  if (failed_ || flush_failed || close_failed) {
    std::remove(partial.c_str());
    return Status::unavailable("write error on " + what_ + " file " + partial);
  }
  if (std::rename(partial.c_str(), path_.c_str()) != 0) {
    return Status::unavailable("cannot rename " + partial + " to " + path_ + ": " +
                               std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace backbeat::sim
