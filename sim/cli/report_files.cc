#include "sim/cli/report_files.h"

#include <filesystem>

#include "reports/report.h"
#include "sim/cli/atomic_file.h"

namespace backbeat::sim::cli {

Status write_report_files(const std::string& dir, const scenario::RunReport& report,
                          const nlohmann::json& summary) {
  reports::Report model = reports::build_report(report);
  model.summary = summary;
  std::filesystem::path d(dir);
  Status s = write_file_atomically((d / "report.json").string(),
                                   reports::report_json(model).dump(1) + "\n");
  if (s.is_ok())
    s = write_file_atomically((d / "report.md").string(), reports::report_markdown(model));
  if (s.is_ok())
    s = write_file_atomically((d / "report.html").string(), reports::report_html(model));
  return s;
}

}  // namespace backbeat::sim::cli
