#include "sim/cli/printable_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace backbeat::sim::cli {
namespace {

struct Sink {
  int fd;
  bool pending_c2 = false;  // a write ended on 0xC2: its next byte decides whether it is C1
};

Sink g_stdout{STDOUT_FILENO};
Sink g_stderr{STDERR_FILENO};
std::FILE* g_terminal = stderr;

// False when the descriptor refused the bytes (a full disk, a closed pipe): stdio then marks the
// stream in error, as it would have without this layer.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool is_c1_second_byte(unsigned char byte) {
  return byte >= 0x80 && byte < 0xa0;  // 0xC2 0x80..0x9F is U+0080..U+009F
}

bool needs_care(unsigned char byte) {
  return (byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7f || byte == 0xc2;
}

void append_escaped(std::string& out, unsigned char code_point) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u00";
  out += kHex[code_point >> 4];
  out += kHex[code_point & 0xf];
}

// Called by stdio under the stream's lock, so the sink's pending byte needs no lock of its own.
ssize_t write_printable(void* cookie, const char* buffer, std::size_t size) {
  Sink& sink = *static_cast<Sink*>(cookie);
  const auto* bytes = reinterpret_cast<const unsigned char*>(buffer);
  std::size_t i = 0;
  if (!sink.pending_c2) {
    while (i < size && !needs_care(bytes[i])) ++i;
    if (i == size) {  // the usual case: nothing to escape, no copy
      return write_all(sink.fd, std::string_view(buffer, size)) ? static_cast<ssize_t>(size) : -1;
    }
  }
  std::string out(buffer, i);
  out.reserve(size + 16);
  if (sink.pending_c2) {
    sink.pending_c2 = false;
    if (size > 0 && is_c1_second_byte(bytes[0])) {
      append_escaped(out, bytes[0]);
      i = 1;
    } else {
      out += '\xc2';
    }
  }
  for (; i < size; ++i) {
    const unsigned char byte = bytes[i];
    if (byte == 0xc2) {
      if (i + 1 == size) {
        sink.pending_c2 = true;  // decided by the next write
      } else if (is_c1_second_byte(bytes[i + 1])) {
        append_escaped(out, bytes[++i]);
      } else {
        out += '\xc2';
      }
    } else if (needs_care(byte)) {
      append_escaped(out, byte);
    } else {
      out += static_cast<char>(byte);
    }
  }
  return write_all(sink.fd, out) ? static_cast<ssize_t>(size) : -1;
}

// A 0xC2 held back at the very end is text (nothing followed it): written as it came.
void release_pending(Sink& sink) {
  if (sink.pending_c2) (void)write_all(sink.fd, "\xc2");
  sink.pending_c2 = false;
}

int close_printable(void* cookie) {
  release_pending(*static_cast<Sink*>(cookie));
  return 0;
}

// At exit, after main returned: stdio would flush the streams only after every atexit handler.
void flush_at_exit() {
  std::fflush(stdout);
  std::fflush(stderr);
  release_pending(g_stdout);
  release_pending(g_stderr);
}

std::FILE* open_printable(Sink& sink) {
  cookie_io_functions_t io{};
  io.write = write_printable;
  io.close = close_printable;
  return ::fopencookie(&sink, "w", io);
}

}  // namespace

bool make_output_printable() {
  std::FILE* out = open_printable(g_stdout);
  std::FILE* err = open_printable(g_stderr);
  if (out == nullptr || err == nullptr) {
    if (out != nullptr) std::fclose(out);
    if (err != nullptr) std::fclose(err);
    return false;
  }
  std::fflush(stdout);
  std::setvbuf(out, nullptr, ::isatty(STDOUT_FILENO) == 1 ? _IOLBF : _IOFBF, BUFSIZ);
  std::setvbuf(err, nullptr, _IONBF, 0);
  g_terminal = stderr;
  stdout = out;
  stderr = err;
  std::atexit(flush_at_exit);
  return true;
}

std::FILE* terminal_stderr() {
  return g_terminal;
}

}  // namespace backbeat::sim::cli
