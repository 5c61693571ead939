// Trace: the ordered record of what a simulation did, and its 64-bit fingerprint.
//
// A record is (virtual time in ns since the Unix epoch, node id, kind, payload digest). Kinds are
// interned strings; the fingerprint uses the FNV-1a-64 hash of the kind's name, never the interned
// id, so it does not depend on the order in which kinds were registered. An optional human detail
// string goes to sinks only and is not fingerprinted.
//
// Hash specification (no pointers, explicit little-endian byte order):
//   record_hash = FNV-1a-64 over the 28 bytes  t_ns (int64 two's complement, LE) | node (uint32 LE)
//                 | fnv1a64(kind name) (uint64 LE) | digest (uint64 LE)
//   fingerprint = FNV-1a-64 over the record_hash of every record in order, each as 8 bytes LE;
//                 an empty trace has the FNV offset basis 0xcbf29ce484222325.
//
// The recorder keeps no records: the fingerprint is computed incrementally and records are handed
// to sinks (e.g. JsonlTraceWriter streams them to disk), so memory is bounded by live state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "sim/kernel/hash.h"

namespace backbeat::sim {

using NodeId = std::uint32_t;
// For records that belong to no node (the world itself).
inline constexpr NodeId kNoNode = 0xffffffffU;
// An interned kind name, local to one TraceRecorder.
using KindId = std::uint32_t;

struct TraceRecord {
  Time time;
  NodeId node = kNoNode;
  KindId kind = 0;
  std::uint64_t kind_hash = 0;  // fnv1a64(kind name)
  std::uint64_t digest = 0;
};

// The record hash specified above.
std::uint64_t record_hash(const TraceRecord& record);

// Receives every record, in order. Sinks are not owned by the recorder.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // `index` counts records from 0. `node_name` is empty unless the node was named.
  virtual void on_record(std::uint64_t index, const TraceRecord& record, std::string_view kind_name,
                         std::string_view node_name, std::string_view detail) = 0;
  // Whether this sink uses the detail string (callers may skip formatting it otherwise).
  virtual bool wants_detail() const { return false; }
};

class TraceRecorder {
 public:
  TraceRecorder() = default;
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  // Interns a kind name (same name, same id).
  KindId kind(std::string_view name);
  std::string_view kind_name(KindId id) const { return kinds_[id].name; }
  // Names a node for sinks (JSONL "node_name"); not part of the fingerprint.
  void set_node_name(NodeId node, std::string name) { node_names_[node] = std::move(name); }
  std::string_view node_name(NodeId node) const;

  // Adds a sink (not owned; must outlive the recorder's use).
  void add_sink(TraceSink* sink);
  // Whether any sink wants detail strings.
  bool wants_detail() const { return wants_detail_; }

  // Appends one record: updates the fingerprint and hands the record to every sink.
  void record(Time time, NodeId node, KindId kind, std::uint64_t digest,
              std::string_view detail = {});
  // As above, interning `kind_name` first.
  void record(Time time, NodeId node, std::string_view kind_name, std::uint64_t digest,
              std::string_view detail = {}) {
    record(time, node, kind(kind_name), digest, detail);
  }

  // Fingerprint of the records so far (specified above).
  std::uint64_t fingerprint() const { return fingerprint_.value(); }
  // Number of records so far.
  std::uint64_t count() const { return count_; }

 private:
  struct Kind {
    std::string name;
    std::uint64_t hash;
  };
  std::vector<Kind> kinds_;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return fnv1a64(s); }
  };
  // Lookup only, never iterated.
  std::unordered_map<std::string, KindId, NameHash, std::equal_to<>> kind_ids_;
  std::map<NodeId, std::string> node_names_;
  std::vector<TraceSink*> sinks_;
  bool wants_detail_ = false;
  Fnv1a64 fingerprint_;
  std::uint64_t count_ = 0;
};

// "0123456789abcdef": a fingerprint or digest as 16 lower-case hex digits.
std::string hex64(std::uint64_t value);

}  // namespace backbeat::sim
