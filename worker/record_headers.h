#pragma once
// The headers the worker writes on its records besides a dead letter's: an article's own
// (page_id, pipeline_version, content-type), and the propagated ones (kafka.propagate_headers,
// such as trace context) copied from a page's input record onto its articles and signatures.
// Made once at start; then read only, from any thread.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "worker/kafka.h"
#include "worker/page_job.h"

namespace broadsheet::worker {

// The headers of an article record of the page, for producing it and for weighing it first.
[[nodiscard]] std::array<std::pair<std::string_view, std::string_view>, 3> article_headers(std::string_view page_id);

// Adds a header (name and value copied).
void add_header(rd_kafka_headers_t* headers, std::string_view name, std::string_view value);

class propagated_headers {
 public:
  // A propagated header longer than this is not copied: trace context is short (traceparent 55
  // bytes, tracestate at most 512), and a long value would eat into every record's size limit.
  static constexpr std::size_t max_value_bytes = 4096;

  // names: separated by commas (kafka.propagate_headers); none for an empty string.
  explicit propagated_headers(std::string_view names);

  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

  // add(name, value) for each propagated name whose value_of(name) is not empty and not over
  // max_value_bytes, in the order of the names.
  template <class ValueOf, class Add>
  void for_each(ValueOf&& value_of, Add&& add) const {
    for (const auto& name : names_) {
      const std::string_view value = value_of(name);
      if (!value.empty() && value.size() <= max_value_bytes) add(name, value);
    }
  }

  // The same over the job's input record, which is held until the page is published; none for a
  // null job (a correction, of an article of an earlier page) or a page with no record.
  template <class Add>
  void for_each_in(const page_job* job, Add&& add) const {
    if (job == nullptr || !job->message) return;
    for_each([&](const std::string& name) { return header_value(job->message.get(), name.c_str()); }, add);
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace broadsheet::worker
