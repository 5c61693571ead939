#include "sim/scenario/format_reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sim/scenario/format_fields.h"

namespace backbeat::sim::scenario {
namespace {

using ojson = nlohmann::ordered_json;
using T = FieldType;

constexpr const char* kDurationNumber =
    R"([0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*(ns|us|ms|s|m|min|h|b|beat|beats)?\s*$)";

// Integral values print as integers (within the range a double holds exactly).
ojson number_value(double d) {
  if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
  return d;
}

ojson definitions() {
  ojson any_sign = ojson::array(
      {ojson{{"type", "number"}},
       ojson{{"type", "string"}, {"pattern", std::string(R"(^\s*-?)") + kDurationNumber}}});
  ojson non_negative = ojson::array(
      {ojson{{"type", "number"}, {"minimum", 0}},
       ojson{{"type", "string"}, {"pattern", std::string(R"(^\s*)") + kDurationNumber}}});
  ojson positive =
      ojson::array({ojson{{"type", "number"}, {"exclusiveMinimum", 0}},
                    ojson{{"type", "string"},
                          {"pattern", std::string(R"(^(?=[^1-9]*[1-9])\s*)") + kDurationNumber}}});
  ojson d;
  d["duration"] = {{"description",
                    "A duration: a number of seconds, or a string with a unit: ns, us, ms, s, "
                    "m/min, h, or beats (\"1.5 beats\", \"3b\") converted at the initial tempo."},
                   {"anyOf", any_sign}};
  d["duration_non_negative"] = {{"description", "A duration >= 0."}, {"anyOf", non_negative}};
  d["duration_positive"] = {{"description", "A duration > 0."}, {"anyOf", positive}};
  d["selector"] = {
      {"type", "string"},
      {"description",
       "all | agent:N | agents:A-B | agents:A-B,N,... | group:NAME | random:P% | server:N"},
      {"pattern",
       "^(all|agent:[0-9]+|agents:[0-9]+-[0-9]+|agents:[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)+|"
       "group:.+|random:[0-9.]+%|server:[0-9]+)$"}};
  d["beats"] = {{"description", "Beats (a number >= 0) or a duration string converted to beats"},
                {"anyOf", ojson::array({ojson{{"type", "number"}, {"minimum", 0}},
                                        ojson{{"$ref", "#/definitions/duration_non_negative"}}})}};
  d["beats_positive"] = {
      {"description", "Beats (a number > 0) or a positive duration string"},
      {"anyOf", ojson::array({ojson{{"type", "number"}, {"exclusiveMinimum", 0}},
                              ojson{{"$ref", "#/definitions/duration_positive"}}})}};
  return d;
}

std::string describe(const Field& f) {
  return f.default_text.empty() ? f.doc : fmt::format("{}. Default: {}.", f.doc, f.default_text);
}

ojson node(const Field& f, std::string_view variant);

// The members of the object at `f` (of one variant), with its key rules.
ojson object_node(const Field& f, std::string_view variant) {
  ojson o{{"type", "object"}, {"additionalProperties", false}};
  ojson properties = ojson::object();
  ojson required = ojson::array();
  for (const std::string& key : keys_of(f.pointer, variant)) {
    const Field& member = field(f.pointer + "/" + key, variant);
    if (!f.discriminator.empty() && key == f.discriminator && !variant.empty()) {
      properties[key] = {{"const", std::string(variant)}};
    } else {
      properties[key] = node(member, variant);
    }
    if (member.required) required.push_back(key);
  }
  o["properties"] = properties;
  if (!required.empty()) o["required"] = required;
  ojson all_of = ojson::array();
  for (const KeyRule& rule : scenario_key_rules()) {
    if (rule.object != f.pointer || rule.variant != variant) continue;
    ojson each = ojson::array();
    for (const std::string& key : rule.keys) each.push_back({{"required", {key}}});
    if (rule.kind == KeyRule::Kind::kAtMostOne) {
      all_of.push_back({{"not", {{"required", rule.keys}}}});
    } else if (rule.kind == KeyRule::Kind::kExactlyOne) {
      all_of.push_back({{"oneOf", each}});
    } else {
      all_of.push_back({{"anyOf", each}});
    }
  }
  if (!all_of.empty()) o["allOf"] = all_of;
  return o;
}

// An object picked by its discriminator: one closed branch per variant.
ojson variant_node(const Field& f) {
  ojson branches = ojson::array();
  for (const std::string& v : field(f.pointer + "/" + f.discriminator).choices) {
    branches.push_back(object_node(f, v));
  }
  return {{"type", "object"}, {"required", {f.discriminator}}, {"oneOf", branches}};
}

ojson node(const Field& f, std::string_view variant) {
  ojson n{{"description", describe(f)}};
  const bool has_min = std::isfinite(f.min);
  const bool has_max = std::isfinite(f.max);
  switch (f.type) {
    case T::kObject: {
      ojson o = f.discriminator.empty() ? object_node(f, variant) : variant_node(f);
      for (auto& [k, v] : o.items()) n[k] = v;
      break;
    }
    case T::kArray: {
      n["type"] = "array";
      const Field& item = field(f.pointer + "/*");
      n["items"] = node(item, variant);
      if (has_min && f.min > 0) n["minItems"] = number_value(f.min);
      if (has_max) n["maxItems"] = number_value(f.max);
      if (item.type == T::kChoice || item.type == T::kInteger) n["uniqueItems"] = true;
      break;
    }
    case T::kMap:
      n["type"] = "object";
      n["additionalProperties"] = node(field(f.pointer + "/*"), variant);
      break;
    case T::kInteger:
    case T::kNumber:
      n["type"] = f.type == T::kInteger ? "integer" : "number";
      if (!f.choices.empty()) {
        ojson values = ojson::array();
        for (const std::string& c : f.choices) values.push_back(std::stoll(c));
        n["enum"] = values;
        break;
      }
      if (has_min) n[f.exclusive_min ? "exclusiveMinimum" : "minimum"] = number_value(f.min);
      if (has_max) n[f.exclusive_max ? "exclusiveMaximum" : "maximum"] = number_value(f.max);
      break;
    case T::kBoolean:
      n["type"] = "boolean";
      break;
    case T::kString:
      n["type"] = "string";
      if (f.non_empty) n["minLength"] = 1;
      break;
    case T::kName:
      n["type"] = "string";
      n["pattern"] = "^[A-Za-z0-9_-]{1,64}$";
      break;
    case T::kTypeName:
      n["type"] = "string";
      n["pattern"] = "^[a-z0-9_-]{1,64}$";
      break;
    case T::kChoice:
      n["enum"] = f.choices;
      break;
    case T::kChoiceOrObject:
      n["anyOf"] = ojson::array({ojson{{"enum", f.choices}}, object_node(f, variant)});
      break;
    case T::kDuration:
      n["$ref"] = f.sign == DurationSign::kAny           ? "#/definitions/duration"
                  : f.sign == DurationSign::kNonNegative ? "#/definitions/duration_non_negative"
                                                         : "#/definitions/duration_positive";
      break;
    case T::kSelector:
      n["$ref"] = "#/definitions/selector";
      break;
    case T::kBeats:
      n["$ref"] = f.exclusive_min ? "#/definitions/beats_positive" : "#/definitions/beats";
      break;
    case T::kDistribution:
      n["anyOf"] = ojson::array({ojson{{"$ref", "#/definitions/beats"}}, variant_node(f)});
      break;
  }
  return n;
}

const char* type_name(const Field& f) {
  switch (f.type) {
    case T::kObject:
      return "object";
    case T::kArray:
      return "array";
    case T::kMap:
      return "object (any keys)";
    case T::kInteger:
      return "integer";
    case T::kNumber:
      return "number";
    case T::kBoolean:
      return "boolean";
    case T::kString:
      return "string";
    case T::kName:
      return "name";
    case T::kTypeName:
      return "type name";
    case T::kChoice:
      return "one of";
    case T::kChoiceOrObject:
      return "one of, or object";
    case T::kDuration:
      return "duration";
    case T::kSelector:
      return "selector";
    case T::kBeats:
      return "beats";
    case T::kDistribution:
      return "beats or distribution";
  }
  return "";
}

std::string cell(std::string text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string replace_between(const std::string& text, const std::string& name,
                            const std::string& body, Status& status) {
  const std::string begin = fmt::format("<!-- generated: {} -->\n", name);
  const std::string end = fmt::format("<!-- end generated: {} -->", name);
  std::size_t a = text.find(begin);
  std::size_t b = a == std::string::npos ? a : text.find(end, a);
  if (b == std::string::npos) {
    status = Status::invalid_argument(
        fmt::format("missing the markers '{}' and '{}'", begin.substr(0, begin.size() - 1), end));
    return text;
  }
  return text.substr(0, a + begin.size()) + body + text.substr(b);
}

}  // namespace

std::string generate_schema() {
  ojson s;
  s["$schema"] = "http://json-schema.org/draft-07/schema#";
  s["$id"] = "https://backbeat-sim/scenarios/schema.json";
  s["title"] = "backbeat-sim scenario, version 1";
  s["$comment"] =
      "Generated from sim/scenario/format_fields.cc and sim/world/fault_kinds.cc by "
      "backbeat-format-reference; do not edit.";
  ojson root = node(field(""), "");
  root["description"] =
      "A simulated BACKBEAT cluster run and the assertions that judge it. Files may contain // "
      "and /* */ comments (strip them before validating with a generic JSON Schema tool). "
      "backbeat-sim's own loader is stricter than this schema: it also resolves selectors "
      "against the cluster, checks that faults and tempo changes lie inside the run, that "
      "depends_on, budgets and assertion types name workload types, and reports every problem "
      "with file:line:column.";
  // A kind that needs a standby pulse node (fault_kinds.h: min_pulse_nodes), named by a fault
  // or by the swarm's kinds, requires pulse.nodes.
  ojson all_of = ojson::array();
  for (const FaultKind& k : fault_kinds()) {
    if (k.min_pulse_nodes <= 1) continue;
    ojson needs = {{"required", {"pulse"}},
                   {"properties",
                    {{"pulse",
                      {{"required", {"nodes"}},
                       {"properties", {{"nodes", {{"minimum", k.min_pulse_nodes}}}}}}}}}};
    ojson named = {{"required", {"kind"}},
                   {"properties", {{"kind", {{"const", std::string(k.name)}}}}}};
    all_of.push_back(
        {{"if", {{"required", {"faults"}}, {"properties", {{"faults", {{"contains", named}}}}}}},
         {"then", needs}});
    all_of.push_back(
        {{"if",
          {{"required", {"swarm"}},
           {"properties",
            {{"swarm",
              {{"required", {"kinds"}},
               {"properties", {{"kinds", {{"contains", {{"const", std::string(k.name)}}}}}}}}}}}}},
         {"then", needs}});
  }
  root["allOf"] = all_of;
  for (auto& [k, v] : root.items()) s[k] = v;
  s["definitions"] = definitions();
  return s.dump(2) + "\n";
}

std::string generate_field_reference() {
  std::string out = "| field | type | range | default | what it is |\n|---|---|---|---|---|\n";
  for (const Field& f : scenario_fields()) {
    if (f.pointer.empty()) continue;
    std::string where = "`" + f.pointer + "`";
    if (!f.variants.empty()) {
      std::string list;
      for (const std::string& v : f.variants) list += (list.empty() ? "" : ", ") + v;
      where += " (" + list + ")";
    }
    std::string def = f.required ? "required" : f.default_text;
    out += fmt::format("| {} | {} | {} | {} | {} |\n", cell(where), type_name(f),
                       cell(range_text(f)), cell(def), cell(f.doc));
  }
  return out;
}

std::string generate_fault_kind_reference() {
  std::string out =
      "| kind | parameters | hits | cuts agents off | in the swarm's default mix | what it does "
      "|\n|---|---|---|---|---|---|\n";
  for (const FaultKind& k : fault_kinds()) {
    std::string params;
    for (std::string_view p : k.params)
      params += fmt::format("{}`{}`", params.empty() ? "" : ", ", p);
    const char* aim = k.aim == FaultKind::Aim::kAgents   ? "agents (targets)"
                      : k.aim == FaultKind::Aim::kServer ? "a NATS server"
                      : k.aim == FaultKind::Aim::kPulse  ? "the pulse"
                                                         : "the beat subject";
    const char* cut = k.resync == FaultKind::Resync::kNever ? "no"
                      : k.resync == FaultKind::Resync::kAtEnd
                          ? "yes: resync measured from its end"
                          : "yes: resync measured from the takeover";
    std::string needs =
        k.min_pulse_nodes > 1 ? fmt::format(" (needs pulse.nodes >= {})", k.min_pulse_nodes) : "";
    out += fmt::format("| `{}` | {} | {} | {} | {} | {}{} |\n", k.name,
                       params.empty() ? "none" : params, aim, cut, k.in_swarm_mix ? "yes" : "no",
                       cell(std::string(k.doc)), needs);
  }
  return out;
}

Result<std::string> with_generated_reference(const std::string& readme) {
  Status status = Status::ok();
  std::string out = replace_between(readme, "fields", generate_field_reference(), status);
  out = replace_between(out, "fault kinds", generate_fault_kind_reference(), status);
  if (!status.is_ok()) return status;
  return out;
}

}  // namespace backbeat::sim::scenario
