// The bad-input matrix: malformed scenario files, wire frames, command-line flags and
// environment variables, one table row each. Every row asserts
//   - the exit code (CLI rows: 2 bad input, 3 I/O, 4 cannot connect; see sim/cli/exit_codes.h),
//   - that the message names the offending thing (the key, field, flag or variable, and the bad
//     value) and where it is (file:line:column and JSON pointer, the subject, the flag),
//   - that nothing partial is left behind: no *.tmp* or *.partial file anywhere under the
//     row's scratch directory, and an --out directory that is absent or empty.
// CLI rows spawn the built backbeat-sim (BACKBEAT_SIM_BINARY) with a controlled environment;
// wire rows decode in-process and, with live mode built, go through the observer, which must
// report exactly one non-conforming message naming the subject and the field.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/backbeat_config.h"
#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/secret_text.h"
#include "tests/reliability/spawn_process.h"
#ifdef BACKBEAT_WITH_LIVE
#include "sim/live/observer.h"
#include "tests/support/in_memory_transport.h"
#include "tests/support/manual_clock.h"
#endif

namespace backbeat {
namespace {

namespace fs = std::filesystem;

const std::string kSim = BACKBEAT_SIM_BINARY;
const std::string kBad = std::string(BACKBEAT_TEST_DATA_DIR) + "/scenarios/bad";

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// ---------------------------------------------------------------------------------------------
// Command-line rows (scenario files, flags, process environment).

struct CliCase {
  using Env = std::map<std::string, std::optional<std::string>>;
  CliCase(std::string n, std::vector<std::string> a, int code, std::vector<std::string> e,
          std::string text = "", Env environment = {})
      : name(std::move(n)),
        args(std::move(a)),
        exit_code(code),
        expect(std::move(e)),
        file_text(std::move(text)),
        env(std::move(environment)) {}

  std::string name;
  std::vector<std::string> args;  // {FILE} {OUT} {TMP} {BAD} are substituted
  int exit_code;
  std::vector<std::string> expect;  // substrings of stderr+stdout ({TMP} substituted)
  std::string file_text;            // written to {FILE} when not empty
  Env env;                          // values {TMP}-substituted; nullopt: unset
};
// gtest prints a parameter by name (ctest lists rows by it), not as a dump of its bytes.
void PrintTo(const CliCase& c, std::ostream* os) {
  *os << c.name;
}

// A short run, for rows whose run must fail on its output path rather than on the scenario.
const char* const kQuick = "--set=duration=5m";
// A timeline file's header and one entry (sim/world/timeline_jsonl.h), for the timeline rows.
const char* const kTimelineHeader =
    "{\"format\":\"backbeat.timeline.v1\",\"seed\":1,\"tempo_bpm\":2}\n";
const char* const kTimelineEntry =
    "{\"t_ns\":1,\"beat\":0,\"role\":\"agent\",\"node\":\"chorus:agent-0\",\"event\":\"resync\"}\n";

// Workflow rows: operation types a and b, then a workflow whose "steps" follows.
const char* const kWorkflowHead =
    "  \"workload\": {\"operations\": [{\"type\": \"a\", \"count\": 1}, {\"type\": \"b\", "
    "\"count\": 0}],\n    \"workflows\": [{\"name\": \"w\", \"count\": 1, \"steps\": ";
std::string many_steps(int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i)
    out += (i ? ", " : "") + std::string("{\"name\": \"s") + std::to_string(i) +
           "\", \"type\": \"a\"}";
  return out + "]";
}

std::vector<CliCase> cli_cases() {
  const std::string header = "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"duration\": \"1h\",\n";
  return {
      // --- scenario files: each names file:line:column and the JSON pointer.
      {"file_trailing_garbage",
       {"run", "{FILE}", "--out", "{OUT}"},
       2,
       {"scenario.json:2:1: /: not valid JSON"},
       "{\"version\": 1}\nxyz\n"},
      {"file_nul_byte",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:2:12: /: not valid JSON", "U+0000"},
       std::string("{\"version\": 1,\n \"name\": \"x\0y\"}\n", 29)},
      {"file_bad_utf8",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:3:16: /: not valid JSON", "UTF-8"},
       "{\n  \"version\": 1,\n  \"name\": \"caf\xe9\",\n}\n"},
      {"file_number_overflow",
       {"run", "{FILE}", "--out", "{OUT}"},
       2,
       {"scenario.json:6:26: /: not valid JSON", "1e999"},
       header + "  \"cluster\": {\"id\": \"c\", \"agents\": 2},\n  \"pulse\": {\"tempo_bpm\": "
                "1e999}\n}\n"},
      {"file_deep_nesting",
       {"run", "{FILE}", "--out", "{OUT}"},
       2,
       {"scenario.json:1:279: /: arrays and objects nested deeper than 256 levels"},
       "{\"version\": 1, \"name\": " + std::string(100000, '[') + std::string(100000, ']') + "}\n"},
      {"file_tempo_string_nan",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:6:26: /pulse/tempo_bpm: expected a number in 0.1..1000; got \"NaN\""},
       header + "  \"cluster\": {\"id\": \"c\", \"agents\": 2},\n  \"pulse\": {\"tempo_bpm\": "
                "\"NaN\"}\n}\n"},
      {"file_agents_negative",
       {"run", "{FILE}", "--out", "{OUT}"},
       2,
       {"scenario.json:5:36: /cluster/agents: expected an integer in 1..100000; got -3"},
       header + "  \"cluster\": {\"id\": \"c\", \"agents\": -3}\n}\n"},
      {"file_agents_too_many",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:5:36: /cluster/agents:", "got 1000000"},
       header + "  \"cluster\": {\"id\": \"c\", \"agents\": 1e6}\n}\n"},
      {"file_duration_zero",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:4:15: /duration: expected a positive duration; got 0s"},
       "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"duration\": \"0s\",\n  \"cluster\": {\"id\": "
       "\"c\", \"agents\": 2}\n}\n"},
      {"file_seed_fraction",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:4:11: /seed: expected an integer seed", "got 1.5"},
       "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"seed\": 1.5,\n  \"duration\": \"1h\",\n  "
       "\"cluster\": {\"id\": \"c\", \"agents\": 2}\n}\n"},
      {"file_cluster_id_charset",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:5:21: /cluster/id: expected a cluster id", "got \"bad id!\""},
       header + "  \"cluster\": {\"id\": \"bad id!\", \"agents\": 2}\n}\n"},
      {"file_unclosed_comment",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:5:1: /: not valid JSON", "missing closing '*/'"},
       "{\n  \"version\": 1, /* never closed\n  \"name\": \"x\"\n}\n"},
      {"file_unknown_key_did_you_mean",
       {"run", "{BAD}/unknown_top_key.json", "--out", "{OUT}"},
       2,
       {"unknown_top_key.json:4:3: /durration: unknown key 'durration'",
        "did you mean 'duration'"}},
      {"file_dependency_cycle",
       {"validate", "{BAD}/../beyond_schema/dependency_cycle.json"},
       2,
       {"dependency_cycle.json:3:31: /workload/operations: dependency cycle: a -> b -> a"}},
      {"file_fault_after_end",
       {"validate", "{BAD}/../beyond_schema/fault_after_end.json"},
       2,
       {"fault_after_end.json:4:40: /faults/0/at: the fault starts at 2h, after the run ends "
        "(1h)"}},
      {"file_selector_syntax",
       {"validate", "{BAD}/../beyond_schema/selector_syntax.json"},
       2,
       {"selector_syntax.json:3:78: /workload/operations/0/agents: expected a selector",
        "'agents:9-3'"}},
      {"file_missing",
       {"run", "{TMP}/missing.json", "--out", "{OUT}"},
       2,
       {"missing.json: /: no such file"}},
      {"file_is_directory",
       {"validate", "{TMP}"},
       2,
       {"{TMP}: /: cannot open the scenario file: it is a directory"}},

      // --- workflows (issue 16 section 4): steps named, cycles and the step cap, at the pointer.
      {"workflow_steps_cycle",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:6:54: /workload/workflows/0/steps: cycle between the steps of workflow "
        "'w': a -> b -> a"},
       header + kWorkflowHead +
           "[{\"type\": \"a\", \"after\": [\"b\"]}, {\"type\": \"b\", \"after\": "
           "[\"a\"]}]}]}\n}\n"},
      {"workflow_unknown_step",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:6:94: /workload/workflows/0/steps/1/after/0: step 'b' comes after 'c', "
        "which is no step of workflow 'w'; did you mean 'a'?"},
       header + kWorkflowHead +
           "[{\"type\": \"a\"}, {\"type\": \"b\", \"after\": [\"c\"]}]}]}\n}\n"},
      {"workflow_too_many_steps",
       {"validate", "{FILE}"},
       2,
       {"/workload/workflows/0/steps: too many entries: 65; at most 64"},
       header + kWorkflowHead + many_steps(65) + "}]}\n}\n"},
      // The workflow_beats_within assertion names templates of the workload, and refuses a
      // workload without workflows (it would pass with nothing to judge).
      {"assertion_workflow_unknown",
       {"validate", "workflows", "--set",
        "assertions=[{\"kind\": \"workflow_beats_within\", \"beats\": 9, \"workflows\": "
        "[\"publsh\"]}]"},
       2,
       {"/assertions/0/workflows/0: no workflow template 'publsh' in the workload; did you mean "
        "'publish'? (workflows: publish)"}},
      {"assertion_workflow_without_workflows",
       {"validate", "baseline", "--set",
        "assertions=[{\"kind\": \"workflow_beats_within\", \"beats\": 9}]"},
       2,
       {"/assertions/0/kind: workflow_beats_within judges workflow instances, and the workload "
        "has no \"workflows\""}},
      {"assertion_workflow_without_bound",
       {"validate", "workflows", "--set", "assertions=[{\"kind\": \"workflow_beats_within\"}]"},
       2,
       {"/assertions/0: missing required key 'beats' (the bound in beats on a workflow "
        "instance's first start to last end)"}},
      {"workflow_step_unknown_type",
       {"validate", "{FILE}"},
       2,
       {"/workload/workflows/0/steps/0/type: no operation of type 'c' in the workload"},
       header + kWorkflowHead + "[{\"type\": \"c\"}]}]}\n}\n"},

      // --- command-line flags: each names the flag and the bad value.
      {"flag_unknown", {"run", "--bogus"}, 2, {"--bogus"}},
      {"flag_unknown_subcommand", {"frobnicate"}, 2, {"frobnicate"}},
      {"flag_seed_not_a_number",
       {"run", "baseline", "--seed", "abc", "--out", "{OUT}"},
       2,
       {"--seed abc: expected an integer 0..2^64-1"}},
      {"flag_seed_negative", {"run", "baseline", "--seed", "-5"}, 2, {"--seed -5: expected"}},
      {"flag_seed_too_large",
       {"run", "baseline", "--seed", "99999999999999999999999"},
       2,
       {"--seed 99999999999999999999999: expected"}},
      {"flag_seed_bad_hex", {"run", "baseline", "--seed", "0xZZ"}, 2, {"--seed 0xZZ: expected"}},
      {"flag_set_without_equals",
       {"run", "baseline", "--set", "nokey", "--out", "{OUT}"},
       2,
       {"--set nokey: /: expected PATH=VALUE"}},
      {"flag_set_unknown_key",
       {"run", "baseline", "--set", "pulse.nokey=3"},
       2,
       {"--set pulse.nokey=3: /pulse/nokey: unknown key 'nokey'"}},
      {"flag_set_bad_value",
       {"run", "baseline", "--set", "duration=abc", "--out", "{OUT}"},
       2,
       {"--set duration=abc: /duration: expected a duration", "got \"abc\""}},
      {"flag_set_number_overflow",
       {"run", "baseline", "--set", "pulse.tempo_bpm=1e999"},
       2,
       {"--set pulse.tempo_bpm=1e999: /pulse/tempo_bpm: expected a number"}},
      {"flag_set_invalid_utf8",  // found by fuzz_scenario: was an internal error (exit 3)
       {"run", "baseline", "--set", "pulse.tempo_bpm=\xfa\xfb", "--out", "{OUT}"},
       2,
       {"--set pulse.tempo_bpm=", "not valid UTF-8"}},
      // Huge or unprintable values are echoed bounded: the first 64 characters, the size.
      {"flag_seed_huge",
       {"run", "baseline", "--seed", std::string(100000, '9')},
       2,
       {"--seed " + std::string(64, '9') + "... (100000 bytes): expected an integer"}},
      {"flag_set_huge",
       {"run", "baseline", "--set", "pulse.tempo_bpm=" + std::string(100000, 'x')},
       2,
       {"--set pulse.tempo_bpm=" + std::string(144, 'x') + "... (100016 bytes): /pulse/tempo_bpm"}},
      {"flag_set_forged_frames_rate",
       {"run", "baseline", "--set",
        R"(faults=[{"kind":"forged_frames","at":"1m","duration":"1m","rate":0}])"},
       2,
       {"/faults/0/rate: expected a number in 0.1..1000; got 0"}},
      {"flag_set_control_characters",
       {"run", "baseline", "--set", "pulse.tempo_bpm=a\x1b[31mb"},
       2,
       {"--set pulse.tempo_bpm=a\\x1b[31mb: /pulse/tempo_bpm"}},
      {"flag_scenario_name_huge",
       {"run", std::string(5000, 'n')},
       2,
       {std::string(256, 'n') + "... (5000 bytes): /: no such file"}},
      {"flag_out_under_a_file",
       {"run", "baseline", "--out", "{TMP}/a_file/out"},  // fails before the run
       2,
       {"--out: cannot create {TMP}/a_file/out: a folder on its path is not a directory"}},
      {"flag_tune_out_under_a_file",
       {"tune", "baseline", "--seeds", "2", "--out", "{TMP}/a_file/out"},
       2,
       {"--out: cannot create {TMP}/a_file/out: a folder on its path is not a directory"}},
      {"flag_trace_under_a_file",
       {"run", "baseline", kQuick, "--trace", "{TMP}/a_file/trace.jsonl"},
       2,
       {"--trace: cannot create {TMP}/a_file/trace.jsonl: a folder on its path is not a "
        "directory"}},
      {"flag_two_scenarios", {"run", "a.json", "b.json"}, 2, {"b.json"}},
      {"flag_replay_bad_fingerprint",
       {"replay", "baseline", "--seed", "1", "--expect-fingerprint", "xyz"},
       2,
       {"16 hex digits"}},
      {"flag_replay_missing_dir",
       {"replay", "{TMP}/no_such_run"},
       2,
       {"replay {TMP}/no_such_run: needs --seed"}},
      {"flag_tune_percentile_range",
       {"tune", "baseline", "--percentile", "150", "--out", "{OUT}"},
       2,
       {"--percentile 150: expected a number in (0, 100]"}},
      {"flag_tune_percentile_text",
       {"tune", "baseline", "--percentile", "abc"},
       2,
       {"--percentile", "abc"}},
      {"flag_tune_seeds_zero", {"tune", "baseline", "--seeds", "0"}, 2, {"--seeds 0: expected"}},
      {"flag_compare_missing_run",
       {"compare", "{TMP}/nothing", "{TMP}/nothing"},
       2,
       {"{TMP}/nothing: no report.json or run.json"}},

      // --- timeline (issue 14 section 3): run --timeline and the timeline command's input.
      {"flag_run_timeline_is_a_directory",
       {"run", "baseline", kQuick, "--timeline", "{TMP}"},
       2,
       {"--timeline", "{TMP}"}},
      {"flag_run_timeline_stdout_with_json",
       {"run", "baseline", kQuick, "--json", "--timeline", "-", "--out", "{OUT}"},
       2,
       {"--timeline -: --json prints on standard output too"}},
      {"timeline_missing",
       {"timeline", "{TMP}/nowhere"},
       2,
       {"{TMP}/nowhere: not a timeline file"}},
      {"timeline_blank_first_line",
       {"timeline", "{FILE}"},
       2,
       {"scenario.json:1: not valid JSON"},
       "\n"},
      {"timeline_first_line_not_header",
       {"timeline", "{FILE}"},
       2,
       {"scenario.json:1: expected the header"},
       "{\"t_ns\":1,\"beat\":0,\"role\":\"agent\",\"node\":\"a\",\"event\":\"resync\"}\n"},
      {"timeline_malformed_line",
       {"timeline", "{FILE}"},
       2,
       {"scenario.json:3: missing \"beat\""},
       std::string(kTimelineHeader) + kTimelineEntry + "{\"t_ns\":1}\n"},
      {"timeline_unknown_event",
       {"timeline", "{FILE}"},
       2,
       {"scenario.json:2: unknown \"event\" \"nope\""},
       std::string(kTimelineHeader) +
           "{\"t_ns\":1,\"beat\":0,\"role\":\"agent\",\"node\":\"a\",\"event\":\"nope\"}\n"},
      {"timeline_line_too_long",
       {"timeline", "{FILE}"},
       2,
       {"scenario.json:2: line longer than 65536 bytes"},
       std::string(kTimelineHeader) + std::string(70000, 'x') + "\n"},
      {"timeline_bad_kind",
       {"timeline", "{FILE}", "--kind", "frams"},
       2,
       {"--kind frams: not an event kind", "frame.dropped"},
       std::string(kTimelineHeader) + kTimelineEntry},
      {"timeline_bad_from",
       {"timeline", "{FILE}", "--from", "5x"},
       2,
       {"--from 5x: unknown duration unit"},
       std::string(kTimelineHeader) + kTimelineEntry},
      {"timeline_negative_to",
       {"timeline", "{FILE}", "--to", "-5s"},
       2,
       {"--to -5s: a time since the start of the run cannot be negative"},
       std::string(kTimelineHeader) + kTimelineEntry},
      {"timeline_to_before_from",
       {"timeline", "{FILE}", "--from", "2 beats", "--to", "30s"},
       2,
       {"--to 30s: before --from 2 beats"},
       std::string(kTimelineHeader) + kTimelineEntry},
      {"timeline_unknown_agent",
       {"timeline", "{FILE}", "--agent", "nobody"},
       2,
       {"--agent nobody: no such node"},
       std::string(kTimelineHeader) + kTimelineEntry},

      // --- process environment.
      {"env_scenarios_dir_nowhere_list",
       {"list"},
       2,
       {"no scenarios in {TMP}/nowhere", "BACKBEAT_SCENARIOS_DIR"},
       "",
       {{"BACKBEAT_SCENARIOS_DIR", "{TMP}/nowhere"}}},
      {"env_scenarios_dir_nowhere_run",
       {"run", "baseline", "--out", "{OUT}"},
       2,
       {"baseline: /: no such file, and no shipped scenario of that name in {TMP}/nowhere (from "
        "BACKBEAT_SCENARIOS_DIR)"},
       "",
       {{"BACKBEAT_SCENARIOS_DIR", "{TMP}/nowhere"}}},
      // --- sweep, compare --fail-on-regression (issue 14): refused before any seed runs.
      {"sweep_seeds_zero",
       {"sweep", "baseline", "--seeds", "0", "--out", "{OUT}"},
       2,
       {"--seeds 0: expected N (seeds 1..N) or A..B"}},
      {"sweep_seeds_backwards",
       {"sweep", "baseline", "--seeds", "9..3", "--out", "{OUT}"},
       2,
       {"--seeds 9..3: expected N (seeds 1..N) or A..B (A <= B)"}},
      {"sweep_seeds_missing", {"sweep", "baseline", "--out", "{OUT}"}, 2, {"--seeds is required"}},
      {"sweep_jobs_negative",
       {"sweep", "baseline", "--seeds", "2", "--jobs", "-1", "--out", "{OUT}"},
       2,
       {"--jobs -1: expected 0..1024"}},
      {"sweep_folder_without_scenarios",
       {"sweep", "{TMP}", "--seeds", "2", "--out", "{OUT}"},
       2,
       {"sweep {TMP}: a folder without scenario files (*.json)"}},
      {"sweep_bad_scenario_in_folder",
       {"sweep", "{TMP}", "--seeds", "2", "--out", "{OUT}"},
       2,
       {"scenario.json:1:16: /durration: unknown key 'durration'"},
       "{\"version\": 1, \"durration\": \"1h\"}\n"},
      {"sweep_out_under_a_file",
       {"sweep", "baseline", "--seeds", "2", "--out", "{TMP}/a_file/out"},
       2,
       {"--out: cannot create {TMP}/a_file/out: a folder on its path is not a directory"}},
      {"compare_tolerance_negative",
       {"compare", "{TMP}", "{TMP}", "--fail-on-regression", "--tolerance", "-1"},
       2,
       {"--tolerance -1: expected a number of beats (2) or a percentage of A's value (10%)"}},
      {"compare_tolerance_without_fail_on_regression",
       {"compare", "{TMP}", "{TMP}", "--tolerance", "2"},
       2,
       {"--tolerance requires --fail-on-regression"}},

      // --- priorities under contention (issue 16 section 4): admission and priority fields.
      {"file_admission_negative_limit",
       {"validate", "{FILE}"},
       2,
       {"/admission/max_concurrent: expected an integer in 0..10000; got -1"},
       header + "  \"admission\": {\"max_concurrent\": -1}\n}\n"},
      {"file_admission_without_limit",
       {"validate", "{FILE}"},
       2,
       {"/admission: missing required key 'max_concurrent'"},
       header + "  \"admission\": {\"max_queue\": 4}\n}\n"},
      {"file_admission_negative_queue",
       {"validate", "{FILE}"},
       2,
       {"/admission/max_queue: expected an integer in 0..10000; got -4"},
       header + "  \"admission\": {\"max_concurrent\": 2, \"max_queue\": -4}\n}\n"},
      {"file_priority_unknown_name",
       {"validate", "{FILE}"},
       2,
       {"/workload/operations/0/priority: expected one of low, normal, high; got \"urgent\""},
       header + "  \"workload\": {\"operations\": [{\"type\": \"dht_store\", \"count\": 3, "
                "\"priority\": \"urgent\"}]}\n}\n"},
      {"file_capacity_negative",
       {"validate", "{FILE}"},
       2,
       {"/workload/capacity_per_agent: expected an integer in 0..10000; got -2"},
       header + "  \"workload\": {\"capacity_per_agent\": -2, \"operations\": [{\"type\": "
                "\"dht_store\", \"count\": 3}]}\n}\n"},
      {"flag_set_admission_negative_wait",
       {"run", "baseline", "--set", "admission.max_concurrent=2", "--set",
        "admission.max_wait_beats=-1"},
       2,
       {"/admission/max_wait_beats: expected an integer in 0..1000; got -1"}},
#ifdef BACKBEAT_WITH_LIVE
      // Live mode honours admission: the scenario gets as far as the server that is not there.
      {"live_honours_admission",
       {"live", "priorities_under_contention", "--nats", "nats://127.0.0.1:1"},
       4,
       {"live: no NATS server reachable at nats://127.0.0.1:1"}},
      {"env_nats_url_unreachable",
       {"observe", "--duration", "1s"},
       4,
       {"observe: no NATS server reachable at nats://127.0.0.1:1"},
       "",
       {{"BACKBEAT_NATS_URL", "nats://127.0.0.1:1"}}},
      {"env_nats_url_missing", {"observe", "--duration", "1s"}, 2, {"--nats is required"}},
      {"observe_interval_infinite",
       {"observe", "--nats", "nats://127.0.0.1:1", "--interval", "inf"},
       2,
       {"--interval: expected seconds in 0.01..86400, got 'inf'"}},
      {"observe_interval_nan",
       {"observe", "--nats", "nats://127.0.0.1:1", "--interval", "nan"},
       2,
       {"--interval: expected seconds in 0.01..86400, got 'nan'"}},
      // Malformed URLs are bad input (not "no server reachable"), named redacted.
      {"flag_nats_url_bad_port",
       {"observe", "--nats", "nats://u:Secr3t@h:99999", "--duration", "1s"},
       2,
       {"--nats: NATS URL 'nats://***@h:99999': the port is not a number in 1..65535"}},
      {"flag_nats_url_comma_in_password",
       {"live", "baseline", "--nats", "nats://u:Sec,r3t@h:4222", "--out", "{OUT}"},
       2,
       {"--nats: NATS URL 1 of 2 in 'nats://***@h:4222'", "%2C"}},
      {"env_nats_url_bad_scheme",
       {"observe", "--duration", "1s"},
       2,
       {"NATS URL 'ftp://***@x': unknown scheme",
        "read from the environment variable BACKBEAT_NATS_URL"},
       "",
       {{"BACKBEAT_NATS_URL", "ftp://u:Secr3t@x"}}},
      // Secrets passed where a file path belongs: refused naming the flag or variable, never
      // echoed (the test body checks every such value is absent from the output).
      {"env_tls_key_holds_the_pem",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       2,
       {"--tls-key: the value", "looks like a PEM block itself",
        "read from the environment variable BACKBEAT_NATS_TLS_KEY"},
       "",
       {{"BACKBEAT_NATS_TLS_KEY",
         "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Secr3t\n"
         "-----END PRIVATE KEY-----\n"}}},
      {"flag_nkey_seed_holds_the_seed",
       {"observe", "--nats", "nats://127.0.0.1:1", "--nkey",
        "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4", "--nkey-seed",
        "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY", "--duration", "1s"},
       2,
       {"--nkey-seed: the value (58 characters, not shown) looks like an NKey seed itself"}},
      {"env_creds_holds_the_jwt",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       2,
       {"--creds: the value", "looks like a JWT itself", "BACKBEAT_NATS_CREDS"},
       "",
       {{"BACKBEAT_NATS_CREDS",
         "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJTZWNyM3QifQ."
         "c2lnbmF0dXJlU2VjcjN0"}}},
      // Flags that only work together are named as the user gave them, before connecting.
      {"flag_nkey_without_seed",
       {"observe", "--nats", "nats://127.0.0.1:1", "--nkey", "UABC", "--duration", "1s"},
       2,
       {"--nkey (BACKBEAT_NATS_NKEY) needs --nkey-seed"}},
      {"env_tls_cert_without_key",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       2,
       {"--tls-cert (BACKBEAT_NATS_TLS_CERT) needs --tls-key"},
       "",
       {{"BACKBEAT_NATS_TLS_CERT", "/etc/ssl/certs/client.pem"}}},
      {"flag_nats_credentials_in_clear_refused",
       {"pulse", "--cluster", "c", "--nats", "nats://u:Secr3t@192.0.2.1:4222",
        "--require-tls-for-credentials", "--duration", "1s"},
       2,
       {"credentials (user info in the URL) would be sent without TLS to "
        "nats://***@192.0.2.1:4222"}},
      {"env_nats_tls_not_a_bool",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       2,
       {"--tls = maybe", "read from the environment variable BACKBEAT_NATS_TLS"},
       "",
       {{"BACKBEAT_NATS_TLS", "maybe"}}},
      {"env_nats_tls_ca_missing",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       4,
       {"cannot read TLS CA file '{TMP}/ca.pem'"},
       "",
       {{"BACKBEAT_NATS_TLS_CA", "{TMP}/ca.pem"}}},
      {"env_nats_nkey_seed_missing",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       4,
       {"cannot read NKey seed file '{TMP}/seed.nk'"},
       "",
       {{"BACKBEAT_NATS_NKEY", "UABC"}, {"BACKBEAT_NATS_NKEY_SEED", "{TMP}/seed.nk"}}},
      {"flag_live_out_under_a_file",  // refused before connecting
       {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--out", "{TMP}/a_file/out"},
       2,
       {"--out: cannot create {TMP}/a_file/out: a folder on its path is not a directory"}},
      {"flag_live_agents_zero",
       {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--agents", "0", "--out", "{OUT}"},
       2,
       {"--agents 0: expected 1..10000"}},
      {"flag_live_tempo_zero",
       {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--tempo", "0"},
       2,
       {"/pulse/tempo_bpm: expected a number in 0.1..1000; got 0"}},
      {"flag_live_swarm_refused",
       {"live", "swarm", "--nats", "nats://127.0.0.1:1", "--out", "{OUT}"},
       2,
       {"live swarm: swarm:", "needs the simulator"}},
      {"flag_observe_bad_duration",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "forever"},
       2,
       {"--duration forever: expected a duration"}},
      // --- security (issue 17): files holding secrets and secrets split by the shell. Each
      // secret holds "Secr3t", which the test body checks never reaches the output.
      {"flag_password_file_several_lines",
       {"observe", "--nats", "nats://127.0.0.1:1", "--user", "u", "--password-file", "{FILE}"},
       2,
       {"--password-file: the password file", "holds several lines", "not shown"},
       "Secr3t\nSecr3t-again\n"},
      {"flag_password_file_and_inline_password",
       {"observe", "--nats", "nats://127.0.0.1:1", "--user", "u", "--password", "Secr3t",
        "--password-file", "{FILE}"},
       2,
       {"--password-file (BACKBEAT_NATS_PASSWORD_FILE) and --password", "give one"},
       "Secr3t-in-file\n"},
      {"env_token_file_empty",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       2,
       {"--token-file: the token file", "is empty"},
       "\n",
       {{"BACKBEAT_NATS_TOKEN_FILE", "{TMP}/scenario.json"}}},
      {"flag_nkey_seed_file_holds_no_seed",
       {"observe", "--nats", "nats://127.0.0.1:1", "--nkey",
        "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4", "--nkey-seed", "{FILE}"},
       2,
       {"--nkey-seed (BACKBEAT_NATS_NKEY_SEED)", "holds no NKey user seed"},
       "Secr3t is not a seed\n"},
      {"env_creds_file_not_a_creds_file",
       {"observe", "--nats", "nats://127.0.0.1:1", "--duration", "1s"},
       2,
       {"--creds (BACKBEAT_NATS_CREDS)", "is not a .creds file"},
       "Secr3t\n",
       {{"BACKBEAT_NATS_CREDS", "{TMP}/scenario.json"}}},
      {"flag_password_split_by_the_shell_live",
       {"live", "--nats", "nats://127.0.0.1:1", "--user", "u", "--password", "Secr3t-head",
        "Secr3t-tail"},
       2,
       {"the scenario argument is neither a file nor a shipped scenario (not shown)",
        "--password-file"}},
      {"flag_token_split_by_the_shell_pulse",
       {"pulse", "--nats", "nats://127.0.0.1:1", "--cluster", "c", "--token", "Secr3t-head",
        "Secr3t-tail"},
       2,
       {"pulse: 1 unexpected argument(s), not shown"}},
#endif
  };
}

class CliMatrix : public ::testing::TestWithParam<CliCase> {};

// Files that must never survive a failed run.
std::vector<std::string> leftovers(const fs::path& root) {
  std::vector<std::string> found;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(root)) {
    std::string name = e.path().filename().string();
    if (name.find(".tmp") != std::string::npos || name.find(".partial") != std::string::npos) {
      found.push_back(e.path().string());
    }
  }
  return found;
}

TEST_P(CliMatrix, ExitCodeMessageAndNoPartialOutput) {
  const CliCase& c = GetParam();
  const fs::path tmp = fs::temp_directory_path() /
                       ("backbeat-badinput-" + c.name + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  { std::ofstream(tmp / "a_file") << "not a directory\n"; }
  auto subst = [&](std::string s) {
    replace_all(s, "{FILE}", (tmp / "scenario.json").string());
    replace_all(s, "{OUT}", (tmp / "out").string());
    replace_all(s, "{BAD}", kBad);
    replace_all(s, "{TMP}", tmp.string());
    return s;
  };
  if (!c.file_text.empty()) {
    std::ofstream(tmp / "scenario.json", std::ios::binary) << c.file_text;
  }
  std::vector<std::string> args{kSim};
  for (const std::string& a : c.args) args.push_back(subst(a));
  std::map<std::string, std::optional<std::string>> env;
  for (const auto& [k, v] : c.env) env[k] = v ? std::optional(subst(*v)) : std::nullopt;

  Spawned r = spawn(args, tmp, env);
  std::string all = r.err + r.out;
  EXPECT_EQ(r.exit_code, c.exit_code) << all.substr(0, 2000);
  for (const std::string& e : c.expect) {
    EXPECT_NE(all.find(subst(e)), std::string::npos)
        << "expected the message to contain: " << subst(e) << "\ngot:\n"
        << all.substr(0, 2000);
  }
  EXPECT_EQ(all.find("internal error"), std::string::npos) << all.substr(0, 2000);
  // A secret given anywhere (rows mark theirs "Secr3t", split or whole) is never echoed.
  EXPECT_EQ(all.find("Secr3t"), std::string::npos) << all.substr(0, 2000);
  EXPECT_EQ(all.find("r3t@"), std::string::npos) << all.substr(0, 2000);
  // Nor is any value that looks like a key, seed or JWT (core/secret_text.h), even in part.
  std::vector<std::string> given = c.args;
  for (const auto& [name, value] : c.env) {
    if (value) given.push_back(*value);
  }
  for (const std::string& value : given) {
    if (!secret_kind(value) || value.size() < 24) continue;
    for (std::size_t at = 0; at + 12 <= value.size(); at += 6) {
      const std::string piece = value.substr(at, 12);
      if (piece.find('\n') != std::string::npos || piece.find("-----") != std::string::npos) {
        continue;
      }
      EXPECT_EQ(all.find(piece), std::string::npos) << "echoed a secret: " << all.substr(0, 2000);
    }
  }
  // Whatever was given, the answer stays readable: no argument is echoed in full.
  EXPECT_LT(all.size(), 4096u) << all.substr(0, 2000);
  EXPECT_TRUE(leftovers(tmp).empty()) << "partial files left: " << leftovers(tmp).front();
  if (fs::exists(tmp / "out")) {
    EXPECT_TRUE(fs::is_empty(tmp / "out")) << "a failed run left files in --out";
  }
  fs::remove_all(tmp);
}

INSTANTIATE_TEST_SUITE_P(BadInput, CliMatrix, ::testing::ValuesIn(cli_cases()),
                         [](const ::testing::TestParamInfo<CliCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// Wire frames: the decoder names the field; the observer names the subject and the field.

enum class Kind { kBeat, kClaim, kBar, kSubject };

struct WireCase {
  std::string name;
  Kind kind;
  std::string subject;
  std::string payload;
  std::string field;  // the message starts with "<field>: "
};
void PrintTo(const WireCase& c, std::ostream* os) {
  *os << c.name;
}

const std::string kFrame =
    R"({"type":"backbeat.beatframe.v1","cluster_id":"c1","beat_index":42,"downbeat":false,)"
    R"("phase":"execute","hlc":"01a2:0003:9f1c","deadline_at":"2026-11-27T10:21:10Z",)"
    R"("tempo_bpm":2.0,"window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071"})";
const std::string kClaim =
    R"({"type":"backbeat.statusclaim.v1","agent_id":"a1","beat_index":42,"state":"executing",)"
    R"("beats_left":2,"progress":0.5,"hlc":"01a2:0003:9f1c"})";
const std::string kBar =
    R"({"type":"backbeat.barreport.v1","window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071",)"
    R"("from_beat":0,"to_beat":3,"agents_reporting":5,"on_time_reviews":5,)"
    R"("help_promises_fulfilled":0,"secret_rotations_ok":true,"tempo_drift_ms":1.5})";

// `base` with the JSON member `"key":<old>` replaced by `"key":<value>`.
std::string with(const std::string& base, const std::string& key, const std::string& value) {
  std::size_t at = base.find("\"" + key + "\":");
  std::size_t start = at + key.size() + 3;
  std::size_t end = base.find_first_of(",}", start);
  if (base[start] == '"') end = base.find('"', start + 1) + 1;
  return base.substr(0, start) + value + base.substr(end);
}

std::vector<WireCase> wire_cases() {
  const std::string beat = "backbeat.beat.c1";
  const std::string status = "backbeat.status.c1.a1";
  const std::string bar = "backbeat.bar.c1";
  return {
      {"beat_not_json", Kind::kBeat, beat, "garbage", "(json)"},
      {"beat_empty", Kind::kBeat, beat, "", "(json)"},
      {"beat_truncated", Kind::kBeat, beat, kFrame.substr(0, 40), "(json)"},
      {"beat_wrong_type", Kind::kBeat, beat, with(kFrame, "type", "\"backbeat.beatframe.v2\""),
       "type"},
      {"beat_index_negative", Kind::kBeat, beat, with(kFrame, "beat_index", "-1"), "beat_index"},
      {"beat_index_fraction", Kind::kBeat, beat, with(kFrame, "beat_index", "1.5"), "beat_index"},
      {"beat_index_past_int64", Kind::kBeat, beat,
       with(kFrame, "beat_index", "9223372036854775808"), "beat_index"},
      {"beat_tempo_zero", Kind::kBeat, beat, with(kFrame, "tempo_bpm", "0"), "tempo_bpm"},
      // A number beyond a double is not JSON the decoders accept at all (nlohmann refuses it).
      {"beat_tempo_overflow", Kind::kBeat, beat, with(kFrame, "tempo_bpm", "1e999"), "(json)"},
      {"beat_tempo_nan_string", Kind::kBeat, beat, with(kFrame, "tempo_bpm", "\"NaN\""),
       "tempo_bpm"},
      {"beat_hlc_malformed", Kind::kBeat, beat, with(kFrame, "hlc", "\"01a2-0003\""), "hlc"},
      {"beat_window_short", Kind::kBeat, beat, with(kFrame, "window_id", "\"5d0c\""), "window_id"},
      {"beat_phase_unknown", Kind::kBeat, beat, with(kFrame, "phase", "\"dance\""), "phase"},
      {"beat_deadline_not_rfc3339", Kind::kBeat, beat, with(kFrame, "deadline_at", "\"tomorrow\""),
       "deadline_at"},
      {"beat_unknown_field", Kind::kBeat, beat,
       kFrame.substr(0, kFrame.size() - 1) + ",\"extra\":1}", "extra"},
      {"claim_legacy_state", Kind::kClaim, status, with(kClaim, "state", "\"done\""), "state"},
      {"claim_progress_above_one", Kind::kClaim, status, with(kClaim, "progress", "2"), "progress"},
      {"claim_agent_id_empty", Kind::kClaim, status, with(kClaim, "agent_id", "\"\""), "agent_id"},
      {"bar_issue_count_negative", Kind::kBar, bar,
       kBar.substr(0, kBar.size() - 1) +
           R"(,"issues":[{"severity":"warn","category":"x","count":-1}]})",
       "issues[0].count"},
      {"bar_window_not_hex", Kind::kBar, bar,
       with(kBar, "window_id", "\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\""), "window_id"},
      {"subject_not_backbeat", Kind::kSubject, "backbeat.nonsense.c1", kFrame, "subject"},
      // A valid claim under a subject whose cluster or agent token breaks the id rules: the
      // observer made a row of its table of it, escape sequence and all.
      {"subject_cluster_breaks_id_rules", Kind::kSubject, "backbeat.status.c\x1b[2J.a1", kClaim,
       "subject"},
      {"subject_agent_breaks_id_rules", Kind::kSubject,
       "backbeat.status.c1." + std::string(129, 'a'), kClaim, "subject"},
  };
}

class WireMatrix : public ::testing::TestWithParam<WireCase> {};

std::string decode_error(Kind kind, std::string_view payload) {
  switch (kind) {
    case Kind::kBeat:
      return decode_beat_frame(payload).status().message();
    case Kind::kClaim:
      return decode_status_claim(payload).status().message();
    case Kind::kBar:
      return decode_bar_report(payload).status().message();
    case Kind::kSubject:
      return "";
  }
  return "";
}

TEST_P(WireMatrix, DecoderAndObserverNameTheFieldAndSubject) {
  const WireCase& c = GetParam();
  if (c.kind != Kind::kSubject) {
    std::string error = decode_error(c.kind, c.payload);
    EXPECT_TRUE(error.starts_with(c.field + ": ")) << "decoder said: " << error;
  }
#ifdef BACKBEAT_WITH_LIVE
  testing::InMemoryTransport transport;
  testing::ManualClock clock;
  live::Observer observer({}, transport, clock);
  observer.handle(Message{c.subject, c.payload});
  ASSERT_EQ(observer.nonconforming_total(), 1u);
  const live::Nonconforming& n = observer.nonconforming().front();
  EXPECT_EQ(n.subject, c.subject);
  EXPECT_TRUE(n.error.starts_with(c.field + ": ")) << "observer said: " << n.error;
  if (c.kind == Kind::kSubject) {
    EXPECT_EQ(n.kind, "subject");
    EXPECT_NE(n.error.find(c.subject), std::string::npos) << n.error;
    EXPECT_EQ(observer.render_status(100).find(c.subject.substr(c.subject.rfind('.') + 1)),
              std::string::npos)
        << "a non-conforming subject became a row:\n"
        << observer.render_status(100);
  }
#endif
}

INSTANTIATE_TEST_SUITE_P(BadInput, WireMatrix, ::testing::ValuesIn(wire_cases()),
                         [](const ::testing::TestParamInfo<WireCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// CHORUS_BACKBEAT_* (BackbeatConfig::from_environment): the error names the variable and value.

struct EnvCase {
  std::string name;
  std::map<std::string, std::string> env;
  std::vector<std::string> expect;
};
void PrintTo(const EnvCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<EnvCase> env_cases() {
  return {
      {"enabled_maybe",
       {{"CHORUS_BACKBEAT_ENABLED", "maybe"}},
       {"CHORUS_BACKBEAT_ENABLED", "'maybe'"}},
      {"enabled_empty", {{"CHORUS_BACKBEAT_ENABLED", ""}}, {"CHORUS_BACKBEAT_ENABLED", "''"}},
      {"cluster_id_space",
       {{"CHORUS_BACKBEAT_CLUSTER_ID", "has space"}},
       {"CHORUS_BACKBEAT_CLUSTER_ID", "'has space'"}},
      {"cluster_id_dot",
       {{"CHORUS_BACKBEAT_CLUSTER_ID", "a.b"}},
       {"CHORUS_BACKBEAT_CLUSTER_ID", "'a.b'"}},
      {"cluster_id_too_long",
       {{"CHORUS_BACKBEAT_CLUSTER_ID", std::string(65, 'c')}},
       {"CHORUS_BACKBEAT_CLUSTER_ID", std::string(65, 'c')}},
      {"agent_id_wildcard",
       {{"CHORUS_BACKBEAT_AGENT_ID", "agent.>"}},
       {"CHORUS_BACKBEAT_AGENT_ID", "'agent.>'"}},
      {"agent_id_empty", {{"CHORUS_BACKBEAT_AGENT_ID", ""}}, {"CHORUS_BACKBEAT_AGENT_ID", "''"}},
      {"nats_url_http",
       {{"CHORUS_BACKBEAT_NATS_URL", "http://nats:4222"}},
       {"CHORUS_BACKBEAT_NATS_URL", "'http://nats:4222'"}},
      {"nats_url_empty", {{"CHORUS_BACKBEAT_NATS_URL", ""}}, {"CHORUS_BACKBEAT_NATS_URL", "empty"}},
      {"nats_url_second_bad",
       {{"CHORUS_BACKBEAT_NATS_URL", "nats://a:4222,b:4222"}},
       {"CHORUS_BACKBEAT_NATS_URL", "URL 2 of 2 in 'nats://a:4222,b:4222'"}},
      {"nats_url_password_not_echoed",
       {{"CHORUS_BACKBEAT_NATS_URL", "nats://u:Secr3t@h:0"}},
       {"CHORUS_BACKBEAT_NATS_URL", "'nats://***@h:0'"}},
      {"claim_states_unknown",
       {{"CHORUS_BACKBEAT_CLAIM_STATES", "modern"}},
       {"CHORUS_BACKBEAT_CLAIM_STATES", "'modern'"}},
  };
}

class EnvMatrix : public ::testing::TestWithParam<EnvCase> {};

TEST_P(EnvMatrix, ConfigErrorNamesVariableAndValue) {
  const EnvCase& c = GetParam();
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto it = c.env.find(std::string(name));
    if (it == c.env.end()) return std::nullopt;
    return it->second;
  };
  Result<BackbeatConfig> config = BackbeatConfig::from_environment(lookup, "agent-7");
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  for (const std::string& e : c.expect) {
    EXPECT_NE(config.status().message().find(e), std::string::npos)
        << "expected '" << e << "' in: " << config.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(BadInput, EnvMatrix, ::testing::ValuesIn(env_cases()),
                         [](const ::testing::TestParamInfo<EnvCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// Bounded input and NATS subjects (issue 13, sections 2 and 3): the size limit on every file the
// command reads (scenario, run.json, report.json) whatever it is (regular file, device, FIFO fed
// endlessly), each count cap, capped diagnostics, and malformed fault subjects. Every row
// asserts exit 2 well within a time bound, the message naming the thing and where, output of at
// most a few KiB, no partial file, and pre-existing files (a file in --out, a --trace target)
// intact.

struct BoundsCase {
  enum class Input { kFile, kEndlessFifo, kSparse, kRunDirWithHugeRunJson, kHugeReport };
  std::string name;
  Input input;
  std::string text;                 // kFile: the file's content
  std::vector<std::string> args;    // {IN} {OUT} {TRACE} {TMP} substituted
  std::vector<std::string> expect;  // substrings of stderr+stdout ({IN} {TMP} substituted)
};
void PrintTo(const BoundsCase& c, std::ostream* os) {
  *os << c.name;
}

// "[ITEM,ITEM,...]" with `n` items.
std::string items(std::size_t n, const std::string& item) {
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + item;
  return out + "]";
}

std::vector<BoundsCase> bounds_cases() {
  using I = BoundsCase::Input;
  const std::vector<std::string> run = {"run", "{IN}", "--out", "{OUT}", "--trace", "{TRACE}"};
  const std::string v = "{\"version\": 1, \"duration\": \"1h\", ";
  const std::string limit =
      ": /: the scenario file is larger than the limit of 1 MiB (1048576 bytes)";
  const std::string loss = "{\"kind\": \"message_loss\", \"at\": \"1m\", \"probability\": 0.1, ";
  std::string keys = "{\"version\": 1";
  for (int i = 0; i < 60000; ++i) keys += ",\n \"bad" + std::to_string(i) + "\": 0";
  keys += "}";
  std::string ops;
  for (int i = 0; i < 3; ++i) {
    ops += std::string(i ? "," : "") + "{\"type\": \"t" + std::to_string(i) +
           "\", \"count\": 5000000}";
  }
  return {
      // --- size limit: at most 1 MiB + 1 byte is read, whatever the file is.
      {"size_dev_zero_run",
       I::kFile,
       "",
       {"run", "/dev/zero", "--out", "{OUT}", "--trace", "{TRACE}"},
       {"/dev/zero" + limit}},
      {"size_dev_zero_validate", I::kFile, "", {"validate", "/dev/zero"}, {"/dev/zero" + limit}},
      {"size_endless_fifo_validate", I::kEndlessFifo, "", {"validate", "{IN}"}, {"{IN}" + limit}},
      {"size_endless_fifo_run", I::kEndlessFifo, "", run, {"{IN}" + limit}},
      {"size_sparse_terabyte", I::kSparse, "", run, {"{IN}" + limit}},
      {"size_one_byte_over",
       I::kFile,
       "{\"version\": 1}" + std::string((std::size_t{1} << 20) - 13, ' '),
       run,
       {"{IN}" + limit}},
      {"size_million_faults",
       I::kFile,
       v + "\"faults\": " + items(1000000, "{}") + "}",
       run,
       {"{IN}" + limit}},
      {"size_replay_run_json",
       I::kRunDirWithHugeRunJson,
       "",
       {"replay", "{TMP}/saved"},
       {"{TMP}/saved/run.json: the run file is larger than the limit of 64 MiB (67108864 bytes)"}},
      {"size_compare_report_json",
       I::kHugeReport,
       "",
       {"compare", "{TMP}/saved", "{TMP}/saved"},
       {"{TMP}/saved/report.json: the run summary is larger than the limit of 64 MiB"}},
      // --- count caps: checked before any entry, one message naming field, count and cap.
      {"cap_faults",
       I::kFile,
       v + "\"faults\": " + items(1001, "{}") + "}",
       run,
       {"{IN}:1:44: /faults: too many entries: 1001; at most 1000 are allowed here"}},
      {"cap_groups",
       I::kFile,
       v + "\"cluster\": {\"groups\": " + items(1001, "{\"count\": 1}") + "}}",
       {"validate", "{IN}"},
       {"{IN}:1:56: /cluster/groups: too many entries: 1001; at most 1000"}},
      {"cap_links",
       I::kFile,
       v + "\"cluster\": {\"nats_servers\": 3, \"links\": " + items(2017, "{}") + "}}",
       {"validate", "{IN}"},
       {"/cluster/links: too many entries: 2017; at most 2016"}},
      {"cap_tempo_changes",
       I::kFile,
       v + "\"pulse\": {\"tempo_changes\": " + items(1001, "{}") + "}}",
       {"validate", "{IN}"},
       {"/pulse/tempo_changes: too many entries: 1001; at most 1000"}},
      {"cap_operations",
       I::kFile,
       v + "\"workload\": {\"operations\": " + items(1001, "{\"type\": \"t\"}") + "}}",
       run,
       {"/workload/operations: too many entries: 1001; at most 1000"}},
      {"cap_operation_total",
       I::kFile,
       v + "\"workload\": {\"operations\": [" + ops + "]}}",
       run,
       {"/workload/operations: too many operations: the counts add up to 15000000; at most "
        "10000000 in total"}},
      {"cap_assertions",
       I::kFile,
       v + "\"assertions\": " + items(1001, "{}") + "}",
       {"validate", "{IN}"},
       {"/assertions: too many entries: 1001; at most 1000"}},
      {"cap_swarm_kinds",
       I::kFile,
       v + "\"swarm\": {\"kinds\": " + items(13, "\"pulse_outage\"") + "}}",
       {"validate", "{IN}"},
       {"/swarm/kinds: too many entries: 13; at most 12"}},
      {"cap_swarm_faults",
       I::kFile,
       v + "\"swarm\": {\"faults\": 1001}}",
       run,
       {"{IN}:1:54: /swarm/faults: expected an integer in 0..1000; got 1001"}},
      {"cap_agents_total",
       I::kFile,
       v + "\"cluster\": {\"groups\": [{\"count\": 60000}, {\"count\": 60000}]}}",
       run,
       {"/cluster/groups: expected at most 100000 agents in total; got 120000"}},
      {"cap_run_agent_beats",
       I::kFile,
       "{\"version\": 1, \"duration\": \"1000h\", \"cluster\": {\"agents\": 100000}}",
       run,
       {"{IN}:1:28: /duration: the run is too large: 100000 agents x 120000 beats",
        "at most 1e+09"}},
      // --- capped diagnostics: the first 50 in file order, then a count of the rest.
      {"diag_60000_unknown_keys",
       I::kFile,
       keys,
       {"validate", "{IN}"},
       {"{IN}:2:2: /bad0: unknown key 'bad0'", "/bad49: unknown key",
        "and 59950 more problems not shown (the first 50 are above)", "60000 problem(s)"}},
      {"diag_1000_bad_faults_run",
       I::kFile,
       v + "\"faults\": " + items(1000, "{\"kind\": \"nats_disconnect\", \"x\": 1}") + "}",
       run,
       {"/faults/0: missing required key 'at'", "and 1950 more problems not shown",
        "backbeat-sim: 2000 problem(s) in"}},
      // --- fault subjects: the rules of the wire, at the field's JSON path.
      {"subject_gt_not_last",
       I::kFile,
       v + "\"faults\": [" + loss + "\"subject\": \"backbeat.>.status\"}]}",
       run,
       {"{IN}:1:113: /faults/0/subject: expected a NATS subject pattern",
        "\"backbeat.>.status\" has '>' before its last token"}},
      {"subject_space",
       I::kFile,
       v + "\"faults\": [" + loss + "\"subject\": \"backbeat.status x\"}]}",
       {"validate", "{IN}"},
       {"/faults/0/subject:", "contains whitespace or a control character"}},
      {"subject_empty_token",
       I::kFile,
       v + "\"faults\": [" + loss + "\"subject\": \"backbeat..status\"}]}",
       run,
       {"/faults/0/subject:", "\"backbeat..status\" has an empty token"}},
      {"subject_wildcard_inside_token",
       I::kFile,
       v + "\"faults\": [" + loss + "\"subject\": \"backbeat.stat*\"}]}",
       run,
       {"/faults/0/subject:", "has '*' or '>' inside a token"}},
      {"subject_escape_sequence",
       I::kFile,
       v + "\"faults\": [" + loss + "\"subject\": \"a.\\u001b[2J\"}]}",
       {"validate", "{IN}"},
       {"/faults/0/subject:", "\"a.\\x1b[2J\" contains whitespace or a control character"}},
      {"subject_from_set",
       I::kFile,
       v + "\"faults\": [" + loss + "\"subject\": \"a.b\"}]}",
       {"run", "{IN}", "--set", "faults.0.subject=a.>.b", "--out", "{OUT}"},
       {"--set faults.0.subject=a.>.b: /faults/0/subject: expected a NATS subject pattern"}},
  };
}

class BoundsMatrix : public ::testing::TestWithParam<BoundsCase> {};

// Feeds `path` (a FIFO) without end until the reader goes away or `stop` is set.
void feed_endlessly(const fs::path& path, const std::atomic<bool>& stop) {
  int fd = -1;
  while (!stop && fd < 0) {  // nonblocking: no reader yet is ENXIO, not a hang
    fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd < 0) ::usleep(1000);
  }
  const std::string chunk(4096, ' ');
  while (!stop && fd >= 0) {
    ssize_t n = ::write(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EAGAIN) {
      ::usleep(100);
    } else if (n < 0) {
      break;  // EPIPE: the reader closed it
    }
  }
  if (fd >= 0) ::close(fd);
}

void make_sparse(const fs::path& path, std::uintmax_t size) {
  std::ofstream(path, std::ios::binary) << "";
  fs::resize_file(path, size);
}

TEST_P(BoundsMatrix, RefusedQuicklyNamedBoundedOutputNothingTouched) {
  using I = BoundsCase::Input;
  const BoundsCase& c = GetParam();
  const fs::path tmp =
      fs::temp_directory_path() / ("backbeat-bounds-" + c.name + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "out");
  { std::ofstream(tmp / "out" / "mine.txt") << "keep\n"; }
  { std::ofstream(tmp / "keep.trace") << "keep\n"; }
  const fs::path in = tmp / "in.json";
  std::atomic<bool> stop{false};
  std::thread feeder;
  switch (c.input) {
    case I::kFile:
      std::ofstream(in, std::ios::binary) << c.text;
      break;
    case I::kEndlessFifo:
      ASSERT_EQ(::mkfifo(in.c_str(), 0600), 0);
      std::signal(SIGPIPE, SIG_IGN);
      feeder = std::thread(feed_endlessly, in, std::cref(stop));
      break;
    case I::kSparse:
      make_sparse(in, std::uintmax_t{1} << 40);
      break;
    case I::kRunDirWithHugeRunJson:
    case I::kHugeReport:
      fs::create_directories(tmp / "saved");
      std::ofstream(tmp / "saved" / "scenario.json") << "{\"version\": 1}";
      make_sparse(tmp / "saved" / (c.input == I::kHugeReport ? "report.json" : "run.json"),
                  std::uintmax_t{1} << 40);
      break;
  }
  auto subst = [&](std::string s) {
    replace_all(s, "{IN}", in.string());
    replace_all(s, "{OUT}", (tmp / "out").string());
    replace_all(s, "{TRACE}", (tmp / "keep.trace").string());
    replace_all(s, "{TMP}", tmp.string());
    return s;
  };
  std::vector<std::string> args{kSim};
  for (const std::string& a : c.args) args.push_back(subst(a));

  const auto start = std::chrono::steady_clock::now();
  Spawned r = spawn(args, tmp);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  if (feeder.joinable()) feeder.join();

  std::string all = r.err + r.out;
  EXPECT_EQ(r.exit_code, 2) << all.substr(0, 2000);
  for (const std::string& e : c.expect) {
    EXPECT_NE(all.find(subst(e)), std::string::npos)
        << "expected the message to contain: " << subst(e) << "\ngot:\n"
        << all.substr(0, 2000);
  }
  EXPECT_EQ(all.find("internal error"), std::string::npos) << all.substr(0, 2000);
  // Refused before any work: well under a second alone; the bound leaves room for a loaded
  // machine (the unbounded reader took minutes on /dev/zero and never ended on a FIFO).
  EXPECT_LT(seconds, 10.0);
  EXPECT_LT(all.size(), 16u * 1024u) << "diagnostics must be capped";
  EXPECT_EQ(all.find('\x1b'), std::string::npos) << "a control character was echoed raw";
  EXPECT_TRUE(leftovers(tmp).empty()) << "partial files left: " << leftovers(tmp).front();
  std::vector<std::string> in_out;
  for (const auto& e : fs::directory_iterator(tmp / "out")) {
    in_out.push_back(e.path().filename().string());
  }
  EXPECT_EQ(in_out, std::vector<std::string>{"mine.txt"}) << "--out gained files";
  EXPECT_EQ(read_file(tmp / "out" / "mine.txt"), "keep\n");
  EXPECT_EQ(read_file(tmp / "keep.trace"), "keep\n") << "the --trace target was touched";
  fs::remove_all(tmp);
}

INSTANTIATE_TEST_SUITE_P(BadInput, BoundsMatrix, ::testing::ValuesIn(bounds_cases()),
                         [](const ::testing::TestParamInfo<BoundsCase>& info) {
                           return info.param.name;
                         });

// The matrix is at least 40 rows whatever is built.
TEST(BadInputMatrix, HasAtLeastFortyRows) {
  EXPECT_GE(cli_cases().size() + wire_cases().size() + env_cases().size(), 40u);
  EXPECT_GE(bounds_cases().size(), 25u);
}

// ---------------------------------------------------------------------------------------------
// Messages name what the user wrote (issue 13 section 4) and the newcomer's first hour (section
// 5): a --set problem names that --set flag, never the scenario file; a corrupt run directory is
// named as such; a short fingerprint is refused. Same CliMatrix checks as above.
namespace messages_rows {

std::vector<CliCase> cases() {
  return {
      // --- --set: the flag that supplied the value, the last one when several set it.
      {"set_second_of_two_is_named",
       {"run", "baseline", "--out", "{OUT}", "--set", "pulse.tempo_bpm=abc", "--set",
        "pulse.tempo_bpm=-3"},
       2,
       {"--set pulse.tempo_bpm=-3: /pulse/tempo_bpm: expected a number", "got -3",
        "problem(s) in the --set overrides of baseline"}},
      {"set_index_into_missing_list",
       {"run", "baseline", "--out", "{OUT}", "--set", "faults.5.x=1"},
       2,
       {"--set faults.5.x=1: /faults/5/x: 'faults' is not in the scenario, so it has no element "
        "5"}},
      {"set_negative_index",
       {"validate", "baseline", "--set", "workload.operations.-1.count=1"},
       2,
       {"--set workload.operations.-1.count=1:", "index -1 is negative"}},
      {"set_negative_index_into_missing_list",
       {"run", "baseline", "--out", "{OUT}", "--set", "duration=5m", "--set",
        "cluster.groups.-2.name=x"},
       2,
       {"--set cluster.groups.-2.name=x:", "'cluster.groups' is not in the scenario"}},
      {"set_object_where_list_expected_blames_set",
       {"run", "baseline", "--out", "{OUT}", "--set", "faults.x=1"},
       2,
       {"--set faults.x=1: /faults: expected an array of faults"}},
      // --- an explicit empty list where leaving it out means "all": refused, never "all".
      {"empty_swarm_kinds_in_file",
       {"run", "{FILE}", "--out", "{OUT}"},
       2,
       {"scenario.json:6:22: /swarm/kinds: an empty list is refused", "leave \"kinds\" out"},
       "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"duration\": \"1h\",\n  \"cluster\": "
       "{\"id\": \"c\", \"agents\": 2},\n  \"swarm\": {\"kinds\": []}\n}\n"},
      {"empty_swarm_kinds_by_set",
       {"run", "baseline", "--out", "{OUT}", "--set", "swarm.kinds=[]"},
       2,
       {"--set swarm.kinds=[]: /swarm/kinds: an empty list is refused"}},
      {"empty_links_in_file",
       {"validate", "{FILE}"},
       2,
       {"scenario.json:5:67: /cluster/links: an empty list is refused",
        "leave \"links\" out for a full mesh"},
       "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"duration\": \"1h\",\n  \"cluster\": "
       "{\"id\": \"c\", \"agents\": 2, \"nats_servers\": 2, \"links\": []}\n}\n"},
      {"empty_links_by_set",
       {"run", "baseline", "--out", "{OUT}", "--set", "cluster.links=[]"},
       2,
       {"--set cluster.links=[]: /cluster/links: an empty list is refused"}},
      // --- a run too short for its workload says what to change (the README's live command).
      {"workload_after_short_run_says_what_fits",
       {"run", "baseline", "--out", "{OUT}", "--set", "duration=20s"},
       2,
       {"baseline.json:12:20: /workload/start_after: the workload would start at 1m (\"2 beats\" "
        "at 2 BPM), after the run ends (20s); lengthen the run or raise the tempo"}},
#ifdef BACKBEAT_WITH_LIVE
      {"live_short_duration_says_tempo",
       {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--pulse", "--duration", "20s", "--out",
        "{OUT}"},
       2,
       {"/workload/start_after: the workload would start at 1m", "live: --tempo"}},
      // --- live flags that become overrides are named as the flag, not as a --set never typed.
      {"live_tempo_named_as_flag",
       {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--pulse", "--tempo", "0"},
       2,
       {"--tempo 0: /pulse/tempo_bpm: expected a number in 0.1..1000"}},
      {"live_duration_named_as_flag",
       {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--duration", "3x", "--out", "{OUT}"},
       2,
       {"--duration 3x: /duration: unknown duration unit"}},
#endif
      // --- validate over a glob that names the format's JSON Schema: skipped with a note.
      {"validate_only_the_schema",
       {"validate", std::string(BACKBEAT_SCENARIOS_SOURCE_DIR) + "/schema.json"},
       2,
       {"schema.json: a JSON Schema, not a scenario",
        "validate: no scenario among the files given"}},
      {"validate_schema_next_to_a_bad_file",
       {"validate", std::string(BACKBEAT_SCENARIOS_SOURCE_DIR) + "/schema.json", "{FILE}"},
       2,
       {"skipped   " + std::string(BACKBEAT_SCENARIOS_SOURCE_DIR) + "/schema.json",
        "scenario.json:1:13: /version: unsupported version 2"},
       "{\"version\": 2}\n"},
      // --- "did you mean" for scenario names, flags and subcommands (as for keys).
      {"typo_scenario_name",
       {"run", "partiton", "--out", "{OUT}"},
       2,
       {"partiton: /: no such file", "did you mean 'partition'?"}},
      {"typo_scenario_name_with_json",
       {"validate", "baselin.json"},
       2,
       {"baselin.json: /: no such file", "did you mean 'baseline'?"}},
      {"typo_flag",
       {"run", "baseline", "--sed", "3", "--out", "{OUT}"},
       2,
       {"--sed: did you mean --seed?"}},
      {"typo_flag_with_value",
       {"run", "baseline", "--trce={TMP}/t.jsonl"},
       2,
       {"--trce: did you mean --trace?"}},
      {"typo_flag_of_another_subcommand",
       {"tune", "baseline", "--seed", "3", "--out", "{OUT}"},
       2,
       {"--seed: did you mean --seeds?"}},
      {"typo_subcommand", {"replya", "x"}, 2, {"replya: did you mean the subcommand replay?"}},
      // --- fingerprints: exactly 16 hex digits, never zero-padded.
      {"fingerprint_15_digits",
       {"replay", "baseline", "--seed", "1", "--expect-fingerprint", "ae7d90d3c9dcbb9"},
       2,
       {"--expect-fingerprint ae7d90d3c9dcbb9: expected 16 hex digits", "got 15 characters"}},
      {"fingerprint_short_with_0x",
       {"replay", "baseline", "--seed", "1", "--expect-fingerprint", "0x2a", "--trace",
        "{TMP}/trace.jsonl"},
       2,
       {"--expect-fingerprint 0x2a: expected 16 hex digits"}},
      {"fingerprint_17_digits",
       {"replay", "baseline", "--seed", "1", "--expect-fingerprint", "0ae7d90d3c9dcbb90"},
       2,
       {"--expect-fingerprint 0ae7d90d3c9dcbb90: expected 16 hex digits"}},
  };
}

}  // namespace messages_rows

INSTANTIATE_TEST_SUITE_P(Messages, CliMatrix, ::testing::ValuesIn(messages_rows::cases()),
                         [](const ::testing::TestParamInfo<CliCase>& info) {
                           return info.param.name;
                         });

// A run directory (run --out) with one file corrupted: replay names that file and what is wrong
// in it, never a flag the user did not give, and writes nothing.
struct SavedRunCase {
  std::string name;
  std::string file;                    // in the run directory
  std::optional<std::string> content;  // nullopt: removed
  std::vector<std::string> expect;     // {DIR} is the run directory
};
void PrintTo(const SavedRunCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<SavedRunCase> saved_run_cases() {
  return {
      {"run_json_truncated", "run.json", "{\"seed\": 42, \"finger", {"{DIR}/run.json: corrupt"}},
      {"run_json_empty", "run.json", "", {"{DIR}/run.json: corrupt: not a JSON object"}},
      {"run_json_deep_nesting",
       "run.json",
       "{\"seed\": 42, \"fingerprint\": " + std::string(1000000, '[') + std::string(1000000, ']') +
           "}",
       {"{DIR}/run.json: corrupt: not a JSON object"}},
      {"run_json_missing", "run.json", std::nullopt, {"{DIR}/run.json: no such file"}},
      {"run_json_seed_text",
       "run.json",
       "{\"seed\": \"forty-two\", \"fingerprint\": \"0ae7d90d3c9dcbb9\"}",
       {"{DIR}/run.json: /seed: expected the run's seed", "got \"forty-two\""}},
      {"run_json_fingerprint_short",
       "run.json",
       "{\"seed\": 42, \"fingerprint\": \"ae7d9\"}",
       {"{DIR}/run.json: /fingerprint: expected 16 hex digits; got \"ae7d9\""}},
      {"run_json_interrupted_without_time",
       "run.json",
       "{\"seed\": 42, \"fingerprint\": \"0ae7d90d3c9dcbb9\", \"interrupted\": true}",
       {"{DIR}/run.json: /sim_time_s: an interrupted run must say"}},
      {"seed_file_garbage", "seed", "forty-two\n", {"{DIR}/seed: corrupt", "\"forty-two\""}},
      {"seed_file_disagrees", "seed", "43\n", {"{DIR}/seed: says seed 43 but run.json says 42"}},
  };
}

class SavedRunMatrix : public ::testing::TestWithParam<SavedRunCase> {};

TEST_P(SavedRunMatrix, ReplayNamesTheCorruptFileNotAFlag) {
  const SavedRunCase& c = GetParam();
  const fs::path tmp = fs::temp_directory_path() /
                       ("backbeat-savedrun-" + c.name + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const fs::path dir = tmp / "run";
  Spawned made = spawn(
      {kSim, "run", "baseline", "--quiet", "--set", "duration=5m", "--out", dir.string()}, tmp);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  if (c.content) {
    std::ofstream(dir / c.file, std::ios::binary | std::ios::trunc) << *c.content;
  } else {
    fs::remove(dir / c.file);
  }
  std::vector<std::string> before;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    before.push_back(e.path().filename().string());
  }
  Spawned r = spawn({kSim, "replay", dir.string(), "--trace", (tmp / "trace.jsonl").string()}, tmp);
  std::string all = r.err + r.out;
  EXPECT_EQ(r.exit_code, 2) << all;
  for (std::string e : c.expect) {
    replace_all(e, "{DIR}", dir.string());
    EXPECT_NE(all.find(e), std::string::npos) << "expected: " << e << "\ngot:\n" << all;
  }
  // Not blamed on a flag the user never gave.
  EXPECT_EQ(all.find("--seed"), std::string::npos) << all;
  EXPECT_EQ(all.find("--expect-fingerprint"), std::string::npos) << all;
  EXPECT_FALSE(fs::exists(tmp / "trace.jsonl")) << "the replay ran anyway";
  EXPECT_TRUE(leftovers(tmp).empty());
  std::vector<std::string> after;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    after.push_back(e.path().filename().string());
  }
  EXPECT_EQ(before, after) << "replay changed the run directory";
  fs::remove_all(tmp);
}

INSTANTIATE_TEST_SUITE_P(Messages, SavedRunMatrix, ::testing::ValuesIn(saved_run_cases()),
                         [](const ::testing::TestParamInfo<SavedRunCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// Shards and merge (issue 15 section 3): --shard K/N is checked before any seed runs, and merge
// reads each part bounded (sim/scenario/bounded_file.h) and names the part and the field. Merges
// of real parts that do not belong together (missing, duplicated, other build) are in
// tests/batch/shard_cli.sh. Same CliMatrix checks as above.
namespace shard_rows {

std::vector<CliCase> cases() {
  const std::string part_head =
      R"({"format":"backbeat.part.v1","kind":"sweep","shard":{"index":1,"count":1},)"
      R"("first_seed":1,"last_seed":1,"sets":[],"options":{},"build":"b","scenarios":[)";
  return {
      {"shard_without_slash",
       {"sweep", "baseline", "--seeds", "4", "--shard", "2", "--out", "{OUT}"},
       2,
       {"--shard 2: expected K/N, the K-th of N shards, with 1 <= K <= N"}},
      {"shard_k_above_n",
       {"sweep", "baseline", "--seeds", "4", "--shard", "4/3", "--out", "{OUT}"},
       2,
       {"--shard 4/3: expected K/N"}},
      {"shard_k_zero",
       {"tune", "baseline", "--seeds", "4", "--shard", "0/3", "--out", "{OUT}"},
       2,
       {"--shard 0/3: expected K/N"}},
      {"shard_trailing_text",
       {"tune", "baseline", "--seeds", "4", "--shard", "1/2x", "--out", "{OUT}"},
       2,
       {"--shard 1/2x: expected K/N"}},
      {"shard_more_shards_than_seeds",
       {"sweep", "baseline", "--seeds", "2", "--shard", "1/3", "--out", "{OUT}"},
       2,
       {"--shard 1/3: 3 shards for 2 seeds: each shard needs at least one seed"}},
      {"shard_tune_more_shards_than_seeds",
       {"tune", "baseline", "--seeds", "2", "--shard", "3/3", "--out", "{OUT}"},
       2,
       {"--shard 3/3: 3 shards for 2 seeds"}},
      {"shard_without_out",
       {"sweep", "baseline", "--seeds", "4", "--shard", "1/2"},
       2,
       {"--shard 1/2: a shard writes its part to DIR/part.json: give --out DIR"}},
      {"shard_with_json",
       {"tune", "baseline", "--seeds", "4", "--shard", "1/2", "--json", "--out", "{OUT}"},
       2,
       {"--shard 1/2: --json prints a whole result, a shard writes a part"}},
      {"shard_out_is_a_file",
       {"sweep", "baseline", "--seeds", "2", "--shard", "1/2", "--out", "{TMP}/a_file"},
       2,
       {"--out: {TMP}/a_file exists and is a regular file"}},
      {"merge_part_missing",
       {"merge", "{TMP}/nowhere.json", "--out", "{OUT}"},
       2,
       {"merge {TMP}/nowhere.json: cannot open the part file"}},
      {"merge_directory_without_part",
       {"merge", "{TMP}", "--out", "{OUT}"},
       2,
       {"merge {TMP}/part.json: cannot open the part file"}},
      {"merge_part_truncated",
       {"merge", "{FILE}", "--out", "{OUT}"},
       2,
       {"merge {FILE}: not JSON (truncated, or not a part.json"},
       part_head.substr(0, 70)},
      // Nesting is refused before parsing (sim/scenario/untrusted_json.h): a part of two
      // million brackets inside a record crashed merge (exit 139) when its value was copied.
      {"merge_part_deep_nesting",
       {"merge", "{FILE}", "--out", "{OUT}"},
       2,
       {"merge {FILE}: arrays and objects nested deeper than 256 levels (at byte 330)"},
       R"({"format":"backbeat.part.v1","kind":"sweep","scenarios":[{"result":{"records":[)" +
           std::string(2000000, '[') + std::string(2000000, ']') + "]}}]}"},
      {"merge_part_of_another_format",
       {"merge", "{FILE}", "--out", "{OUT}"},
       2,
       {"merge {FILE}: part/format: expected \"backbeat.part.v1\""},
       R"({"format":"backbeat.sweep.v1","scenarios":[]})"},
      {"merge_part_shard_beyond_count",
       {"merge", "{FILE}", "--out", "{OUT}"},
       2,
       {"merge {FILE}: part/shard: expected {index: K, count: N} with 1 <= K <= N"},
       R"({"format":"backbeat.part.v1","kind":"sweep","shard":{"index":3,"count":2}})"},
      {"merge_part_scenario_digest_mismatch",
       {"merge", "{FILE}", "--out", "{OUT}"},
       2,
       {"merge {FILE}: part/scenarios/0/job/scenario_digest: 0000000000000000 does not match "
        "the scenario text"},
       part_head +
           R"({"argument":"x","source":"x","job":{"kind":"sweep","first_seed":1,"last_seed":1,)"
           R"("scenario_digest":"0000000000000000","scenario":"{}"},"result":{}}]})"},
      {"merge_part_record_without_fingerprint",
       {"merge", "{FILE}", "--out", "{OUT}"},
       2,
       {"merge {FILE}: part/scenarios/0/result/records/0: seed 1/fingerprint: expected a string"},
       part_head +
           R"({"argument":"x","source":"x","job":{"kind":"sweep","first_seed":1,"last_seed":1,)"
           R"("scenario_digest":"cbf29ce484222325","scenario":""},"result":{"kind":"sweep",)"
           R"("scenario_digest":"cbf29ce484222325","build":"b","first_seed":1,"last_seed":1,)"
           R"("interrupted":false,"records":[{"seed":1}]}}]})"},
      {"merge_jobs_negative",
       {"merge", "{TMP}", "--jobs", "-1"},
       2,
       {"--jobs -1: expected 0..1024"}},
  };
}

}  // namespace shard_rows

INSTANTIATE_TEST_SUITE_P(Shards, CliMatrix, ::testing::ValuesIn(shard_rows::cases()),
                         [](const ::testing::TestParamInfo<CliCase>& info) {
                           return info.param.name;
                         });

// The work queue (issue 15 sections 1-2): worker and sweep/tune --nats refuse bad flags before
// connecting (exit 2), and name the server that is not there or has no JetStream (exit 4;
// port 1 on loopback: nothing listens). tests/queue/ runs them against a real nats-server -js.
namespace queue_rows {

std::vector<CliCase> cases() {
  return {
      {"worker_without_nats", {"worker"}, 2, {"--nats is required"}},
      {"sweep_nats_job_size_zero",
       {"sweep", "baseline", "--seeds", "4", "--nats", "nats://127.0.0.1:1", "--job-size", "0"},
       2,
       {"--job-size: Value 0 not in range 1 to 1000000"}},
      {"tune_nats_ack_wait_zero",
       {"tune", "baseline", "--seeds", "4", "--nats", "nats://127.0.0.1:1", "--ack-wait", "0"},
       2,
       {"--ack-wait: expected seconds in 0.1..3600, got '0'"}},
      // CLI11's Range lets NaN through; a NaN or infinite duration is undefined behaviour.
      {"sweep_nats_ack_wait_nan",
       {"sweep", "baseline", "--seeds", "4", "--nats", "nats://127.0.0.1:1", "--ack-wait", "nan"},
       2,
       {"--ack-wait: expected seconds in 0.1..3600, got 'nan'"}},
      {"sweep_nats_ack_wait_inf",
       {"sweep", "baseline", "--seeds", "4", "--nats", "nats://127.0.0.1:1", "--ack-wait", "inf"},
       2,
       {"--ack-wait: expected seconds in 0.1..3600, got 'inf'"}},
      {"tune_nats_ack_wait_trailing_text",
       {"tune", "baseline", "--seeds", "4", "--nats", "nats://127.0.0.1:1", "--ack-wait", "5s"},
       2,
       {"--ack-wait: expected seconds in 0.1..3600, got '5s'"}},
      {"sweep_nats_no_server",
       {"sweep", "baseline", "--seeds", "4", "--nats", "nats://127.0.0.1:1"},
       4,
       {"sweep: no NATS server reachable at nats://127.0.0.1:1"}},
      {"worker_no_server",
       {"worker", "--nats", "nats://127.0.0.1:1"},
       4,
       {"worker: no NATS server reachable at nats://127.0.0.1:1"}},
  };
}

}  // namespace queue_rows

INSTANTIATE_TEST_SUITE_P(Queue, CliMatrix, ::testing::ValuesIn(queue_rows::cases()),
                         [](const ::testing::TestParamInfo<CliCase>& info) {
                           return info.param.name;
                         });

// Budget profiles (core/budget_profiles.h): an unknown or malformed name, from any source, exits
// 2 naming the source, with a did-you-mean; a scenario's table is checked like `budgets`.
namespace profile_rows {

std::vector<CliCase> cases() {
  const std::string header = "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"duration\": \"1h\",\n";
  return {
      {"profile_env_unknown",
       {"run", "baseline", "--out", "{OUT}"},
       2,
       {"environment CHORUS_BACKBEAT_BUDGET_PROFILE: unknown budget profile 'prdo': did you "
        "mean 'prod'?"},
       "",
       {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "prdo"}}},
      {"profile_env_malformed",
       {"run", "baseline", "--out", "{OUT}"},
       2,
       {"CHORUS_BACKBEAT_BUDGET_PROFILE: expected a profile name", "'a b'"},
       "",
       {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "a b"}}},
      {"profile_flag_unknown",
       {"run", "baseline", "--out", "{OUT}", "--backbeat-budget-profile", "dve"},
       2,
       {"flag --backbeat-budget-profile: unknown budget profile 'dve': did you mean 'dev'?"}},
      {"profile_scenario_unknown",
       {"validate", "{FILE}"},
       2,
       {"/budget_profile: unknown budget profile 'hgih-latency': did you mean 'high-latency'?"},
       header + "  \"budget_profile\": \"hgih-latency\"\n}\n"},
      {"profile_scenario_builtin_name",
       {"validate", "{FILE}"},
       2,
       {"/budget_profiles/prod", "built-in profile"},
       header + "  \"budget_profiles\": {\"prod\": {\"dht_store\": 3}}\n}\n"},
      {"profile_scenario_zero_beats",
       {"validate", "{FILE}"},
       2,
       {"/budget_profiles/lab/dht_store", "1..1000"},
       header + "  \"budget_profiles\": {\"lab\": {\"dht_store\": 0}}\n}\n"},
      {"profile_tune_builtin",
       {"tune", "baseline", "--seeds", "2", "--profile", "dev"},
       2,
       {"--profile dev: a built-in profile has this name"}},
  };
}

}  // namespace profile_rows

INSTANTIATE_TEST_SUITE_P(Profiles, CliMatrix, ::testing::ValuesIn(profile_rows::cases()),
                         [](const ::testing::TestParamInfo<CliCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace backbeat
