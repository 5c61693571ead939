// The one table of fault kinds. Each kind is one entry: its name, its parameters (type, range,
// one line of doc; the default is FaultSpec's), what it aims at, whether it cuts agents off the
// beat, whether the swarm draws it by default, and the begin/end that put it into the world.
//
// The scenario loader, the swarm's draw, the fault injector, the reports (through the name) and
// the generated format reference and schema all read this table. Adding a kind is one enum value
// in FaultSpec::Kind (at the end), one entry in fault_kinds.cc with its begin/end, and its test.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/world/world_config.h"

namespace backbeat::sim {

struct WorldContext;
class SimConnection;
class Forger;

// Which sign a duration may have.
enum class DurationSign { kAny, kNonNegative, kPositive };

// One parameter of one or more fault kinds, stored in the FaultSpec member `member`.
struct FaultParam {
  using Member =
      std::variant<Selector FaultSpec::*, double FaultSpec::*, int FaultSpec::*,
                   Duration FaultSpec::*, std::string FaultSpec::*, std::vector<int> FaultSpec::*>;
  std::string_view name;
  Member member;
  double min = -std::numeric_limits<double>::infinity();  // numbers and integers, inclusive
  double max = std::numeric_limits<double>::infinity();
  DurationSign sign = DurationSign::kNonNegative;  // durations
  bool required = false;                           // no default: the scenario must give it
  std::string_view doc;
};

// What a kind's begin and end work on: the world, the fault, and what begin did that end undoes.
struct FaultRun {
  WorldContext& world;
  const FaultSpec& spec;
  const std::vector<int>& targets;      // resolved when the kind aims at agents
  std::vector<SimConnection*>& downed;  // connections this fault took down
  std::uint64_t& rule_id;               // the message-fault rule this fault added
  int& pulse_node;                      // pulse_failover: the leader it failed (-1: none)
  std::vector<bool>& owes_resync;       // per agent: owes a resync once it hears the pulse
  std::unique_ptr<Forger>& forger;      // shared by every forged_frames fault of the run
};

struct FaultKind {
  enum class Aim { kAgents, kServer, kPulse, kBeatSubject };
  // When the agents a fault cut off owe a resync (measured once each can hear the pulse again,
  // scenarios/README.md "Resynchronisation"): never (it does not cut them off), when the fault
  // ends, or as the kind decides (the pulse audible again; a reconnect; a restart).
  enum class Resync { kNever, kAtEnd, kByKind };

  FaultSpec::Kind kind;
  std::string_view name;
  std::string_view doc;
  std::vector<std::string_view> params;  // names in fault_params()
  Aim aim;
  Resync resync;
  // In the swarm's default mix. A new kind stays out: drawing it by default would change the
  // world of every saved swarm seed (the draw picks by index in this table).
  bool in_swarm_mix;
  int min_pulse_nodes = 1;         // a scenario or a swarm needs this many pulse nodes
  int swarm_min_nats_servers = 1;  // a swarm leaves the kind out on a smaller cluster
  void (*begin)(FaultRun&);
  void (*end)(FaultRun&);
  // When the run is scheduled (now = the run's start), for a kind that acts before `start`.
  void (*prepare)(FaultRun&, Time start) = nullptr;

  bool targets_agents() const { return aim == Aim::kAgents; }
  bool cuts_agents_off() const { return resync != Resync::kNever; }
  bool has_param(std::string_view param) const;
};

// Every kind, in FaultSpec::Kind order.
std::span<const FaultKind> fault_kinds();
const FaultKind& fault_kind(FaultSpec::Kind kind);
// Every parameter any kind has, in the order the format reference lists them.
std::span<const FaultParam> fault_params();
const FaultParam* find_fault_param(std::string_view name);

// Whether `spec` cuts off its resolved targets (rather than servers' routes, a server or the
// pulse): a partition given `servers` cuts routes although its kind aims at agents.
bool cuts_off_targets_only(const FaultSpec& spec);

}  // namespace backbeat::sim
