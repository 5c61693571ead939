#include "sim/scenario/bounded_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace backbeat::sim::scenario {
namespace {

// Closes the descriptor on every return path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Status too_large(std::size_t limit, std::string_view what) {
  return Status::invalid_argument(fmt::format("the {} is larger than the limit of {} ({} bytes)",
                                              what, byte_size_text(limit), limit));
}

}  // namespace

std::string byte_size_text(std::size_t bytes) {
  if (bytes > 0 && bytes % (std::size_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes > 0 && bytes % (std::size_t{1} << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

Result<std::string> read_bounded_file(const std::string& path, std::size_t limit,
                                      std::string_view what) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return Status::invalid_argument(
        fmt::format("cannot open the {} ({})", what,
                    errno == ENOENT ? "does it exist?" : std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0) {
    // (Reading a directory fails with EISDIR; "cannot read" would not say why.)
    if (S_ISDIR(st.st_mode)) {
      return Status::invalid_argument(fmt::format("cannot open the {}: it is a directory", what));
    }
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > limit) {
      return too_large(limit, what);
    }
  }
  std::string text;
  char buffer[64 * 1024];
  while (true) {
    std::size_t room = limit + 1 - text.size();  // one byte more than allowed tells "too large"
    ssize_t n = ::read(fd.get(), buffer, std::min(sizeof buffer, room));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Status::invalid_argument(
          fmt::format("cannot read the {} ({})", what, std::strerror(errno)));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > limit) return too_large(limit, what);
  }
  return text;
}

}  // namespace backbeat::sim::scenario
