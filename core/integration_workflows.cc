// Integration's workflows beyond the seed (core/workflow_tracker.h): kept out of integration.cc
// so the seed's port reads as the seed.
#include "core/integration.h"

namespace backbeat {

Status Integration::start_workflow_operation(const std::string& operation_id,
                                             const std::string& operation_type, int estimated_beats,
                                             const WorkflowLink& link, nlohmann::json data) {
  if (!started_) return Status::failed_precondition("BACKBEAT integration not started");
  if (Status s = check_operation_id(operation_id); !s) return s;
  if (operations_.contains(operation_id)) {  // before the tracker records a second link
    return start_p2p_operation(operation_id, operation_type, estimated_beats, std::move(data));
  }
  if (Status s = workflows_.check(operation_id, link); !s) return s;
  // Recorded first, so the operation's first claim already names its workflow.
  if (Status s = workflows_.on_start(operation_id, operation_type, link, client_->current_beat());
      !s) {
    return s;
  }
  Status s = start_p2p_operation(operation_id, operation_type, estimated_beats, std::move(data));
  // A claim that could not be published still registers the operation (as in the seed).
  if (!s && !operations_.contains(operation_id)) workflows_.abandon(operation_id);
  return s;
}

void Integration::annotate_workflow(const std::string& operation_id, StatusClaim& claim) const {
  const WorkflowLink* link = workflows_.link_of(operation_id);
  if (link == nullptr) return;
  if (!claim.metadata || !claim.metadata->is_object()) claim.metadata = nlohmann::json::object();
  (*claim.metadata)["workflow"] = {{"id", link->workflow_id}, {"parents", link->parents}};
}

}  // namespace backbeat
