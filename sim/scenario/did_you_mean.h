// Suggestions for misspelt names ("tempo_bmp" -> "tempo_bpm").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backbeat::sim::scenario {

// Optimal-string-alignment distance (Levenshtein plus swaps of neighbours), case-sensitive.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo: distance at
// most max(1, length/3) (at most 3). Ties go to the earlier candidate.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace backbeat::sim::scenario
