#include "worker/record_headers.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/version.h"

namespace broadsheet::worker {
namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

TEST(record_headers, propagated_names_are_separated_by_commas_and_empty_names_are_skipped) {
  EXPECT_EQ(propagated_headers("traceparent,,tracestate,").names(),
            (std::vector<std::string>{"traceparent", "tracestate"}));
  EXPECT_TRUE(propagated_headers("").names().empty());
  EXPECT_TRUE(propagated_headers(",").names().empty());
}

TEST(record_headers, only_present_values_within_the_size_bound_are_propagated_in_the_order_named) {
  // given an input record with some of the named headers, one of them too long to copy
  const propagated_headers propagated("tracestate,traceparent,baggage,empty,absent");
  const std::map<std::string, std::string> input{
      {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
      {"tracestate", std::string(propagated_headers::max_value_bytes, 's')},
      {"baggage", std::string(propagated_headers::max_value_bytes + 1, 'b')},
      {"empty", ""},
      {"unnamed", "x"}};

  // when
  pairs copied;
  propagated.for_each(
      [&](const std::string& name) {
        const auto it = input.find(name);
        return it == input.end() ? std::string_view() : std::string_view(it->second);
      },
      [&](std::string_view name, std::string_view value) { copied.emplace_back(name, value); });

  // then
  EXPECT_EQ(copied, (pairs{{"tracestate", input.at("tracestate")}, {"traceparent", input.at("traceparent")}}));
}

TEST(record_headers, a_page_with_no_input_record_propagates_nothing) {
  const propagated_headers propagated("traceparent");
  page_job job;  // no message, as a test's page or a correction's
  int added = 0;
  propagated.for_each_in(&job, [&](std::string_view, std::string_view) { ++added; });
  propagated.for_each_in(static_cast<const page_job*>(nullptr), [&](std::string_view, std::string_view) { ++added; });
  EXPECT_EQ(added, 0);
}

TEST(record_headers, an_article_record_names_its_page_the_pipeline_version_and_json) {
  const auto headers = article_headers("page-7");
  EXPECT_EQ(headers[0], (std::pair<std::string_view, std::string_view>{"page_id", "page-7"}));
  EXPECT_EQ(headers[1].first, "pipeline_version");
  EXPECT_EQ(headers[1].second, pipeline::pipeline_version);
  EXPECT_EQ(headers[2], (std::pair<std::string_view, std::string_view>{"content-type", "application/json"}));

  // written onto a record's headers as they are
  kafka_headers written(rd_kafka_headers_new(3));
  for (const auto& [name, value] : headers) add_header(written.get(), name, value);
  const void* value = nullptr;
  std::size_t size = 0;
  ASSERT_EQ(rd_kafka_header_get_last(written.get(), "page_id", &value, &size), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(std::string_view(static_cast<const char*>(value), size), "page-7");
}

}  // namespace
}  // namespace broadsheet::worker
