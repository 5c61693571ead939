// Small TraceSink adapters the command line needs around run_world().
#pragma once

#include <vector>

#include "sim/kernel/trace.h"

namespace backbeat::sim::cli {

// Hands every record to several sinks (run_world() takes one).
class TeeSink final : public TraceSink {
 public:
  void add(TraceSink* sink) {
    if (sink != nullptr) sinks_.push_back(sink);
  }
  bool empty() const { return sinks_.empty(); }
  void on_record(std::uint64_t index, const TraceRecord& record, std::string_view kind_name,
                 std::string_view node_name, std::string_view detail) override {
    for (TraceSink* s : sinks_) s->on_record(index, record, kind_name, node_name, detail);
  }
  bool wants_detail() const override {
    for (const TraceSink* s : sinks_) {
      if (s->wants_detail()) return true;
    }
    return false;
  }

 private:
  std::vector<TraceSink*> sinks_;
};

// Re-records every record into a TraceRecorder, so check_determinism() (which hands the
// simulation a recorder) can watch a run_world() run (which takes a sink). The fingerprint is the
// same: it hashes kind names, not interned ids.
class RecorderForwarder final : public TraceSink {
 public:
  explicit RecorderForwarder(TraceRecorder& recorder) : recorder_(recorder) {}
  void on_record(std::uint64_t, const TraceRecord& record, std::string_view kind_name,
                 std::string_view node_name, std::string_view detail) override {
    if (!node_name.empty() && recorder_.node_name(record.node).empty()) {
      recorder_.set_node_name(record.node, std::string(node_name));
    }
    recorder_.record(record.time, record.node, kind_name, record.digest, detail);
  }
  bool wants_detail() const override { return recorder_.wants_detail(); }

 private:
  TraceRecorder& recorder_;
};

}  // namespace backbeat::sim::cli
