#include "sim/cli/output_path.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;

// What sits at a path, as a user would name it.
const char* kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

enum class Want { kFile, kDirectory };

// OK when nothing is at `path`, or what is there (after following a symlink) is what `want` asks
// for. `shown` is the path as the message names it.
Status check_existing(const std::string& path, Want want, const std::string& shown) {
  struct stat link_info {};
  if (::lstat(path.c_str(), &link_info) != 0) {
    if (errno == ENOENT) return Status::ok();
    if (errno == ENOTDIR) {
      return Status::invalid_argument(
          fmt::format("cannot create {}: a folder on its path is not a directory", shown));
    }
    return Status::invalid_argument(
        fmt::format("cannot inspect {}: {}", shown, std::strerror(errno)));
  }
  struct stat info = link_info;
  const bool is_link = S_ISLNK(link_info.st_mode);
  if (is_link && ::stat(path.c_str(), &info) != 0) {
    return Status::invalid_argument(
        fmt::format("{} is a symlink to nothing ({}); refusing to write through it", shown,
                    std::strerror(errno)));
  }
  const bool ok = want == Want::kFile ? S_ISREG(info.st_mode) : S_ISDIR(info.st_mode);
  if (ok) return Status::ok();
  return Status::invalid_argument(fmt::format(
      "{} exists and is {}{}; refusing to replace it (name a {} or a path that does not exist)",
      shown, is_link ? "a symlink to " : "", kind_of(info.st_mode),
      want == Want::kFile ? "regular file" : "directory"));
}

}  // namespace

bool names_standard_output(std::string_view path) {
  return path == "-" || path == "/dev/stdout";
}

Status check_output_file(const std::string& path) {
  if (path.empty())
    return Status::invalid_argument("empty path: name a file, or - for standard output");
  if (names_standard_output(path)) return Status::ok();
  const std::string shown = scenario::echo_path(path);
  if (Status s = check_existing(path, Want::kFile, shown); !s) return s;
  // The file is created next to its final name: its folder must exist.
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    struct stat info {};
    if (::stat(parent.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      return Status::invalid_argument(
          fmt::format("the folder of {} does not exist or is not a directory", shown));
    }
  }
  return Status::ok();
}

Status check_output_directory_path(const std::string& dir,
                                   std::span<const std::string_view> files) {
  if (dir.empty()) return Status::invalid_argument("empty path: name a directory");
  if (names_standard_output(dir)) {
    return Status::invalid_argument(
        "standard output cannot take a directory of files: name a directory");
  }
  const std::string shown = scenario::echo_path(dir);
  if (Status s = check_existing(dir, Want::kDirectory, shown); !s) return s;
  for (std::string_view name : files) {
    const std::string file = (fs::path(dir) / name).string();
    if (Status s = check_existing(file, Want::kFile, scenario::echo_path(file)); !s) return s;
  }
  return Status::ok();
}

Result<std::string> resolve_output_file(const std::string& path) {
  if (path.empty()) return Status::invalid_argument("empty path");
  const std::string shown = scenario::echo_path(path);
  if (Status s = check_existing(path, Want::kFile, shown); !s) return s;
  struct stat link_info {};
  if (::lstat(path.c_str(), &link_info) == 0 && S_ISLNK(link_info.st_mode)) {
    std::error_code ec;
    fs::path target = fs::canonical(path, ec);
    if (ec) {
      return Status::invalid_argument(
          fmt::format("cannot follow the symlink {}: {}", shown, ec.message()));
    }
    return target.string();
  }
  return path;
}

}  // namespace backbeat::sim::cli
