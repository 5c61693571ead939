#include "sim/cli/live/live_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/nats/event_loop.h"
#include "core/nats/nats_transport.h"
#include "core/secret_text.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/live/nats_flags.h"
#include "sim/cli/number_flags.h"
#include "sim/cli/output_flags.h"
#include "sim/cli/progress.h"
#include "sim/cli/reproduce_line.h"
#include "sim/cli/run_driver.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/set_flag.h"
#include "sim/cli/stderr_log.h"
#include "sim/cli/text_report.h"
#include "sim/harness/backbeat_settings.h"
#include "sim/live/live_pulse.h"
#include "sim/live/live_run.h"
#include "sim/live/observer.h"
#include "sim/scenario/budget_profile_choice.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run_summary.h"

namespace backbeat::sim::cli {
namespace {

constexpr const char* kLiveExitCodesHelp =
    "Exit codes: 0 pass, 1 an assertion failed, 2 bad input (scenario, flag, or a scenario part "
    "that needs the simulator: faults, swarm, drift, tempo changes, several pulse nodes), 3 "
    "internal error, 4 cannot connect or authenticate to NATS (no server, wrong credentials, TLS "
    "mismatch, unreadable credentials or key file), 5 permission denied (the server refused a "
    "publish "
    "or subscription the run needs: the subject is named), 130 interrupted.";
constexpr const char* kPulseExitCodesHelp =
    "Exit codes: 0 stopped (Ctrl-C or --duration), 2 bad flag, 3 internal error, 4 cannot "
    "connect or authenticate to NATS, 5 the server refused to let it publish the beat frames "
    "(stops at once).";
constexpr const char* kObserveExitCodesHelp =
    "Exit codes: 0 every message conformed and every claim was accounted for, 1 non-conforming "
    "messages were seen or claims went missing outside this observer's own outages, 2 bad flag, "
    "3 internal error, 4 cannot connect or authenticate to NATS, 5 the server refused the "
    "subscription (or another operation) it needs.";
// Prints each operation the server refuses as it happens: the first refusal of an (operation,
// subject), then again at 10, 100, 1000, ... refusals (a refused claim subject refuses every
// claim). Subjects come from the server: escaped.
live::NatsTransport::PermissionListener permission_printer(const char* command) {
  return [command](const live::PermissionViolation& v) {
    const bool first = v.count == 1;
    bool power_of_ten = v.count >= 10;
    for (std::uint64_t c = v.count; power_of_ten && c > 1; c /= 10) power_of_ten = c % 10 == 0;
    if (!first && !power_of_ten) return;
    std::fprintf(stderr, "backbeat-sim: %s: permission denied: the NATS server refused %s '%s'%s\n",
                 command, v.operation == "subscribe" ? "a subscription to" : "publishing to",
                 scenario::echo_text(v.subject, 200).c_str(),
                 first ? "" : fmt::format(" ({} times so far)", v.count).c_str());
  };
}

// The refused operations as JSON (run.json, --json summaries).
nlohmann::json permission_json(const std::vector<live::PermissionViolation>& violations) {
  nlohmann::json out = nlohmann::json::array();
  for (const live::PermissionViolation& v : violations) {
    out.push_back({{"operation", v.operation}, {"subject", v.subject}, {"count", v.count}});
  }
  return out;
}

// Parses a --duration flag; tempo converts "N beats".
bool parse_flag_duration(const std::string& flag, const std::string& text, double tempo,
                         Duration& out) {
  Result<Duration> d = scenario::parse_duration_text(text, tempo);
  if (!d || *d <= Duration::zero()) {
    std::fprintf(stderr, "backbeat-sim: %s %s: %s\n", flag.c_str(),
                 scenario::echo_text(text).c_str(),
                 d ? "must be positive" : d.status().message().c_str());
    return false;
  }
  out = *d;
  return true;
}

// ---------------------------------------------------------------------------------------------

struct LiveArgs {
  std::string scenario;
  NatsFlags nats;
  std::optional<std::string> cluster;
  std::optional<int> agents;
  bool pulse = false;
  std::optional<double> tempo;
  std::optional<std::string> duration;
  std::vector<std::string> sets;
  bool json = false;
  bool quiet = false;
  bool verbose = false;                       // -v: the agents' log lines (as `run -v`)
  std::optional<std::string> budget_profile;  // --backbeat-budget-profile
  std::string out_dir;
};

struct PulseArgs {
  NatsFlags nats;
  std::string cluster;
  double tempo = 60.0;
  int bar_length = 4;
  int frames_per_beat = 3;
  std::optional<std::string> duration;
  bool json = false;
  bool quiet = false;
};

struct ObserveArgs {
  NatsFlags nats;
  std::string cluster;
  double interval_s = 1.0;
  std::optional<std::string> duration;
  bool json = false;
  bool quiet = false;
};

std::string live_text_lines(const live::LiveRunResult& r) {
  const ClaimAccounting& c = r.outcome.claims;
  std::string out = fmt::format(
      "live      nats {}: {} disconnect(s), {} reconnect(s), {} slow-consumer drop(s)\n", r.servers,
      r.disconnects, r.reconnects, r.slow_consumer_drops);
  out += fmt::format(
      "claims    published {}, received {}, duplicates {}, lost {} (republished after "
      "reconnects {}, confirmed by {} markers and {} flushes, largest unconfirmed window {})\n",
      c.published, c.received, c.duplicates, c.lost, r.claim_counters.claims_republished,
      r.claim_counters.markers, r.claim_counters.flushes, r.claim_counters.max_window);
  if (!r.closed_cause.empty()) {
    out += fmt::format("live      NATS connection closed during the run: {}\n",
                       scenario::echo_text(r.closed_cause, 300));
  }
  if (r.frames_foreign > 0) {
    out += fmt::format(
        "frames    {} frame(s) of another cluster on this cluster's beat subject, dropped by the "
        "agents\n",
        r.frames_foreign);
  }
  for (const live::PermissionViolation& v : r.permission_violations) {
    out += fmt::format("denied    {} '{}': refused {} time(s) by the server (permission denied)\n",
                       v.operation, scenario::echo_text(v.subject, 200), v.count);
  }
  if (r.gaps.empty()) {
    out += "claims    lost claims = 0: every claim an agent published was received\n";
  } else {
    for (const live::ClaimGap& g : r.gaps) {
      out += fmt::format("gap       {} seq {}..{} ({} claim(s)): {}\n", g.agent_id, g.first_seq,
                         g.last_seq, g.size(), g.cause);
    }
  }
  return out;
}

// "13:05:02.123": now, UTC, for messages printed as things happen in a live run.
std::string utc_time_of_day() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

int live_command(const LiveArgs& args) {
  std::vector<std::string> sets = args.sets;
  // --tempo and --duration become overrides (--cluster is the flag layer of the settings); their
  // problems name the flag as typed.
  std::vector<std::pair<std::string, std::string>> flag_of_set;
  auto set_from_flag = [&](const std::string& flag, const std::string& value,
                           const std::string& set) {
    flag_of_set.emplace_back("--set " + scenario::echo_override(set),
                             flag + " " + scenario::echo_text(value));
    sets.push_back(set);
  };
  if (args.tempo) {
    set_from_flag("--tempo", fmt::format("{}", *args.tempo),
                  fmt::format("pulse.tempo_bpm={}", *args.tempo));
  }
  if (args.duration) set_from_flag("--duration", *args.duration, "duration=" + *args.duration);
  const std::string arg = args.scenario.empty() ? default_scenario() : args.scenario;
  scenario::LoadResult loaded = load_scenario_argument(arg, sets);
  if (!loaded.ok()) {
    for (scenario::Diagnostic& d : loaded.errors) {
      for (const auto& [set, flag] : flag_of_set) {
        if (d.location == set) d.location = flag;
      }
    }
    print_load_problems(loaded, arg);
    return kExitBadInput;
  }
  scenario::Scenario& sc = *loaded.scenario;
  // The seed's CHORUS_BACKBEAT_* settings under the flags (sim/harness/backbeat_settings.h).
  NatsFlags nats = args.nats;
  {
    sim::BackbeatLayers layers;
    layers.flags.cluster_id = args.cluster;
    layers.flags.budget_profile = args.budget_profile;
    layers.flag_names.cluster_id = "--cluster";
    Result<BackbeatSettings> env = BackbeatSettings::from_environment(process_environment());
    if (env) layers.environment = *env;
    auto applied = env ? sim::apply_backbeat_layers(sc.world, layers, /*connects_to_nats=*/true)
                       : Result<std::vector<std::string>>(env.status());
    if (!applied) {
      std::fprintf(stderr, "backbeat-sim: live: %s\n", applied.status().message().c_str());
      return kExitBadInput;
    }
    if (Status s = scenario::apply_budget_profile(sc.world); !s) {
      std::fprintf(stderr, "backbeat-sim: live: %s: %s\n", sc.world.budget_profile.source.c_str(),
                   s.message().c_str());
      return kExitBadInput;
    }
    if (nats.servers.empty() && layers.environment.nats_url) {
      nats.servers = *layers.environment.nats_url;
      applied->push_back(fmt::format("backbeat  nats_url={} (environment {})",
                                     redact_nats_urls(nats.servers), kEnvNatsUrl));
    }
    if (nats.servers.empty()) {
      std::fprintf(stderr,
                   "backbeat-sim: live: --nats is required (or BACKBEAT_NATS_URL, or the seed's "
                   "%s)\n",
                   std::string(kEnvNatsUrl).c_str());
      return kExitBadInput;
    }
    if (sim::backbeat_disabled_everywhere(sc.world)) {
      std::fprintf(stderr,
                   "backbeat-sim: live: BACKBEAT integration is disabled for every agent "
                   "(CHORUS_BACKBEAT_ENABLED or the scenario's groups): nothing to run\n");
      return kExitBadInput;
    }
    if (!args.quiet && !args.json) {
      for (const std::string& line : *applied) std::fprintf(stderr, "%s\n", line.c_str());
    }
  }
  if (args.agents) {
    if (*args.agents < 1 || *args.agents > 10000) {
      std::fprintf(stderr, "backbeat-sim: --agents %d: expected 1..10000\n", *args.agents);
      return kExitBadInput;
    }
    if (sc.world.cluster.groups.size() != 1) {
      std::fprintf(stderr,
                   "backbeat-sim: --agents: scenario %s has %zu agent groups; set each "
                   "group's count with --set cluster.groups.N.count=M instead\n",
                   sc.name.c_str(), sc.world.cluster.groups.size());
      return kExitBadInput;
    }
    sc.world.cluster.groups[0].count = *args.agents;
  }
  if (Status s = live::check_live_config(sc.world); !s) {
    std::fprintf(stderr, "backbeat-sim: live %s: %s\n", sc.name.c_str(), s.message().c_str());
    return kExitBadInput;
  }
  if (!args.out_dir.empty()) {
    if (Status s = prepare_output_directory(args.out_dir, kRunDirectoryFiles); !s) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n",
                   scenario::echo_path(args.out_dir).c_str(), s.message().c_str());
      return kExitBadInput;
    }
  }
  const bool show_progress = !args.quiet && !args.json;
  if (show_progress) {
    std::fprintf(stderr, "backbeat-sim: live %s: %d agent(s) on %s for %s at %g BPM (%s pulse)\n",
                 sc.name.c_str(), sc.world.cluster.agent_count(),
                 redact_nats_urls(nats.servers).c_str(),
                 scenario::format_duration(sc.world.duration).c_str(), sc.world.pulse.tempo_bpm,
                 args.pulse ? "built-in" : "external");
  }

  install_interrupt_handler();
  live::NatsLibraryGuard nats_library;
  if (!nats_library.open_status()) {
    std::fprintf(stderr, "backbeat-sim: %s\n", nats_library.open_status().message().c_str());
    return kExitInternal;
  }
  live::LiveRunOptions options;
  options.nats = nats.options("backbeat-sim-live");
  options.builtin_pulse = args.pulse;
  options.seed = sc.seed;
  StderrLog stderr_log;
  if (args.verbose) options.agent_log = &stderr_log;
  bool denied = false;
  options.on_permission_violation =
      [&denied, print = permission_printer("live")](const live::PermissionViolation& v) {
        denied = true;
        print(v);
      };
  ProgressLine progress(sc.name + " (live)", show_progress && !args.verbose);
  options.progress = [&](double f) { return progress.update(f); };
  const auto wall_start = std::chrono::steady_clock::now();
  // Disconnects and reconnects as they happen, with the time of day and into the run (the
  // summary only counts them); a close is news only when the connection was down.
  bool connection_down = false;
  options.on_connection = [&](ConnectionEvent event) {
    if (event == ConnectionEvent::kClosed && !connection_down) return;
    connection_down = event == ConnectionEvent::kDisconnected;
    progress.finish();
    std::fprintf(stderr, "live      %s UTC (+%.1f s): NATS %s\n", utc_time_of_day().c_str(),
                 seconds_since(wall_start),
                 event == ConnectionEvent::kDisconnected  ? "disconnected; reconnecting"
                 : event == ConnectionEvent::kReconnected ? "reconnected"
                                                          : "connection closed: gave up");
  };
  std::optional<live::LiveRunResult> result;
  {
    live::EventLoop loop;
    auto run = live::run_live(sc.world, options, loop);
    progress.finish();
    if (!run) {
      std::fprintf(stderr, "backbeat-sim: live: %s\n",
                   scenario::echo_text(run.status().message(), 1000).c_str());
      return denied ? kExitNatsPermission : connect_exit_code(run.status());
    }
    result = std::move(run).value();
  }

  scenario::RunReport report;
  report.scenario = &sc;
  report.outcome = &result->outcome;
  report.results = scenario::evaluate_assertions(sc.assertions, sc.world, result->outcome);
  report.wall_time_s = seconds_since(wall_start);
  report.interrupted = result->interrupted || interrupted();

  nlohmann::json summary = scenario::run_summary_json(report);
  summary["backbeat"] = sim::backbeat_record(sc.world);
  summary["mode"] = "live";
  summary["reconnects"] = result->reconnects;
  nlohmann::json gaps = nlohmann::json::array();
  for (const live::ClaimGap& g : result->gaps) {
    gaps.push_back({{"agent", g.agent_id},
                    {"first_seq", g.first_seq},
                    {"last_seq", g.last_seq},
                    {"count", g.size()},
                    {"cause", g.cause}});
  }
  const live::ReliableClaimsCounters& k = result->claim_counters;
  summary["live"] = {{"nats", result->servers},
                     {"pulse", args.pulse ? "built-in" : "external"},
                     {"disconnects", result->disconnects},
                     {"reconnects", result->reconnects},
                     {"slow_consumer_drops", result->slow_consumer_drops},
                     {"pulse_frames", result->pulse_frames},
                     {"frames_foreign", result->frames_foreign},
                     {"closed_cause", result->closed_cause},
                     {"claim_gaps", gaps},
                     {"permission_violations", permission_json(result->permission_violations)},
                     {"claim_window",
                      {{"sent", k.claims_sent},
                       {"republished", k.claims_republished},
                       {"confirmed", k.claims_confirmed},
                       {"markers", k.markers},
                       {"markers_foreign", k.markers_foreign},
                       {"flushes", k.flushes},
                       {"flushes_failed", k.flushes_failed},
                       {"max_window", k.max_window}}}};

  if (!args.out_dir.empty()) {
    if (Status s = write_run_directory(args.out_dir, sc, summary, report); !s) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n",
                   scenario::echo_path(args.out_dir).c_str(), s.message().c_str());
      return kExitInternal;
    }
  }
  ResultPrinting printing;
  printing.json = args.json;
  printing.quiet = args.quiet;
  printing.mode = RunMode::kLive;
  printing.quiet_suffix =
      fmt::format(": claims published {}, lost {}", result->outcome.claims.published,
                  result->outcome.claims.lost);
  std::string live_lines = live_text_lines(*result);
  if (!args.quiet) {
    // The text report's live part: connection, claim window and every gap.
    while (!live_lines.empty() && live_lines.back() == '\n') live_lines.pop_back();
    printing.extra_lines.push_back(live_lines);
  }
  if (!args.out_dir.empty())
    printing.extra_lines.push_back("saved     " + shell_quoted(args.out_dir));
  const int verdict = print_run_result(report, nullptr, summary, printing);
  if (!result->permission_violations.empty() && verdict != kExitInterrupted) {
    std::fprintf(stderr,
                 "backbeat-sim: live: the NATS server denied %zu operation(s) the run needs "
                 "(listed above; sim/live/README.md, \"Live mode permissions\")\n",
                 result->permission_violations.size());
    return kExitNatsPermission;
  }
  return verdict;
}

int pulse_command(const PulseArgs& args) {
  live::LivePulseConfig config;
  config.cluster_id = args.cluster;
  config.tempo_bpm = args.tempo;
  config.bar_length = args.bar_length;
  config.frames_per_beat = args.frames_per_beat;
  config.align_to_wall_clock = true;
  config.node_name = "backbeat-sim-pulse";
  if (Status s = config.validate(); !s) {
    std::fprintf(stderr, "backbeat-sim: pulse: %s\n", s.message().c_str());
    return kExitBadInput;
  }
  Duration duration{};
  if (args.duration && !parse_flag_duration("--duration", *args.duration, args.tempo, duration)) {
    return kExitBadInput;
  }
  install_interrupt_handler();
  live::NatsLibraryGuard nats_library;
  live::EventLoop loop;
  auto nats = live::NatsTransport::connect(args.nats.options("backbeat-sim-pulse"), loop);
  if (!nats) {
    std::fprintf(stderr, "backbeat-sim: pulse: %s\n", nats.status().message().c_str());
    return connect_exit_code(nats.status());
  }
  (*nats)->on_permission_violation(permission_printer("pulse"));
  live::LivePulse pulse(config, loop, **nats);
  if (Status s = pulse.start(); !s) {
    std::fprintf(stderr, "backbeat-sim: pulse: %s\n", s.message().c_str());
    return kExitInternal;
  }
  if (!args.quiet && !args.json) {
    std::fprintf(stderr,
                 "backbeat-sim: pulse on %s: backbeat.beat.%s at %g BPM, bar %d, %d frame(s) per "
                 "beat, from beat %lld; Ctrl-C to stop\n",
                 (*nats)->connected_url().c_str(), config.cluster_id.c_str(), config.tempo_bpm,
                 config.bar_length, config.frames_per_beat,
                 static_cast<long long>(pulse.current_beat()));
  }
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t disconnects_seen = 0;
  while (!interrupted()) {
    loop.run_for(std::chrono::milliseconds(100));
    if (args.duration && std::chrono::steady_clock::now() - start >= duration) break;
    if ((*nats)->is_closed()) {
      std::fprintf(stderr, "backbeat-sim: pulse: NATS connection closed\n");
      return kExitNatsConnection;
    }
    // A pulse whose frames the server refuses serves no one: stop at once.
    if (!(*nats)->permission_violations().empty()) break;
    if (!args.quiet && !args.json && (*nats)->disconnects() != disconnects_seen) {
      disconnects_seen = (*nats)->disconnects();
      std::fprintf(stderr, "backbeat-sim: pulse: NATS connection lost; reconnecting\n");
    }
  }
  pulse.stop();
  (void)(*nats)->flush(std::chrono::seconds(1));
  const nlohmann::json summary = {
      {"cluster", config.cluster_id},
      {"tempo_bpm", config.tempo_bpm},
      {"bar_length", config.bar_length},
      {"frames_per_beat", config.frames_per_beat},
      {"last_beat", pulse.current_beat()},
      {"frames_published", pulse.frames_published()},
      {"frames_refused", pulse.frames_refused()},
      {"beats_skipped", pulse.beats_skipped()},
      {"disconnects", (*nats)->disconnects()},
      {"reconnects", (*nats)->reconnects()},
      {"permission_violations", permission_json((*nats)->permission_violations())}};
  const bool denied = !(*nats)->permission_violations().empty();
  (*nats)->close();
  if (args.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::printf(
        "pulse stopped at beat %lld: %llu frames published, %llu refused, %llu "
        "reconnect(s)\n",
        static_cast<long long>(pulse.current_beat()),
        static_cast<unsigned long long>(pulse.frames_published()),
        static_cast<unsigned long long>(pulse.frames_refused()),
        static_cast<unsigned long long>((*nats)->reconnects()));
  }
  if (denied) {
    std::fprintf(stderr,
                 "backbeat-sim: pulse: stopped: the NATS server refuses this connection's beat "
                 "frames (permission denied)\n");
    return kExitNatsPermission;
  }
  return kExitPass;
}

int observe_command(const ObserveArgs& args) {
  Duration duration{};
  if (args.duration && !parse_flag_duration("--duration", *args.duration, 60.0, duration)) {
    return kExitBadInput;
  }
  if (!(std::isfinite(args.interval_s) && args.interval_s > 0)) {  // the flag checks it too
    std::fprintf(stderr, "backbeat-sim: --interval must be a positive number of seconds\n");
    return kExitBadInput;
  }
  install_interrupt_handler();
  live::NatsLibraryGuard nats_library;
  live::EventLoop loop;
  auto nats = live::NatsTransport::connect(args.nats.options("backbeat-sim-observe"), loop);
  if (!nats) {
    std::fprintf(stderr, "backbeat-sim: observe: %s\n", nats.status().message().c_str());
    return connect_exit_code(nats.status());
  }
  live::ObserverOptions oo;
  oo.cluster_id = args.cluster;
  live::Observer observer(oo, **nats, loop);
  // Every non-conforming message, as it arrives (stdout normally, stderr under --json).
  observer.on_nonconforming([&](const live::Nonconforming& n) {
    std::FILE* to = args.json ? stderr : stdout;
    // Subjects and errors come off the wire: escaped like payloads, so a terminal escape
    // sequence in a subject cannot reach the terminal.
    std::fprintf(to, "NONCONFORMING %s %s: %s\n", n.kind.c_str(),
                 scenario::echo_text(n.subject, 200).c_str(),
                 scenario::echo_text(n.error, 400).c_str());
  });
  (*nats)->on_permission_violation(permission_printer("observe"));
  if (Status s = observer.start(); !s) {
    std::fprintf(stderr, "backbeat-sim: observe: %s\n", s.message().c_str());
    return connect_exit_code(s);
  }
  // An observer the server does not let subscribe would see nothing: say so and stop.
  if (Status s = (*nats)->confirm_subscriptions(std::chrono::seconds(2)); !s) {
    std::fprintf(stderr, "backbeat-sim: observe: %s\n",
                 scenario::echo_text(s.message(), 400).c_str());
    return (*nats)->permission_violations().empty() ? connect_exit_code(s) : kExitNatsPermission;
  }
  if (!args.json && !args.quiet) {
    std::fprintf(stderr, "backbeat-sim: observing backbeat.> on %s%s; Ctrl-C to stop\n",
                 (*nats)->connected_url().c_str(),
                 args.cluster.empty() ? "" : (" (cluster " + args.cluster + ")").c_str());
  }
  const auto start = std::chrono::steady_clock::now();
  auto next_status = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(args.interval_s));
  while (!interrupted()) {
    loop.run_for(std::chrono::milliseconds(100));
    const auto now = std::chrono::steady_clock::now();
    if (args.duration && now - start >= duration) break;
    if (now >= next_status) {
      next_status = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(args.interval_s));
      const double rate = observer.claims_per_second_recent();
      if (!args.json && !args.quiet) {
        std::printf("--- %.1f s, %.1f claims/s%s\n%s", seconds_since(start), rate,
                    (*nats)->is_connected() ? "" : " (NATS disconnected, reconnecting)",
                    observer.render_status().c_str());
        std::fflush(stdout);
      }
    }
  }
  observer.stop();
  nlohmann::json summary = observer.summary_json();
  summary["nats"] = {{"url", redact_nats_urls(args.nats.servers)},
                     {"disconnects", (*nats)->disconnects()},
                     {"reconnects", (*nats)->reconnects()},
                     {"slow_consumer_drops", (*nats)->slow_consumer_drops()},
                     {"permission_violations", permission_json((*nats)->permission_violations())}};
  const bool denied = !(*nats)->permission_violations().empty();
  (*nats)->close();
  if (args.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::printf("%s", observer.render_summary().c_str());
  }
  if (denied) return kExitNatsPermission;
  // As `live`: a claim that went missing without an outage of our own to explain it fails.
  return observer.nonconforming_total() == 0 && observer.unaccounted_claims() == 0 ? kExitPass
                                                                                   : kExitFail;
}

// ---------------------------------------------------------------------------------------------

class LiveCommandsImpl final : public LiveCommands {
 public:
  explicit LiveCommandsImpl(CLI::App& app) {
    app.footer(app.get_footer() + "\n" + kLiveExitCodesNote);
    live_cmd_ = app.add_subcommand(
        "live",
        "Run a scenario's workload on N in-process agents (the unchanged core) against a real "
        "NATS server; same verdict, JSON summary and report as `run`");
    live_cmd_
        ->add_option("scenario", live_.scenario,
                     "Scenario file or shipped scenario name (default: baseline); faults "
                     "and swarm need the simulator and are refused")
        ->type_name("SCENARIO");
    // Not required here: CHORUS_BACKBEAT_NATS_URL may name the servers (live_command checks).
    add_nats_flags(live_cmd_, live_.nats, /*required=*/false);
    live_cmd_->add_option("--cluster", live_.cluster, "Cluster id (default: the scenario's)")
        ->type_name("ID");
    live_cmd_
        ->add_option("--agents", live_.agents,
                     "Number of in-process agents (default: the scenario's)")
        ->type_name("N");
    live_cmd_->add_flag("--pulse", live_.pulse,
                        "Run a built-in pulse publishing contract frames (otherwise follow an "
                        "external pulse on backbeat.beat.<cluster>)");
    live_cmd_->add_option("--tempo", live_.tempo, "Tempo in BPM (default: the scenario's)")
        ->type_name("BPM");
    live_cmd_
        ->add_option("--duration", live_.duration,
                     "How long to run, e.g. 30s, 5m, \"20 beats\" (default: the "
                     "scenario's)")
        ->type_name("D");
    add_set_flag(live_cmd_, live_.sets);
    live_cmd_->add_flag("--json", live_.json,
                        "Print one JSON object on stdout (the run summary plus \"mode\", "
                        "\"reconnects\" and \"live\")");
    live_cmd_->add_flag("-q,--quiet", live_.quiet, "Print one summary line; no progress");
    live_cmd_->add_flag("-v,--verbose", live_.verbose,
                        "Print every agent's log lines on standard error, as `run -v`: the "
                        "integration's start and stop, each beat, downbeat and cleanup check");
    live_cmd_
        ->add_option("--backbeat-budget-profile", live_.budget_profile,
                     "CHORUS_BACKBEAT_BUDGET_PROFILE: the agents' budget profile (dev, prod, "
                     "high-latency or one of the scenario's budget_profiles)")
        ->type_name("NAME");
    live_cmd_
        ->add_option("--out", live_.out_dir,
                     "Save run.json, scenario.json (after --set), seed and report.json/md/html in "
                     "DIR, atomically, as `run --out` does")
        ->check(output_directory_flag(kRunDirectoryFiles))
        ->type_name("DIR");
    live_cmd_->footer(std::string(kLiveExitCodesHelp) + "\n" + kSecurityHelp);

    pulse_cmd_ = app.add_subcommand(
        "pulse",
        "A standalone pulse publishing contract beat frames, for developing real agents without "
        "a BACKBEAT deployment (beat numbers follow the wall clock, so a restart continues "
        "forward)");
    add_nats_flags(pulse_cmd_, pulse_.nats, /*required=*/true);
    pulse_cmd_->add_option("--cluster", pulse_.cluster, "Cluster id")->type_name("ID")->required();
    pulse_cmd_->add_option("--tempo", pulse_.tempo, "Tempo in BPM, 0.1..1000 (default 60)")
        ->type_name("BPM");
    pulse_cmd_->add_option("--bar-length", pulse_.bar_length, "Beats per bar (default 4)")
        ->type_name("N");
    pulse_cmd_
        ->add_option("--frames-per-beat", pulse_.frames_per_beat,
                     "3: plan/execute/review frames (default); 1: execute only")
        ->type_name("N");
    pulse_cmd_->add_option("--duration", pulse_.duration, "Stop after D (default: Ctrl-C)")
        ->type_name("D");
    pulse_cmd_->add_flag("--json", pulse_.json, "Print a JSON summary on stdout at the end");
    pulse_cmd_->add_flag("-q,--quiet", pulse_.quiet, "No start and reconnect messages");
    pulse_cmd_->allow_extras();  // refused in run(), without echoing a split secret
    pulse_cmd_->footer(std::string(kPulseExitCodesHelp) + "\n" + kSecurityHelp);

    observe_cmd_ = app.add_subcommand(
        "observe",
        "Subscribe to backbeat.>, validate every message against the contracts, show per-agent "
        "state, measured tempo, claims/s and every non-conforming message; summary on Ctrl-C");
    add_nats_flags(observe_cmd_, observe_.nats, /*required=*/true);
    observe_cmd_->add_option("--cluster", observe_.cluster, "Only this cluster (default: all)")
        ->type_name("ID");
    observe_cmd_
        ->add_option("--interval", observe_.interval_s,
                     "Seconds between status displays (default 1)")
        ->type_name("S")
        ->check(seconds_flag(0.01, 86400.0));
    observe_cmd_->add_option("--duration", observe_.duration, "Stop after D (default: Ctrl-C)")
        ->type_name("D");
    observe_cmd_->add_flag("--json", observe_.json,
                           "Print the summary as JSON on stdout at the end (non-conforming "
                           "messages go to stderr as they arrive)");
    observe_cmd_->add_flag("-q,--quiet", observe_.quiet, "No periodic status display");
    observe_cmd_->allow_extras();
    observe_cmd_->footer(std::string(kObserveExitCodesHelp) + "\n" + kSecurityHelp);
  }

  // A secret given on the command line that the shell split (`--password a b`) leaves its tail as
  // an argument of its own: a scenario name for `live`, an extra argument for `pulse` and
  // `observe`. Rule: with --password or --token on the command line, an argument that is not a
  // readable file or a shipped scenario is never echoed. Returns kExitPass when there is none.
  int refuse_stray_arguments(CLI::App* cmd) const {
    const bool secret_inline = secret_on_command_line(cmd);
    const std::vector<std::string> extras = cmd->remaining();
    std::string stray;
    if (!extras.empty()) {
      stray = secret_inline ? fmt::format("{} unexpected argument(s), not shown", extras.size())
                            : "unexpected argument " + scenario::echo_text(extras.front());
    } else if (cmd == live_cmd_ && secret_inline && !live_.scenario.empty() &&
               !std::filesystem::exists(resolve_scenario(live_.scenario))) {
      stray = "the scenario argument is neither a file nor a shipped scenario (not shown)";
    }
    if (stray.empty()) return kExitPass;
    std::fprintf(stderr, "backbeat-sim: %s: %s%s\n", cmd->get_name().c_str(), stray.c_str(),
                 secret_inline ? ": with --password or --token on the command line it may be the "
                                 "tail of a secret the shell split; quote the secret, or better "
                                 "use --password-file/--token-file or the environment"
                               : "");
    return kExitBadInput;
  }

  // True when --password or --token was typed on the command line (not read from its variable).
  static bool secret_on_command_line(const CLI::App* cmd) {
    for (const char* name : {"--password", "--token"}) {
      const CLI::Option* option = cmd->get_option_no_throw(name);
      if (option == nullptr || option->count() == 0) continue;
      const char* env = std::getenv(option->get_envname().c_str());
      if (env == nullptr || option->as<std::string>() != env) return true;
    }
    return false;
  }

  bool selected() const override { return *live_cmd_ || *pulse_cmd_ || *observe_cmd_; }

  int run() override {
    CLI::App* cmd = *live_cmd_ ? live_cmd_ : (*pulse_cmd_ ? pulse_cmd_ : observe_cmd_);
    NatsFlags& flags = *live_cmd_ ? live_.nats : (*pulse_cmd_ ? pulse_.nats : observe_.nats);
    if (int code = refuse_stray_arguments(cmd); code != kExitPass) return code;
    if (const std::string problem = flags.prepare(); !problem.empty()) {
      std::fprintf(stderr, "backbeat-sim: %s\n", problem.c_str());
      return kExitBadInput;
    }
    if (*live_cmd_) {
      live_.nats.warn_about_cleartext_credentials();
      return live_command(live_);
    }
    if (*pulse_cmd_) {
      pulse_.nats.warn_about_cleartext_credentials();
      return pulse_command(pulse_);
    }
    observe_.nats.warn_about_cleartext_credentials();
    return observe_command(observe_);
  }

 private:
  CLI::App* live_cmd_ = nullptr;
  CLI::App* pulse_cmd_ = nullptr;
  CLI::App* observe_cmd_ = nullptr;
  LiveArgs live_;
  PulseArgs pulse_;
  ObserveArgs observe_;
};

}  // namespace

std::unique_ptr<LiveCommands> add_live_commands(CLI::App& app) {
  return std::make_unique<LiveCommandsImpl>(app);
}

}  // namespace backbeat::sim::cli
