// libFuzzer target: NATS subject validation and wildcard matching (core/subject.h), which the
// simulated NATS (sim/world/sim_nats.cc) and the in-memory test transport both use.
// Input: "<pattern>\n<subject>" (no newline: both are the whole input). Properties:
//  - a valid subject matches itself, and is a valid pattern unless it has a control character or
//    a '*' or '>' inside a token (patterns are stricter);
//  - for a valid pattern and subject, subject_matches agrees with a token-by-token reference;
//  - '>' matches every valid subject; "<prefix>.>" matches a subject iff it has at least one
//    token after the prefix; the pattern with each '*' and '>' filled in matches the filled-in
//    subject;
//  - nothing crashes, even on invalid input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/subject.h"

namespace {

std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    if (dot == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, dot - start));
    start = dot + 1;
  }
}

bool reference_matches(std::string_view pattern, std::string_view subject) {
  std::vector<std::string_view> p = tokens(pattern);
  std::vector<std::string_view> s = tokens(subject);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == ">") return s.size() > i;
    if (i >= s.size()) return false;
    if (p[i] != "*" && p[i] != s[i]) return false;
  }
  return p.size() == s.size();
}

[[noreturn]] void fail(const char* what, std::string_view pattern, std::string_view subject) {
  std::fprintf(stderr, "FUZZ PROPERTY VIOLATED: %s\n  pattern: '%.*s'\n  subject: '%.*s'\n", what,
               static_cast<int>(pattern.size()), pattern.data(), static_cast<int>(subject.size()),
               subject.data());
  std::abort();
}

// The pattern with every '*' token replaced by "x" and a '>' by "x.y": a subject it matches.
std::string fill(std::string_view pattern) {
  std::string out;
  for (std::string_view t : tokens(pattern)) {
    if (!out.empty()) out += '.';
    out += t == "*" ? std::string_view("x") : t == ">" ? std::string_view("x.y") : t;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backbeat;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t nl = input.find('\n');
  std::string_view pattern = input.substr(0, nl);
  std::string_view subject = nl == std::string_view::npos ? input : input.substr(nl + 1);

  // Never crashes, whatever it is given (the result is unspecified for invalid input).
  (void)subject_matches(pattern, subject);

  bool subject_ok = validate_subject(subject).is_ok();
  bool pattern_ok = validate_subject_pattern(pattern).is_ok();
  if (subject_ok) {
    // A pattern is stricter than a subject off the wire: no control character, no '*' or '>'
    // inside a token (a valid subject has them only there).
    bool plain = std::none_of(subject.begin(), subject.end(), [](char c) {
      unsigned char u = static_cast<unsigned char>(c);
      return u < 0x20 || u == 0x7f || c == '*' || c == '>';
    });
    if (plain && !validate_subject_pattern(subject).is_ok()) {
      fail("subject not a pattern", subject, subject);
    }
    if (!subject_matches(subject, subject)) fail("literal does not match itself", subject, subject);
    if (!subject_matches(">", subject)) fail("'>' does not match", ">", subject);
    bool one_token = subject.find('.') == std::string_view::npos;
    if (subject_matches("*", subject) != one_token) fail("'*' wrong", "*", subject);
    // Every proper token prefix + ".>" matches (the first 16, to keep long inputs linear); the
    // whole subject + ".>" does not.
    int checked = 0;
    for (std::size_t dot = subject.find('.'); dot != std::string_view::npos && checked < 16;
         dot = subject.find('.', dot + 1), ++checked) {
      std::string prefix_gt = std::string(subject.substr(0, dot)) + ".>";
      if (!subject_matches(prefix_gt, subject)) fail("prefix.> does not match", prefix_gt, subject);
    }
    std::string whole_gt = std::string(subject) + ".>";
    if (subject_matches(whole_gt, subject)) fail("subject.> matches subject", whole_gt, subject);
  }
  if (pattern_ok) {
    std::string filled = fill(pattern);
    if (!validate_subject(filled).is_ok()) fail("filled pattern invalid", pattern, filled);
    if (!subject_matches(pattern, filled)) fail("pattern misses its filling", pattern, filled);
  }
  if (subject_ok && pattern_ok &&
      subject_matches(pattern, subject) != reference_matches(pattern, subject)) {
    fail("subject_matches != reference", pattern, subject);
  }
  return 0;
}
