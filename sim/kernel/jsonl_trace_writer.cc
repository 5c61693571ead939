#include "sim/kernel/jsonl_trace_writer.h"

#include <utility>

namespace backbeat::sim {

Result<std::unique_ptr<JsonlTraceWriter>> JsonlTraceWriter::open(const std::string& path) {
  auto file = JsonlFile::open(path, "trace");
  if (!file) return file.status();
  return std::unique_ptr<JsonlTraceWriter>(new JsonlTraceWriter(std::move(*file)));
}

std::unique_ptr<JsonlTraceWriter> JsonlTraceWriter::to_stream(std::FILE* stream) {
  return std::unique_ptr<JsonlTraceWriter>(
      new JsonlTraceWriter(JsonlFile::to_stream(stream, "trace")));
}

JsonlTraceWriter::JsonlTraceWriter(std::unique_ptr<JsonlFile> file) : file_(std::move(file)) {}

JsonlTraceWriter::~JsonlTraceWriter() = default;

void JsonlTraceWriter::on_record(std::uint64_t index, const TraceRecord& record,
                                 std::string_view kind_name, std::string_view node_name,
                                 std::string_view detail) {
  line_.clear();
  line_ += "{\"i\":";
  append_json_int(line_, static_cast<long long>(index));
  line_ += ",\"t_ns\":";
  append_json_int(line_, static_cast<long long>(record.time.time_since_epoch().count()));
  if (record.node != kNoNode) {
    line_ += ",\"node\":";
    append_json_int(line_, static_cast<long long>(record.node));
  }
  if (!node_name.empty()) {
    line_ += ",\"node_name\":";
    append_json_string(line_, node_name);
  }
  line_ += ",\"kind\":";
  append_json_string(line_, kind_name);
  line_ += ",\"digest\":\"";
  line_ += hex64(record.digest);
  line_ += '"';
  if (!detail.empty()) {
    line_ += ",\"detail\":";
    append_json_string(line_, detail);
  }
  line_ += "}\n";
  file_->write(line_);
}

Status JsonlTraceWriter::close() {
  return file_->close();
}

}  // namespace backbeat::sim
