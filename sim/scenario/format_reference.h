// The generated parts of the format's documentation: scenarios/schema.json (a JSON Schema,
// draft-07) and the field and fault-kind tables of scenarios/README.md, all from the tables in
// format_fields.h and sim/world/fault_kinds.h. tools/format_reference.cc writes or checks them.
#pragma once

#include <string>

#include "core/status.h"

namespace backbeat::sim::scenario {

// scenarios/schema.json, as written (two-space indent, final newline).
std::string generate_schema();

// The markdown tables, each without the markers.
std::string generate_field_reference();
std::string generate_fault_kind_reference();

// `readme` with the text between each pair of markers
//   <!-- generated: fields -->  ...  <!-- end generated: fields -->
//   <!-- generated: fault kinds -->  ...  <!-- end generated: fault kinds -->
// replaced by the generated table. kInvalidArgument if a marker is missing.
Result<std::string> with_generated_reference(const std::string& readme);

}  // namespace backbeat::sim::scenario
