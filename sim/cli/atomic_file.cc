#include "sim/cli/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sim/cli/output_path.h"

namespace backbeat::sim::cli {

namespace {

// Writes all of `content` to `fd`; false with errno set on failure.
bool write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Status write_file_atomically(const std::string& requested, const std::string& content) {
  if (names_standard_output(requested)) {
    std::fflush(stdout);
    if (!write_all(STDOUT_FILENO, content)) {
      return Status::internal(
          fmt::format("cannot write to standard output: {}", std::strerror(errno)));
    }
    return Status::ok();
  }
  // Never rename over something that is not a regular file (output_path.h); follow a symlink to
  // a regular file so the link stays.
  Result<std::string> resolved = resolve_output_file(requested);
  if (!resolved) return resolved.status();
  const std::string& path = *resolved;
  std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(::getpid()));
  // O_EXCL | O_NOFOLLOW: never write through something planted at the temporary name.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::internal(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::internal(fmt::format("cannot {} {}: {}", what, tmp, std::strerror(err)));
  };
  if (!write_all(fd, content)) return fail("write");
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

Status prepare_output_directory(const std::string& dir, std::span<const std::string_view> files) {
  if (Status s = check_output_directory_path(dir, files); !s) return s;
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
