#include "worker/record_headers.h"

#include <algorithm>

#include "pipeline/version.h"

namespace broadsheet::worker {

std::array<std::pair<std::string_view, std::string_view>, 3> article_headers(std::string_view page_id) {
  return {
      {{"page_id", page_id}, {"pipeline_version", pipeline::pipeline_version}, {"content-type", "application/json"}}};
}

void add_header(rd_kafka_headers_t* headers, std::string_view name, std::string_view value) {
  rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                      static_cast<ssize_t>(value.size()));
}

propagated_headers::propagated_headers(std::string_view names) {
  for (std::size_t at = 0; at < names.size();) {
    const std::size_t comma = std::min(names.find(',', at), names.size());
    if (comma > at) names_.emplace_back(names.substr(at, comma - at));
    at = comma + 1;
  }
}

}  // namespace broadsheet::worker
