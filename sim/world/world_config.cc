#include "sim/world/world_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/echo_text.h"
#include "sim/world/fault_kinds.h"

namespace backbeat::sim {
namespace {

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0;
}

// "N" or "A-B" (A <= B), appended to `out`.
bool parse_agent_item(std::string_view text, std::vector<int>& out) {
  std::size_t dash = text.find('-');
  int first = 0, last = 0;
  if (dash == std::string_view::npos) {
    if (!parse_int(text, first)) return false;
    last = first;
  } else if (!parse_int(text.substr(0, dash), first) || !parse_int(text.substr(dash + 1), last) ||
             last < first || last - first > 1'000'000) {
    return false;
  }
  for (int i = first; i <= last; ++i) out.push_back(i);
  return true;
}

}  // namespace

std::string Selector::to_string() const {
  switch (kind) {
    case Kind::kAll:
      return "all";
    case Kind::kAgentRange:
      return first == last ? fmt::format("agent:{}", first)
                           : fmt::format("agents:{}-{}", first, last);
    case Kind::kGroup:
      return "group:" + group;
    case Kind::kRandomFraction:
      return fmt::format("random:{:g}%", fraction * 100.0);
    case Kind::kServer:
      return fmt::format("server:{}", server);
    case Kind::kAgentList: {
      if (agents.size() == 1) return fmt::format("agent:{}", agents[0]);
      std::string text = "agents:";
      for (std::size_t i = 0; i < agents.size();) {
        std::size_t j = i;
        while (j + 1 < agents.size() && agents[j + 1] == agents[j] + 1) ++j;
        if (i > 0) text += ',';
        text += j == i ? fmt::format("{}", agents[i]) : fmt::format("{}-{}", agents[i], agents[j]);
        i = j + 1;
      }
      return text;
    }
  }
  return "all";
}

Result<Selector> parse_selector(std::string_view text) {
  Selector s;
  auto fail = [&] {
    return Status::invalid_argument(fmt::format(
        "expected a selector: all, agent:N, agents:A-B, agents:A-B,N,..., group:NAME, random:P%, "
        "server:N; got '{}'",
        echo_text(text)));
  };
  if (text == "all") return s;
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return fail();
  std::string_view kind = text.substr(0, colon);
  std::string_view arg = text.substr(colon + 1);
  if (kind == "agent") {
    s.kind = Selector::Kind::kAgentRange;
    if (!parse_int(arg, s.first)) return fail();
    s.last = s.first;
  } else if (kind == "agents" && arg.find(',') != std::string_view::npos) {
    s.kind = Selector::Kind::kAgentList;
    for (std::size_t from = 0; from <= arg.size();) {
      std::size_t comma = std::min(arg.find(',', from), arg.size());
      if (!parse_agent_item(arg.substr(from, comma - from), s.agents)) return fail();
      from = comma + 1;
    }
    std::sort(s.agents.begin(), s.agents.end());
    if (std::adjacent_find(s.agents.begin(), s.agents.end()) != s.agents.end()) return fail();
  } else if (kind == "agents") {
    s.kind = Selector::Kind::kAgentRange;
    std::size_t dash = arg.find('-');
    if (dash == std::string_view::npos || !parse_int(arg.substr(0, dash), s.first) ||
        !parse_int(arg.substr(dash + 1), s.last) || s.last < s.first) {
      return fail();
    }
  } else if (kind == "group") {
    s.kind = Selector::Kind::kGroup;
    if (arg.empty()) return fail();
    s.group = std::string(arg);
  } else if (kind == "random") {
    s.kind = Selector::Kind::kRandomFraction;
    if (arg.empty() || arg.back() != '%') return fail();
    double percent = 0;
    auto [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size() - 1, percent);
    if (ec != std::errc() || ptr != arg.data() + arg.size() - 1 || !(percent > 0) ||
        percent > 100) {
      return fail();
    }
    s.fraction = percent / 100.0;
  } else if (kind == "server") {
    s.kind = Selector::Kind::kServer;
    if (!parse_int(arg, s.server)) return fail();
  } else {
    return fail();
  }
  return s;
}

int ClusterConfig::agent_count() const {
  int total = 0;
  for (const AgentGroup& g : groups) total += g.count;
  return total;
}

std::optional<ConfigProblem> WorldConfig::first_problem() const {
  auto bad = [](std::string pointer, std::string message) {
    return ConfigProblem{std::move(pointer), std::move(message)};
  };
  if (cluster.groups.empty()) return bad("/cluster/groups", "expected at least one group");
  if (cluster.agent_count() < 1) return bad("/cluster/groups", "expected at least one agent");
  if (cluster.nats_servers < 1) return bad("/cluster/nats_servers", "expected at least 1");
  if (Status s = adaptive_budgets.validate(); !s) return bad("/adaptive_budgets", s.message());
  if (Status s = budget_warnings.validate(); !s) return bad("/budget_warnings", s.message());
  if (Status s = admission.validate(); !s) return bad("/admission", s.message());
  if (workload.capacity_per_agent < 0 || workload.capacity_per_agent > 10000) {
    return bad("/workload/capacity_per_agent", "expected 0..10000");
  }
  for (std::size_t i = 0; i < cluster.groups.size(); ++i) {
    const AgentGroup& g = cluster.groups[i];
    std::string path = fmt::format("/cluster/groups/{}", i);
    if (g.count < 0) return bad(path + "/count", "expected a count >= 0");
    if (g.server >= cluster.nats_servers) return bad(path + "/server", "no such NATS server");
    if (!(g.slow_factor > 0)) return bad(path + "/slow_factor", "expected a positive factor");
    if (g.link_latency < Duration::zero() || g.link_jitter < Duration::zero()) {
      return bad(path, "latency and jitter must not be negative");
    }
  }
  for (std::size_t i = 0; i < cluster.server_links.size(); ++i) {
    const ServerLink& l = cluster.server_links[i];
    if (l.a < 0 || l.b < 0 || l.a >= cluster.nats_servers || l.b >= cluster.nats_servers ||
        l.a == l.b) {
      return bad(fmt::format("/cluster/links/{}", i), "expected two distinct servers");
    }
  }
  if (!(pulse.tempo_bpm >= kMinTempoBpm && pulse.tempo_bpm <= kMaxTempoBpm)) {
    return bad("/pulse/tempo_bpm", fmt::format("expected {:g}..{:g}", kMinTempoBpm, kMaxTempoBpm));
  }
  if (pulse.bar_length < 1) return bad("/pulse/bar_length", "expected at least 1");
  if (pulse.frames_per_beat != 1 && pulse.frames_per_beat != 3) {
    return bad("/pulse/frames_per_beat", "expected 1 or 3");
  }
  if (pulse.nodes < 1) return bad("/pulse/nodes", "expected at least 1");
  if (duration <= Duration::zero()) return bad("/duration", "expected a positive duration");
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const FaultSpec& f = faults[i];
    std::string path = fmt::format("/faults/{}", i);
    if (f.at < Duration::zero()) return bad(path + "/at", "expected a time >= 0");
    if (f.at >= duration) return bad(path + "/at", "the fault starts after the run ends");
    if (f.duration < Duration::zero()) return bad(path + "/duration", "expected >= 0");
    if (f.kind == FaultSpec::Kind::kPulseFailover && pulse.nodes < 2) {
      return bad(path, "pulse_failover needs pulse.nodes >= 2");
    }
    if (f.kind == FaultSpec::Kind::kServerDown && f.server >= cluster.nats_servers) {
      return bad(path + "/server", "no such NATS server");
    }
  }
  for (const auto& [type, beats] : budgets) {
    if (beats < 1) return bad("/budgets/" + type, "expected at least 1 beat");
  }
  return std::nullopt;
}

Status WorldConfig::validate() const {
  if (std::optional<ConfigProblem> problem = first_problem()) {
    return Status::invalid_argument(problem->pointer + ": " + problem->message);
  }
  return Status::ok();
}

}  // namespace backbeat::sim
