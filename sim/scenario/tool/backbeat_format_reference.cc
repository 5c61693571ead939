// backbeat-format-reference: writes (or, with --check, checks) the generated parts of the
// scenario format's documentation: SCENARIOS_DIR/schema.json and the tables between the
// "generated" markers in SCENARIOS_DIR/README.md (format_reference.h).
//
//   backbeat-format-reference [--check] SCENARIOS_DIR
//
// Exit codes: 0 written / up to date, 1 --check found a difference, 2 bad usage or input.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/cli/atomic_file.h"
#include "sim/scenario/format_reference.h"

namespace {

bool read(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

// Atomically, and only over a regular file (sim/cli/output_path.h): a reader never sees half a
// schema, and a FIFO or device named schema.json is refused, not written into.
bool write(const std::string& path, const std::string& text) {
  const backbeat::Status written = backbeat::sim::cli::write_file_atomically(path, text);
  if (!written) std::fprintf(stderr, "%s\n", written.message().c_str());
  return written.is_ok();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace backbeat::sim::scenario;
  bool check = argc == 3 && std::string(argv[1]) == "--check";
  if (!(argc == 2 || check)) {
    std::fprintf(stderr, "usage: backbeat-format-reference [--check] SCENARIOS_DIR\n");
    return 2;
  }
  const std::string dir = argv[argc - 1];
  const std::string schema_path = dir + "/schema.json";
  const std::string readme_path = dir + "/README.md";
  std::string readme;
  if (!read(readme_path, readme)) {
    std::fprintf(stderr, "%s: cannot read\n", readme_path.c_str());
    return 2;
  }
  auto generated_readme = with_generated_reference(readme);
  if (!generated_readme.is_ok()) {
    std::fprintf(stderr, "%s: %s\n", readme_path.c_str(),
                 generated_readme.status().message().c_str());
    return 2;
  }
  const std::string schema = generate_schema();
  if (check) {
    std::string current_schema;
    read(schema_path, current_schema);
    int stale = 0;
    if (current_schema != schema) {
      std::fprintf(stderr, "%s differs from the format table\n", schema_path.c_str());
      ++stale;
    }
    if (readme != *generated_readme) {
      std::fprintf(stderr, "%s: the generated tables differ from the format table\n",
                   readme_path.c_str());
      ++stale;
    }
    if (stale > 0) {
      std::fprintf(stderr, "regenerate: backbeat-format-reference %s\n", dir.c_str());
      return 1;
    }
    std::printf("up to date: %s, %s\n", schema_path.c_str(), readme_path.c_str());
    return 0;
  }
  if (!write(schema_path, schema) || !write(readme_path, *generated_readme)) {
    std::fprintf(stderr, "cannot write %s\n", dir.c_str());
    return 2;
  }
  std::printf("wrote %s, %s\n", schema_path.c_str(), readme_path.c_str());
  return 0;
}
