// Integration's budget features beyond the seed (core/operation_budgets.h): kept out of
// integration.cc so the seed's port reads as the seed.
#include <fmt/format.h>

#include <algorithm>

#include "core/integration.h"

namespace backbeat {

Status Integration::set_budget_policy(BudgetPolicy policy) {
  return budgets_.set_policy(std::move(policy));
}

Status Integration::emit_budget_warning(const P2POperation& operation) {
  const OperationBudget* budget = budgets_.find(operation.id);
  if (budget == nullptr) return emit_operation_status(operation);
  std::int64_t passed = operation.beats_passed(client_->current_beat());
  StatusClaim claim;
  claim.task_id = operation.id;
  claim.state = ClaimState::kExecuting;
  claim.beats_left = static_cast<int>(std::max<std::int64_t>(0, budget->budget_beats - passed));
  claim.progress = operation.progress(client_->current_beat());
  claim.notes =
      fmt::format("P2P {}: budget warning: {} of {} beats used ({}, peers: {}, node: {})",
                  operation.type, passed, budget->budget_beats,
                  operation_phase_name(operation.phase), operation.peer_count, short_node_id());
  claim.metadata = nlohmann::json{{"budget_warning",
                                   {{"budget_beats", budget->budget_beats},
                                    {"beats_passed", passed},
                                    {"share", budgets_.policy().warnings.share}}}};
  logger_.warn(fmt::format("P2P operation {} used {} of its {} budget beats", operation.id, passed,
                           budget->budget_beats));
  annotate_workflow(operation.id, claim);
  return client_->emit_status_claim(std::move(claim));
}

}  // namespace backbeat
