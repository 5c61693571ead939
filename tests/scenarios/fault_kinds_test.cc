// The fault-kind table (sim/world/fault_kinds.h): in enum order, names that round-trip, every
// parameter known, and the swarm's default mix unchanged (saved swarm seeds must reproduce).
#include "sim/world/fault_kinds.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace backbeat::sim {
namespace {

TEST(FaultKinds, TableIsInEnumOrderAndNamesRoundTrip) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < fault_kinds().size(); ++i) {
    const FaultKind& k = fault_kinds()[i];
    EXPECT_EQ(static_cast<std::size_t>(k.kind), i) << k.name;
    EXPECT_EQ(parse_fault_kind(k.name), k.kind);
    EXPECT_EQ(std::string_view(fault_kind_name(k.kind)), k.name);
    EXPECT_TRUE(names.insert(k.name).second) << "duplicate name " << k.name;
    EXPECT_NE(k.begin, nullptr) << k.name;
    EXPECT_NE(k.end, nullptr) << k.name;
    EXPECT_FALSE(k.doc.empty()) << k.name;
  }
  EXPECT_EQ(fault_kinds().back().kind, FaultSpec::Kind::kForgedFrames);
  EXPECT_FALSE(parse_fault_kind("no_such_kind").has_value());
}

TEST(FaultKinds, EveryParameterIsKnownDocumentedAndUsed) {
  std::set<std::string_view> used;
  for (const FaultKind& k : fault_kinds()) {
    for (std::string_view p : k.params) {
      EXPECT_NE(find_fault_param(p), nullptr) << k.name << "." << p;
      used.insert(p);
    }
  }
  for (const FaultParam& p : fault_params()) {
    EXPECT_TRUE(used.contains(p.name)) << p.name << " belongs to no kind";
    EXPECT_FALSE(p.doc.empty()) << p.name;
  }
}

// The swarm draws by index in the default mix: changing it changes every saved swarm seed's
// world. These are the kinds that were drawn before forged_frames existed, in that order.
TEST(FaultKinds, SwarmDefaultMixIsTheOriginalElevenKinds) {
  std::vector<FaultSpec::Kind> mix;
  for (const FaultKind& k : fault_kinds()) {
    if (k.in_swarm_mix) mix.push_back(k.kind);
  }
  ASSERT_EQ(mix.size(), 11u);
  for (std::size_t i = 0; i < mix.size(); ++i) EXPECT_EQ(static_cast<std::size_t>(mix[i]), i);
}

TEST(FaultKinds, OnlyAServerPartitionCutsOffMoreThanItsTargets) {
  FaultSpec cut;
  cut.kind = FaultSpec::Kind::kPartition;
  EXPECT_TRUE(cuts_off_targets_only(cut));
  cut.servers = {1};
  EXPECT_FALSE(cuts_off_targets_only(cut));
  FaultSpec outage;
  outage.kind = FaultSpec::Kind::kPulseOutage;
  EXPECT_FALSE(cuts_off_targets_only(outage));
  EXPECT_TRUE(fault_kind(FaultSpec::Kind::kPulseOutage).cuts_agents_off());
  EXPECT_FALSE(fault_kind(FaultSpec::Kind::kSlowPeers).cuts_agents_off());
}

}  // namespace
}  // namespace backbeat::sim
