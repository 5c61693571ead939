#include "sim/kernel/trace.h"

#include <cstdio>

namespace backbeat::sim {

std::uint64_t record_hash(const TraceRecord& record) {
  return Fnv1a64()
      .u64le(static_cast<std::uint64_t>(record.time.time_since_epoch().count()))
      .u32le(record.node)
      .u64le(record.kind_hash)
      .u64le(record.digest)
      .value();
}

KindId TraceRecorder::kind(std::string_view name) {
  auto it = kind_ids_.find(name);
  if (it != kind_ids_.end()) return it->second;
  const auto id = static_cast<KindId>(kinds_.size());
  kinds_.push_back(Kind{std::string(name), fnv1a64(name)});
  kind_ids_.emplace(std::string(name), id);
  return id;
}

std::string_view TraceRecorder::node_name(NodeId node) const {
  auto it = node_names_.find(node);
  return it == node_names_.end() ? std::string_view() : std::string_view(it->second);
}

void TraceRecorder::add_sink(TraceSink* sink) {
  sinks_.push_back(sink);
  wants_detail_ = wants_detail_ || sink->wants_detail();
}

void TraceRecorder::record(Time time, NodeId node, KindId kind, std::uint64_t digest,
                           std::string_view detail) {
  const Kind& k = kinds_[kind];
  const TraceRecord r{time, node, kind, k.hash, digest};
  fingerprint_.u64le(record_hash(r));
  const std::uint64_t index = count_++;
  if (sinks_.empty()) return;
  const std::string_view name = node_names_.empty() ? std::string_view() : node_name(node);
  for (TraceSink* sink : sinks_) sink->on_record(index, r, k.name, name, detail);
}

std::string hex64(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(value));
  return std::string(buf, 16);
}

}  // namespace backbeat::sim
