// NATS subject names and wildcard patterns.
//
// A subject is a dot-separated list of non-empty tokens without whitespace (NATS's rule; it may
// carry other control characters, as hostile traffic does). A pattern may use `*` (exactly one
// token) and `>` (one or more trailing tokens, last token only), each only as a whole token
// ("a.b*" and "a.>.b" are refused: NATS would not read them as the author meant), and no control
// characters. The same rules hold for subscriptions on the wire and filters in scenario files.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat {

// OK when `subject` is a valid subject to publish on (no wildcards).
Status validate_subject(std::string_view subject);

// OK when `pattern` is a valid subscription pattern.
Status validate_subject_pattern(std::string_view pattern);

// What is wrong with `text` as a subject (or, with `allow_wildcards`, as a pattern), without
// quoting it: "has an empty token", "has '>' before its last token", ...; empty when valid.
// For callers that quote the text their own way (a file's diagnostics).
std::string subject_problem(std::string_view text, bool allow_wildcards);

// True when `subject` matches `pattern`. Both are assumed valid.
bool subject_matches(std::string_view pattern, std::string_view subject);

// Subjects of the BACKBEAT v1 messages (docs/contracts.md, "Decision (subjects)"); every one
// configurable.
struct SubjectScheme {
  std::string prefix = "backbeat";

  std::string beat_frames(std::string_view cluster_id) const;  // <p>.beat.<c>
  std::string status_claims(std::string_view cluster_id, std::string_view agent_id) const;
  std::string all_status_claims(std::string_view cluster_id) const;  // <p>.status.<c>.>
  std::string bar_reports(std::string_view cluster_id) const;        // <p>.bar.<c>
};

}  // namespace backbeat
