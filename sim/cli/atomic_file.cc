#include "sim/cli/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace backbeat::sim::cli {

Status write_file_atomically(const std::string& path, const std::string& content) {
  std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::internal(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::internal(fmt::format("cannot {} {}: {}", what, tmp, std::strerror(err)));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("flush");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::internal(fmt::format("cannot close {}: {}", tmp, std::strerror(err)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::internal(
        fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(err)));
  }
  return Status::ok();
}

Status make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::internal(fmt::format("cannot create directory {}: {}", dir, ec.message()));
  return Status::ok();
}

Status check_output_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::invalid_argument(
        fmt::format("cannot create directory {}: {}", dir, ec.message()));
  }
  const std::string probe =
      (std::filesystem::path(dir) / fmt::format(".probe.{}", static_cast<long>(::getpid())))
          .string();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::invalid_argument(
        fmt::format("cannot write in directory {}: {}", dir, std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::ok();
}

}  // namespace backbeat::sim::cli
