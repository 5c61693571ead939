#include "sim/kernel/determinism.h"

#include <algorithm>
#include <cstdio>

namespace backbeat::sim {
namespace {

CapturedRecord capture(std::uint64_t index, const TraceRecord& record, std::string_view kind,
                       std::string_view node_name, std::string_view detail) {
  return CapturedRecord{index, record, std::string(kind), std::string(node_name),
                        std::string(detail)};
}

class HashLog final : public TraceSink {
 public:
  void on_record(std::uint64_t, const TraceRecord& r, std::string_view, std::string_view,
                 std::string_view) override {
    hashes.push_back(record_hash(r));
  }
  std::vector<std::uint64_t> hashes;
};

class Comparator final : public TraceSink {
 public:
  Comparator(const std::vector<std::uint64_t>& expected, std::size_t context)
      : expected_(expected), context_(context) {}
  void on_record(std::uint64_t index, const TraceRecord& r, std::string_view kind,
                 std::string_view node, std::string_view detail) override {
    if (divergence) return;
    if (index >= expected_.size() || record_hash(r) != expected_[index]) {
      divergence = capture(index, r, kind, node, detail);
      return;
    }
    if (context_ == 0) return;
    // A fixed ring whose strings keep their capacity: no allocation per record in steady state.
    if (ring_.size() < context_) ring_.emplace_back();
    CapturedRecord& c = ring_[static_cast<std::size_t>(index % context_)];
    c.index = index;
    c.record = r;
    c.kind.assign(kind);
    c.node_name.assign(node);
    c.detail.assign(detail);
  }
  bool wants_detail() const override { return true; }

  // The ring's records, oldest first.
  std::vector<CapturedRecord> recent() const {
    std::vector<CapturedRecord> out(ring_.begin(), ring_.end());
    std::sort(out.begin(), out.end(),
              [](const CapturedRecord& x, const CapturedRecord& y) { return x.index < y.index; });
    return out;
  }

  std::optional<CapturedRecord> divergence;

 private:
  const std::vector<std::uint64_t>& expected_;
  std::size_t context_;
  std::vector<CapturedRecord> ring_;
};

class Capturer final : public TraceSink {
 public:
  explicit Capturer(std::uint64_t target) : target_(target) {}
  void on_record(std::uint64_t index, const TraceRecord& r, std::string_view kind,
                 std::string_view node, std::string_view detail) override {
    if (index == target_) captured = capture(index, r, kind, node, detail);
  }
  bool wants_detail() const override { return true; }
  std::optional<CapturedRecord> captured;

 private:
  std::uint64_t target_;
};

}  // namespace

std::string CapturedRecord::to_string() const {
  const long long t = record.time.time_since_epoch().count();
  char buf[96];
  std::snprintf(buf, sizeof(buf), "#%llu t=%lld.%09lld ", static_cast<unsigned long long>(index),
                t / 1'000'000'000LL, (t % 1'000'000'000LL + 1'000'000'000LL) % 1'000'000'000LL);
  std::string s = buf;
  s += "node=";
  s += record.node == kNoNode ? std::string("-") : std::to_string(record.node);
  if (!node_name.empty()) s += "(" + node_name + ")";
  s += " kind=" + kind + " digest=" + hex64(record.digest);
  if (!detail.empty()) s += " " + detail;
  return s;
}

std::string DeterminismResult::describe() const {
  if (deterministic) {
    return "deterministic: " + std::to_string(records_a) + " records, fingerprint " +
           hex64(fingerprint_a);
  }
  std::string s = "NOT deterministic: fingerprints " + hex64(fingerprint_a) + " vs " +
                  hex64(fingerprint_b) + " (" + std::to_string(records_a) + " vs " +
                  std::to_string(records_b) + " records)";
  if (first_divergence) {
    s += "; first divergence at record #" + std::to_string(*first_divergence) + "\n";
    for (const CapturedRecord& c : context) s += "  both: " + c.to_string() + "\n";
    s += "  run A: " + (a ? a->to_string() : std::string("(run ended)"));
    if (a && !a_confirmed) s += " [from a third run that did not reproduce run A]";
    s += "\n  run B: " + (b ? b->to_string() : std::string("(run ended)"));
  }
  return s;
}

DeterminismResult check_determinism(const SimulationFn& run, DeterminismOptions options) {
  DeterminismResult result;
  HashLog log;
  {
    TraceRecorder recorder;
    recorder.add_sink(&log);
    run(recorder);
    result.fingerprint_a = recorder.fingerprint();
    result.records_a = recorder.count();
  }
  Comparator comparator(log.hashes, options.context);
  {
    TraceRecorder recorder;
    recorder.add_sink(&comparator);
    run(recorder);
    result.fingerprint_b = recorder.fingerprint();
    result.records_b = recorder.count();
  }
  std::optional<std::uint64_t> index;
  if (comparator.divergence) {
    index = comparator.divergence->index;
    result.b = std::move(comparator.divergence);
  } else if (result.records_b < result.records_a) {
    index = result.records_b;  // B ended early
  }
  result.deterministic = !index.has_value() && result.fingerprint_a == result.fingerprint_b;
  if (!index) return result;
  result.first_divergence = index;
  result.context = comparator.recent();
  if (*index < log.hashes.size()) {
    Capturer capturer(*index);
    TraceRecorder recorder;
    recorder.add_sink(&capturer);
    run(recorder);
    if (capturer.captured) {
      result.a_confirmed = record_hash(capturer.captured->record) == log.hashes[*index];
      result.a = std::move(capturer.captured);
    }
  }
  return result;
}

}  // namespace backbeat::sim
