#include "core/subject.h"

namespace backbeat {
namespace {

// NATS forbids whitespace in subjects ('\0' included). Patterns are written by people (scenario
// files, flags): control characters there are mistakes that would reach logs and terminals. A
// subject off the wire may carry them (the observer escapes them when it prints).
bool is_token_char(char c, bool pattern) {
  unsigned char u = static_cast<unsigned char>(c);
  if (c == '.' || c == ' ' || c == '\0' || (u >= '\t' && u <= '\r')) return false;
  return !pattern || (u >= 0x20 && u != 0x7f);
}

Status validate(std::string_view text, bool allow_wildcards, const char* what) {
  std::string problem = subject_problem(text, allow_wildcards);
  if (problem.empty()) return Status::ok();
  if (text.empty()) return Status::invalid_argument(std::string(what) + " " + problem);
  return Status::invalid_argument(std::string(what) + " '" + std::string(text) + "' " + problem);
}

}  // namespace

std::string subject_problem(std::string_view text, bool allow_wildcards) {
  if (text.empty()) return "is empty";
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    std::string_view token =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty()) return "has an empty token";
    for (char c : token) {
      if (!is_token_char(c, allow_wildcards)) {
        return "contains whitespace or a control character";
      }
    }
    bool wildcard = token == "*" || token == ">";
    if (wildcard && !allow_wildcards) return "contains a wildcard";
    if (allow_wildcards && !wildcard && token.find_first_of("*>") != std::string_view::npos) {
      return "has '*' or '>' inside a token (a wildcard is a whole token)";
    }
    if (token == ">" && dot != std::string_view::npos) return "has '>' before its last token";
    if (dot == std::string_view::npos) return "";
    start = dot + 1;
  }
}

Status validate_subject(std::string_view subject) {
  return validate(subject, false, "subject");
}

Status validate_subject_pattern(std::string_view pattern) {
  return validate(pattern, true, "subject pattern");
}

bool subject_matches(std::string_view pattern, std::string_view subject) {
  std::size_t p = 0;
  std::size_t s = 0;
  while (true) {
    std::size_t pe = pattern.find('.', p);
    std::size_t se = subject.find('.', s);
    std::string_view ptok = pattern.substr(p, pe == std::string_view::npos ? pe : pe - p);
    std::string_view stok = subject.substr(s, se == std::string_view::npos ? se : se - s);
    if (ptok == ">") return true;  // matches this token and everything after it
    if (ptok != "*" && ptok != stok) return false;
    bool pattern_done = pe == std::string_view::npos;
    bool subject_done = se == std::string_view::npos;
    if (pattern_done || subject_done) return pattern_done && subject_done;
    p = pe + 1;
    s = se + 1;
  }
}

std::string SubjectScheme::beat_frames(std::string_view cluster_id) const {
  return prefix + ".beat." + std::string(cluster_id);
}
std::string SubjectScheme::status_claims(std::string_view cluster_id,
                                         std::string_view agent_id) const {
  return prefix + ".status." + std::string(cluster_id) + "." + std::string(agent_id);
}
std::string SubjectScheme::all_status_claims(std::string_view cluster_id) const {
  return prefix + ".status." + std::string(cluster_id) + ".>";
}
std::string SubjectScheme::bar_reports(std::string_view cluster_id) const {
  return prefix + ".bar." + std::string(cluster_id);
}

}  // namespace backbeat
