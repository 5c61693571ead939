#include "sim/cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "sim/cli/printable_output.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) {
  g_interrupted = 1;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C terminates
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_sigint);
}

bool interrupted() {
  return g_interrupted != 0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

ProgressLine::ProgressLine(std::string label, bool enabled, std::string what)
    : label_(scenario::printable(label)),  // written past the printable stderr: escaped here
      what_(scenario::printable(what)),
      enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressLine::~ProgressLine() {
  finish();
}

bool ProgressLine::update(double fraction) {
  if (interrupted()) return false;
  if (!enabled_) return true;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && fraction < 1.0) return true;
  last_ = now;
  double elapsed = seconds_since(start_);
  std::string eta =
      fraction > 0.01 ? fmt::format("ETA {:.0f}s", elapsed * (1 - fraction) / fraction) : "ETA ?";
  std::fprintf(terminal_stderr(), "\r%s: %5.1f%% %s, %s (Ctrl-C stops early)  ", label_.c_str(),
               fraction * 100.0, what_.c_str(), eta.c_str());
  std::fflush(terminal_stderr());
  shown_ = true;
  return true;
}

bool ProgressLine::show(const std::string& status) {
  if (interrupted()) return false;
  if (!enabled_) return true;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100)) return true;
  last_ = now;
  std::fprintf(terminal_stderr(), "\r\033[K%s: %s (Ctrl-C stops early)", label_.c_str(),
               scenario::printable(status).c_str());
  std::fflush(terminal_stderr());
  shown_ = true;
  return true;
}

void ProgressLine::finish() {
  if (!shown_) return;
  std::fprintf(terminal_stderr(), "\r\033[K");
  std::fflush(terminal_stderr());
  shown_ = false;
}

SeedProgress::SeedProgress(std::string command, const std::string& label, bool enabled)
    : line_(label + " (" + command + ")", enabled, "of seeds"),
      enabled_(enabled),
      command_(std::move(command)),
      label_(label) {}

void SeedProgress::seed_done(int done, int total) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!enabled_) return;
  line_.update(static_cast<double>(done) / total);
  const int step = std::max(1, total / 10);
  if (::isatty(STDERR_FILENO) == 0 && (done % step == 0 || done == total)) {
    std::fprintf(stderr, "%s %s: %d/%d seeds (%.0f%%), %.1f s\n", command_.c_str(), label_.c_str(),
                 done, total, 100.0 * done / total, seconds_since(start_));
  }
}

void SeedProgress::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  line_.finish();
}

}  // namespace backbeat::sim::cli
