#include "sim/queue/queue_messages.h"

#include <fmt/format.h>

#include "core/echo_text.h"
#include "sim/scenario/untrusted_json.h"

namespace backbeat::sim::queue {
namespace {

// The envelope's common fields: run_id (a non-empty string) and index (an unsigned integer).
Status read_envelope(const nlohmann::json& j, const char* what, std::string& run_id,
                     std::uint64_t& index) {
  if (!j.is_object()) return Status::invalid_argument(fmt::format("{}: expected an object", what));
  if (!j.contains("run_id") || !j["run_id"].is_string() || j["run_id"].get<std::string>().empty()) {
    return Status::invalid_argument(fmt::format("{}/run_id: expected a non-empty string", what));
  }
  if (!j.contains("index") || !j["index"].is_number_unsigned()) {
    return Status::invalid_argument(fmt::format("{}/index: expected an unsigned integer", what));
  }
  run_id = j["run_id"].get<std::string>();
  index = j["index"].get<std::uint64_t>();
  return Status::ok();
}

// A message from another machine: bounded nesting (sim/scenario/untrusted_json.h).
Result<nlohmann::json> parse_text(std::string_view text, const char* what) {
  Result<nlohmann::json> j = scenario::parse_untrusted_json(text);
  if (!j) return Status::invalid_argument(fmt::format("{}: {}", what, j.status().message()));
  return j;
}

}  // namespace

std::string job_message_text(const JobMessage& m) {
  return nlohmann::json{
      {"run_id", m.run_id}, {"index", m.index}, {"job", batch::seed_job_json(m.job)}}
      .dump();
}

Result<JobMessage> parse_job_message(std::string_view text) {
  Result<nlohmann::json> j = parse_text(text, "job message");
  if (!j) return j.status();
  JobMessage m;
  if (Status s = read_envelope(*j, "job message", m.run_id, m.index); !s) return s;
  if (!j->contains("job")) return Status::invalid_argument("job message/job: missing");
  Result<batch::SeedJob> job = batch::parse_seed_job((*j)["job"]);
  if (!job) return job.status();
  m.job = std::move(job).value();
  return m;
}

std::string result_message_text(const ResultMessage& m) {
  nlohmann::json j = {{"run_id", m.run_id}, {"index", m.index}, {"worker", m.worker}};
  if (m.error.empty()) {
    j["result"] = batch::job_result_json(m.result);
  } else {
    j["error"] = m.error;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ResultMessage> parse_result_message(std::string_view text) {
  Result<nlohmann::json> j = parse_text(text, "result message");
  if (!j) return j.status();
  ResultMessage m;
  if (Status s = read_envelope(*j, "result message", m.run_id, m.index); !s) return s;
  if (!j->contains("worker") || !(*j)["worker"].is_string()) {
    return Status::invalid_argument("result message/worker: expected a string");
  }
  // The worker's name and error are only ever shown, and come from any client of the server:
  // bounded and made printable here, where they enter.
  m.worker = echo_text((*j)["worker"].get<std::string>());
  if (j->contains("error")) {
    if (!(*j)["error"].is_string() || (*j)["error"].get<std::string>().empty()) {
      return Status::invalid_argument("result message/error: expected a non-empty string");
    }
    m.error = echo_text((*j)["error"].get<std::string>(), 1000);
    return m;
  }
  if (!j->contains("result")) return Status::invalid_argument("result message/result: missing");
  Result<batch::JobResult> result = batch::parse_job_result((*j)["result"]);
  if (!result) return result.status();
  m.result = std::move(result).value();
  return m;
}

}  // namespace backbeat::sim::queue
