// The scenario format as one declarative table: every field a scenario file may hold, where it
// is (a JSON pointer pattern), its type, its range, its default and one line of doc; and the
// rules between sibling keys ("count or rate_per_beat").
//
// The loader checks keys, types and ranges against this table; scenarios/schema.json and the
// field list in scenarios/README.md are generated from it (format_reference.h). Fault kinds and
// their parameters come from sim/world/fault_kinds.h. Cross-field rules the table cannot state
// (selectors against the cluster, dependency cycles, times inside the run) stay in the loader.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sim/world/fault_kinds.h"

namespace backbeat::sim::scenario {

enum class FieldType {
  kObject,   // members: the fields whose pointer is this one plus "/key"
  kArray,    // items: the field at this pointer plus "/*"; min..max = item count
  kMap,      // free keys, each value the field at this pointer plus "/*"
  kInteger,  // min..max
  kNumber,   // min..max (exclusive_min / exclusive_max)
  kBoolean,
  kString,          // non_empty: at least one character
  kName,            // 1..64 characters of [A-Za-z0-9_-]
  kTypeName,        // an operation type: 1..64 characters of [a-z0-9_-]
  kChoice,          // one of `choices` (strings)
  kChoiceOrObject,  // one of `choices`, or an object of the fields at this pointer plus "/key"
  kDuration,        // seconds (a number) or a string with a unit; `sign`
  kSelector,        // all, agent:N, agents:A-B, agents:A-B,N,..., group:NAME, random:P%, server:N
  kBeats,           // a number of beats >= 0 or a duration string (converted at the initial tempo)
  kDistribution,    // kBeats, or an object picked by its "distribution" member
};

struct Field {
  std::string pointer;  // "/cluster/groups/*/count": '*' = any array index or map key
  FieldType type;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool exclusive_min = false;
  bool exclusive_max = false;
  DurationSign sign = DurationSign::kNonNegative;
  bool required = false;
  bool non_empty = false;              // kString
  std::vector<std::string> choices{};  // kChoice; kInteger: the allowed values, if not all
  // For a member of an object with a discriminator: the discriminator's values it belongs to
  // (empty: every variant).
  std::vector<std::string> variants{};
  std::string discriminator{};  // kObject / kDistribution: the member that picks the variant
  std::string default_text{};   // as the reference shows it; empty: none (or required)
  std::string doc{};

  bool in_variant(std::string_view variant) const;
};

// Rules between sibling keys of one object (of one variant, if `variant` is not empty).
struct KeyRule {
  enum class Kind { kAtMostOne, kExactlyOne, kAtLeastOne };
  std::string object;  // pointer pattern of the object
  std::string variant{};
  Kind kind;
  std::vector<std::string> keys;
};

const std::vector<Field>& scenario_fields();
const std::vector<KeyRule>& scenario_key_rules();

// The field at `pattern` (for `variant`, when its object has variants). A pattern the table
// lacks is a bug in the caller: throws std::logic_error.
const Field& field(std::string_view pattern, std::string_view variant = "");
// The keys of the object at `pattern`, in table order: those of every variant when `variant` is
// empty, else the common ones and the variant's.
std::vector<std::string> keys_of(std::string_view pattern, std::string_view variant = "");

// "3", "0.1..1000", "> 0", "(0, 1)": the field's range as the reference shows it; empty if none.
std::string range_text(const Field& f);

}  // namespace backbeat::sim::scenario
