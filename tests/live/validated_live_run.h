// A live run of `world` for the tests of what live agents honour (budget features, admission):
// the built-in pulse, fast reconnects, and the claim accountant decoding every claim against
// the contract (so a nonconforming claim shows in outcome.claims.nonconforming).
#pragma once

#include "core/nats/event_loop.h"
#include "sim/live/live_run.h"
#include "tests/live/live_fixture.h"
#include "tests/live/nats_server.h"

namespace backbeat::live::testing {

inline Result<LiveRunResult> validated_live_run(const sim::WorldConfig& world,
                                                const NatsServer& server) {
  LiveRunOptions options;
  options.nats = fast_options(server.url());
  options.builtin_pulse = true;
  options.validate_claims = true;
  EventLoop loop;
  return run_live(world, options, loop);
}

}  // namespace backbeat::live::testing
