#include "sim/world/outcome.h"

#include "core/beat_client.h"

namespace backbeat::sim {

void add_client_counters(const BeatClient& client, AgentOutcome& out) {
  const BeatClientCounters& c = client.counters();
  out.frames_accepted += c.frames_accepted;
  out.frames_invalid += c.frames_invalid;
  out.frames_foreign += c.frames_foreign;
  out.frames_backwards += c.frames_backwards;
  out.frames_unconfirmed += c.frames_unconfirmed;
  out.frames_stale += c.frames_stale;
  out.synthetic_beats += c.synthetic_beats;
  out.skipped_beats += c.skipped_beats;
  out.claims_published += c.claims_published;
  out.claims_failed += c.claims_failed;
  out.errors += client.error_total();
  out.reconnects += client.reconnect_count();
  out.final_beat = client.current_beat();
  out.measured_bpm = client.measured_bpm();
  out.tempo_drift = tempo_drift_name(client.tempo_drift_class());
}

}  // namespace backbeat::sim
