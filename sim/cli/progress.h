// Progress and interruption for long runs, on the command line's side of the simulation.
//
// Wall time is read only here, never inside the simulation. When stderr is a terminal (and not
// --quiet) a single self-overwriting line shows the fraction of virtual time done and an ETA.
// Ctrl-C sets a flag that makes the next progress callback stop the run cleanly; a second Ctrl-C
// falls back to the default action (terminate).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace backbeat::sim::cli {

// Installs the SIGINT handler (idempotent).
void install_interrupt_handler();
// Whether Ctrl-C was pressed since install_interrupt_handler().
bool interrupted();

class ProgressLine {
 public:
  // `enabled` false makes every call a no-op (but interruption still stops the run). `what` names
  // the fraction shown ("of virtual time", "of seeds").
  ProgressLine(std::string label, bool enabled, std::string what = "of virtual time");
  ~ProgressLine();

  // For RunOptions::progress: updates the line at most ~10 times a second; false on Ctrl-C.
  bool update(double fraction);
  // For work whose fraction is unknown (shrink): shows `status` instead of a percentage and ETA,
  // at most ~10 times a second; false on Ctrl-C.
  bool show(const std::string& status);
  // Whether the line is drawn (enabled and stderr is a terminal).
  bool drawn() const { return enabled_; }
  // Erases the line.
  void finish();

 private:
  std::string label_;
  std::string what_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

// Progress of a batch of seeds (tune, sweep), fed from worker threads: a self-overwriting line
// with an ETA on a terminal, a plain line per ~10% of the seeds otherwise.
class SeedProgress {
 public:
  // `command` and `label` prefix the lines ("sweep swarm: 20/50 seeds (40%), 3.1 s").
  SeedProgress(std::string command, const std::string& label, bool enabled);

  // Thread-safe: after each finished seed.
  void seed_done(int done, int total);
  // Erases the terminal line.
  void finish();

 private:
  std::mutex mu_;
  ProgressLine line_;
  bool enabled_;
  std::string command_;
  std::string label_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Seconds since `start`, from the steady clock.
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace backbeat::sim::cli
