// Suggestions for misspelt names ("tempo_bmp" -> "tempo_bpm").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backbeat::sim::scenario {

// Optimal-string-alignment distance (Levenshtein plus swaps of neighbours), case-sensitive.
int edit_distance(std::string_view a, std::string_view b);

// The same distance when it is at most `limit`, else limit + 1. Costs O(min(|a|, |b|)) when the
// lengths differ by more than `limit` (a 1 MiB key against a short name is refused at once), and
// stops as soon as no alignment can stay within the limit: a file with a hundred thousand unknown
// keys is diagnosed in time linear in its size.
int edit_distance_at_most(std::string_view a, std::string_view b, int limit);

// The candidate closest to `word`, if it is close enough to be a plausible typo: distance at
// most max(1, length/3) (at most 3). Ties go to the earlier candidate.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace backbeat::sim::scenario
