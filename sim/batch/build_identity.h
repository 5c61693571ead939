// The identity of this build, as far as simulation results are concerned: two binaries whose
// identities differ may compute different records for the same scenario and seed (another
// compiler, another commit of the simulator), so their results must not be merged silently.
#pragma once

#include <string>

namespace backbeat::sim::batch {

// "backbeat-sim VERSION; COMPILER VERSION; commit HASH; canary FINGERPRINT": the project version,
// the compiler, the git commit recorded when the build was configured ("commit unknown" outside a
// git checkout), and the fingerprint of a small fixed world (a few agents, a few virtual minutes,
// a mixed workload with message loss) run once on first use, which catches a behaviour change
// the other three do not name. Thread-safe; computed once per process.
const std::string& build_identity();

}  // namespace backbeat::sim::batch
