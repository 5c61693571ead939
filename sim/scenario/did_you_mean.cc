#include "sim/scenario/did_you_mean.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace backbeat::sim::scenario {

int edit_distance(std::string_view a, std::string_view b) {
  return edit_distance_at_most(a, b, static_cast<int>(std::max(a.size(), b.size())));
}

int edit_distance_at_most(std::string_view a, std::string_view b, int limit) {
  assert(limit >= 0);
  const std::size_t n = a.size(), m = b.size();
  const std::size_t band = static_cast<std::size_t>(limit);
  if ((n > m ? n - m : m - n) > band) return limit + 1;
  // Only cells within `limit` of the diagonal can hold a distance within the limit (each step off
  // it costs one), so a row is computed on that band alone; `over` stands for every cell outside.
  // Three rows of the table are kept: the one two back is what a swap of neighbours needs.
  const int over = limit + 1;
  // Names are short: their rows live on the stack; a long one takes a single allocation.
  constexpr std::size_t kOnStack = 64;
  std::array<int, 3 * kOnStack> small;
  std::vector<int> large;
  int* rows = small.data();
  if (m + 2 > kOnStack) {
    large.resize(3 * (m + 2));
    rows = large.data();
  }
  std::fill(rows, rows + 3 * (m + 2), over);
  int* before = rows;
  int* previous = rows + (m + 2);
  int* current = rows + 2 * (m + 2);
  for (std::size_t j = 0; j <= std::min(m, band); ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    const std::size_t first = i > band ? i - band : 1;
    const std::size_t last = std::min(m, i + band);
    current[first - 1] = first == 1 ? std::min(static_cast<int>(i), over) : over;
    int row_best = current[first - 1];
    for (std::size_t j = first; j <= last; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, before[j - 2] + 1);
      }
      current[j] = std::min(d, over);
      row_best = std::min(row_best, current[j]);
    }
    if (last + 1 <= m) current[last + 1] = over;
    // Every later cell costs at least as much as a cell of this row (a swap of neighbours
    // included: it never costs less than the cell of this row it passes), so once the whole row
    // is past the limit, so is the answer.
    if (row_best > limit) return over;
    std::swap(before, previous);
    std::swap(previous, current);  // the row two back is overwritten next
  }
  return previous[m];
}

std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  const int limit = word.size() >= 9 ? 3 : std::max(1, static_cast<int>(word.size()) / 3);
  std::optional<std::string> best;
  int best_distance = limit + 1;
  for (const std::string& c : candidates) {
    // Only a strictly closer candidate can win: search within one less than the best so far.
    const int dist = edit_distance_at_most(word, c, best_distance - 1);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  return best;
}

}  // namespace backbeat::sim::scenario
