// Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
// IEEE TSE 2002): from a failing set of items, a 1-minimal subset that still fails -- removing any
// single item of the result makes the failure go away.
//
// The test is asked a batch at a time (the candidates of one granularity: first the n subsets,
// then, if none fails, the n complements), so that the caller can run a batch in parallel. The
// first failing candidate in that order is taken, which makes the result and the number of tests
// asked independent of how the caller runs a batch.
#pragma once

#include <functional>
#include <vector>

namespace backbeat::sim::batch {

// For each candidate (a subset of the items, ascending), whether it still fails.
using BatchTest = std::function<std::vector<bool>(const std::vector<std::vector<int>>&)>;

// A 1-minimal failing subset of `items` (ascending, no repeats), assuming `items` itself fails.
// The empty set is tried first: when it fails, the result is empty. A test that stops failing for
// every candidate (for instance because a run budget ran out) ends the search with the smallest
// failing set found so far.
std::vector<int> ddmin(std::vector<int> items, const BatchTest& fails);

}  // namespace backbeat::sim::batch
