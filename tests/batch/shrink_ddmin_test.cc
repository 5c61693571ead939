// ddmin on synthetic predicates: the result still fails, is 1-minimal, and the tests it asks do
// not depend on how a batch is answered.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sim/batch/ddmin.h"

namespace backbeat::sim::batch {
namespace {

std::vector<int> iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
  return v;
}

bool contains_all(const std::vector<int>& set, const std::vector<int>& needed) {
  return std::includes(set.begin(), set.end(), needed.begin(), needed.end());
}

// A test from a per-candidate predicate that also counts the candidates asked.
struct Counting {
  std::function<bool(const std::vector<int>&)> predicate;
  int asked = 0;
  BatchTest test() {
    return [this](const std::vector<std::vector<int>>& candidates) {
      std::vector<bool> out;
      for (const std::vector<int>& c : candidates) {
        ++asked;
        out.push_back(predicate(c));
      }
      return out;
    };
  }
};

bool one_minimal(const std::vector<int>& result,
                 const std::function<bool(const std::vector<int>&)>& fails) {
  if (!fails(result)) return false;
  for (std::size_t i = 0; i < result.size(); ++i) {
    std::vector<int> smaller = result;
    smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(i));
    if (fails(smaller)) return false;
  }
  return true;
}

TEST(Ddmin, FindsTheTwoItemsThatFailTogether) {
  Counting c{[](const std::vector<int>& s) { return contains_all(s, {3, 9}); }};
  EXPECT_EQ(ddmin(iota(12), c.test()), (std::vector<int>{3, 9}));
  EXPECT_LT(c.asked, 40);
}

TEST(Ddmin, FindsASingleCulprit) {
  Counting c{[](const std::vector<int>& s) { return contains_all(s, {17}); }};
  EXPECT_EQ(ddmin(iota(30), c.test()), (std::vector<int>{17}));
}

TEST(Ddmin, ReturnsEmptyWhenNothingIsNeeded) {
  Counting c{[](const std::vector<int>&) { return true; }};
  EXPECT_TRUE(ddmin(iota(8), c.test()).empty());
  EXPECT_EQ(c.asked, 1);
}

TEST(Ddmin, KeepsEveryItemWhenAllAreNeeded) {
  Counting c{[](const std::vector<int>& s) { return s.size() == 5; }};
  EXPECT_EQ(ddmin(iota(5), c.test()), iota(5));
}

TEST(Ddmin, ResultIsOneMinimalForThresholdAndAlternativePredicates) {
  // Fails with at least three of the even items, or with both 1 and 7: several minimal sets.
  auto fails = [](const std::vector<int>& s) {
    int evens =
        static_cast<int>(std::count_if(s.begin(), s.end(), [](int x) { return x % 2 == 0; }));
    return evens >= 3 || contains_all(s, {1, 7});
  };
  for (int n : {6, 8, 13, 20}) {  // each whole set fails (three evens)
    Counting c{fails};
    std::vector<int> result = ddmin(iota(n), c.test());
    EXPECT_TRUE(one_minimal(result, fails)) << "n = " << n;
  }
}

TEST(Ddmin, TheSameQuestionsWhateverTheBatchOrderOfAnswers) {
  // The candidates asked, batch by batch, are a pure function of the answers: asking twice gives
  // the same sequence.
  auto fails = [](const std::vector<int>& s) { return contains_all(s, {2, 5, 11}); };
  std::vector<std::vector<int>> first, second;
  auto recording = [&](std::vector<std::vector<int>>& log) -> BatchTest {
    return [&log, fails](const std::vector<std::vector<int>>& candidates) {
      std::vector<bool> out;
      for (const std::vector<int>& c : candidates) {
        log.push_back(c);
        out.push_back(fails(c));
      }
      return out;
    };
  };
  EXPECT_EQ(ddmin(iota(16), recording(first)), (std::vector<int>{2, 5, 11}));
  EXPECT_EQ(ddmin(iota(16), recording(second)), (std::vector<int>{2, 5, 11}));
  EXPECT_EQ(first, second);
}

TEST(Ddmin, StopsWithTheSmallestFailingSetWhenTestsStopFailing) {
  // A budget: after 6 questions every answer is "passes" (not run).
  int asked = 0;
  BatchTest budgeted = [&](const std::vector<std::vector<int>>& candidates) {
    std::vector<bool> out;
    for (const std::vector<int>& c : candidates) {
      out.push_back(++asked <= 6 && contains_all(c, {0}));
    }
    return out;
  };
  std::vector<int> result = ddmin(iota(64), budgeted);
  EXPECT_TRUE(contains_all(result, {0}));
  EXPECT_LT(result.size(), 64u);
}

TEST(Ddmin, IgnoresOrderAndRepeatsOfTheInput) {
  Counting c{[](const std::vector<int>& s) { return contains_all(s, {4}); }};
  EXPECT_EQ(ddmin({9, 4, 4, 1}, c.test()), (std::vector<int>{4}));
}

}  // namespace
}  // namespace backbeat::sim::batch
