#include "sim/batch/failure_groups.h"

#include <algorithm>
#include <map>

namespace backbeat::sim::batch {

std::vector<std::pair<std::string, FailureHow>> failure_key(const SeedRecord& record) {
  std::vector<std::pair<std::string, FailureHow>> key;
  for (const FailedAssertion& f : record.failed) key.emplace_back(f.name, f.how);
  std::sort(key.begin(), key.end());
  key.erase(std::unique(key.begin(), key.end()), key.end());
  return key;
}

std::string failure_signature(const SeedRecord& record) {
  std::string signature;
  for (const auto& [name, how] : failure_key(record)) {
    if (!signature.empty()) signature += " + ";
    signature += name + " (" + failure_how_name(how) + ")";
  }
  return signature.empty() ? kPassSignature : signature;
}

std::vector<FailureGroup> group_failures(const std::vector<SeedRecord>& records) {
  std::map<std::string, FailureGroup> by_signature;
  for (const SeedRecord& r : records) {
    std::string signature = failure_signature(r);
    auto [it, added] = by_signature.try_emplace(signature);
    FailureGroup& g = it->second;
    if (added) {
      g.signature = std::move(signature);
      g.assertions = failure_key(r);
      g.as_expected = r.as_expected;
    }
    g.as_expected = g.as_expected && r.as_expected;
    g.seeds.push_back(r.seed);
  }
  std::vector<FailureGroup> groups;
  for (auto& [signature, g] : by_signature) groups.push_back(std::move(g));
  std::sort(groups.begin(), groups.end(), [](const FailureGroup& a, const FailureGroup& b) {
    if (a.as_expected != b.as_expected) return !a.as_expected;
    if (a.seeds.size() != b.seeds.size()) return a.seeds.size() > b.seeds.size();
    return a.seeds.front() < b.seeds.front();
  });
  return groups;
}

}  // namespace backbeat::sim::batch
