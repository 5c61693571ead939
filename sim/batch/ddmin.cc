#include "sim/batch/ddmin.h"

#include <algorithm>

namespace backbeat::sim::batch {
namespace {

// `items` cut into `n` consecutive chunks whose sizes differ by at most one.
std::vector<std::vector<int>> chunks(const std::vector<int>& items, std::size_t n) {
  std::vector<std::vector<int>> out(n);
  const std::size_t size = items.size();
  for (std::size_t k = 0, begin = 0; k < n; ++k) {
    const std::size_t end = size * (k + 1) / n;
    out[k].assign(items.begin() + static_cast<std::ptrdiff_t>(begin),
                  items.begin() + static_cast<std::ptrdiff_t>(end));
    begin = end;
  }
  return out;
}

std::vector<int> without(const std::vector<int>& items, const std::vector<int>& removed) {
  std::vector<int> out;
  std::set_difference(items.begin(), items.end(), removed.begin(), removed.end(),
                      std::back_inserter(out));
  return out;
}

// The index of the first candidate that fails, or -1.
int first_failing(const std::vector<std::vector<int>>& candidates, const BatchTest& fails) {
  if (candidates.empty()) return -1;
  std::vector<bool> result = fails(candidates);
  for (std::size_t i = 0; i < candidates.size() && i < result.size(); ++i) {
    if (result[i]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::vector<int> ddmin(std::vector<int> items, const BatchTest& fails) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  if (items.empty() || first_failing({{}}, fails) == 0) return {};
  std::size_t n = 2;
  while (items.size() >= 2) {
    n = std::min(n, items.size());
    std::vector<std::vector<int>> subsets = chunks(items, n);
    if (int i = first_failing(subsets, fails); i >= 0) {
      items = subsets[static_cast<std::size_t>(i)];  // reduce to subset
      n = 2;
      continue;
    }
    if (n > 2) {  // with two chunks the complements are the subsets just tried
      std::vector<std::vector<int>> complements;
      for (const std::vector<int>& s : subsets) complements.push_back(without(items, s));
      if (int i = first_failing(complements, fails); i >= 0) {
        items = complements[static_cast<std::size_t>(i)];  // reduce to complement
        n = std::max<std::size_t>(n - 1, 2);
        continue;
      }
    }
    if (n >= items.size()) break;       // every single item is needed: 1-minimal
    n = std::min(2 * n, items.size());  // increase granularity
  }
  // A single item left: 1-minimal because the empty set, tried first, passed.
  return items;
}

}  // namespace backbeat::sim::batch
