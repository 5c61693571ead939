#include "core/subject.h"

#include <cctype>

namespace backbeat {
namespace {

bool is_token_char(char c) {
  // NATS forbids whitespace in subjects; '.' separates tokens.
  return c != '.' && !std::isspace(static_cast<unsigned char>(c)) && c != '\0';
}

Status validate(std::string_view text, bool allow_wildcards, const char* what) {
  if (text.empty()) return Status::invalid_argument(std::string(what) + " is empty");
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    std::string_view token =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty()) {
      return Status::invalid_argument(std::string(what) + " '" + std::string(text) +
                                      "' has an empty token");
    }
    for (char c : token) {
      if (!is_token_char(c)) {
        return Status::invalid_argument(std::string(what) + " '" + std::string(text) +
                                        "' contains whitespace or a control character");
      }
    }
    bool wildcard = token == "*" || token == ">";
    if (wildcard && !allow_wildcards) {
      return Status::invalid_argument(std::string(what) + " '" + std::string(text) +
                                      "' contains a wildcard");
    }
    if (token == ">" && dot != std::string_view::npos) {
      return Status::invalid_argument(std::string(what) + " '" + std::string(text) +
                                      "' has '>' before its last token");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Status::ok();
}

}  // namespace

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
