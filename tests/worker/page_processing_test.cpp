#include "worker/page_processing.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "worker/metrics.h"
#include "worker/record_size.h"

namespace broadsheet::worker {
namespace {

// Two short articles of one page.
constexpr std::string_view page_record =
    R"({"page_id":"qc-A01","edition_date":"2025-03-18","text":"临河县召开推进会\n\n本报讯（记者林晓雨）昨日，会议召开。\n\n)"
    R"(北岭区书房投用\n\n本报讯（记者许安然）三座书房投用。"})";

// A page_processing with its own configuration and metrics, the steps it probes written down.
struct fixture {
  explicit fixture(bool dedup, std::size_t record_limit = 1 << 20) : config(with_dedup(dedup)) {
    processing.emplace(record_limit, propagated, metrics,
                       [this](page_step step, std::string_view key) { steps.emplace_back(step, key); });
    state.emplace(config);
  }
  static worker_config with_dedup(bool dedup) {
    worker_config c;
    c.dedup = dedup;
    return c;
  }

  // A consumed page with that value (nothing: a tombstone).
  std::shared_ptr<page_job> process(std::optional<std::string_view> value) {
    auto job = std::make_shared<page_job>();
    job->key = "key-1";
    job->value = value;
    processing->process(*state, *job);
    return job;
  }

  worker_config config;
  propagated_headers propagated{"traceparent"};
  worker_metrics metrics;
  std::vector<std::pair<page_step, std::string>> steps;
  std::optional<page_processing> processing;
  std::optional<page_processing::thread_state> state;
};

using steps = std::vector<std::pair<page_step, std::string>>;

TEST(page_processing, a_page_becomes_its_articles_with_their_json_and_signatures) {
  fixture f(/*dedup=*/true);

  const auto job = f.process(page_record);

  ASSERT_FALSE(job->rejection) << job->error_message;
  EXPECT_EQ(job->page_id, "qc-A01");
  ASSERT_FALSE(job->articles.empty());
  ASSERT_EQ(job->jsons.size(), job->articles.size());
  ASSERT_EQ(job->signatures.size(), job->articles.size());
  ASSERT_EQ(job->encoded_signatures.size(), job->articles.size());
  for (std::size_t i = 0; i < job->articles.size(); ++i) {
    EXPECT_NE(job->jsons[i]->text.find(job->articles[i].article_id), std::string::npos);
    EXPECT_EQ(job->signatures[i].article_id, job->articles[i].article_id);
    EXPECT_EQ(job->encoded_signatures[i], job->signatures[i].encode());
  }
  EXPECT_EQ(f.steps, (steps{{page_step::parse, "key-1"}, {page_step::clean, "key-1"}, {page_step::sign, "key-1"}}));
  EXPECT_EQ(f.metrics.pages_processed.Value(), 1);
}

TEST(page_processing, without_dedup_nothing_is_signed) {
  fixture f(/*dedup=*/false);

  const auto job = f.process(page_record);

  ASSERT_FALSE(job->rejection) << job->error_message;
  EXPECT_EQ(job->jsons.size(), job->articles.size());
  EXPECT_TRUE(job->signatures.empty());
  EXPECT_EQ(f.steps, (steps{{page_step::parse, "key-1"}, {page_step::clean, "key-1"}}));
}

TEST(page_processing, a_tombstone_is_rejected_before_any_step) {
  fixture f(true);

  const auto job = f.process(std::nullopt);

  EXPECT_EQ(job->rejection, reject_reason(worker_reason::tombstone));
  EXPECT_TRUE(f.steps.empty());
  EXPECT_EQ(f.metrics.pages_processed.Value(), 0);
}

TEST(page_processing, a_record_the_pipeline_rejects_keeps_the_pipelines_reason) {
  fixture f(true);

  const auto bad_json = f.process(R"({"page_id":"p",)");
  const auto no_text = f.process(R"({"page_id":"p2","text":"   "})");

  EXPECT_EQ(bad_json->rejection, reject_reason(pipeline::errc::invalid_json));
  EXPECT_TRUE(bad_json->page_id.empty());
  EXPECT_EQ(no_text->rejection, reject_reason(pipeline::errc::empty_text));
  EXPECT_EQ(no_text->page_id, "p2") << "parsed before it was rejected";
  EXPECT_FALSE(no_text->error_message.empty());
  EXPECT_EQ(f.steps, (steps{{page_step::parse, "key-1"}, {page_step::parse, "key-1"}, {page_step::clean, "key-1"}}));
}

// The largest record any of the page's articles would be, with room for a later decision.
std::size_t heaviest_article_record(const page_job& job) {
  std::size_t heaviest = 0;
  for (std::size_t i = 0; i < job.articles.size(); ++i) {
    std::size_t headers = 0;
    for (const auto& [name, value] : article_headers(job.articles[i].page_id))
      headers += header_bytes(name, value.size());
    heaviest = std::max(heaviest, record_bytes(job.articles[i].article_id.size(),
                                               job.jsons[i]->text.size() + decision_room_bytes, headers));
  }
  return heaviest;
}

TEST(page_processing, a_page_with_an_article_over_the_record_limit_is_rejected_whole_and_never_signed) {
  // given the weight of the page's heaviest article record
  const std::size_t limit = heaviest_article_record(*fixture(true).process(page_record));

  // when the limit is that weight, and a byte less
  fixture fits(true, limit);
  const auto accepted = fits.process(page_record);
  fixture too_small(true, limit - 1);
  const auto rejected = too_small.process(page_record);

  // then the first is accepted; the second rejected with nothing made for it
  EXPECT_FALSE(accepted->rejection) << accepted->error_message;
  EXPECT_EQ(rejected->rejection, reject_reason(worker_reason::article_too_large));
  EXPECT_NE(rejected->error_message.find("message.max.bytes"), std::string::npos);
  EXPECT_TRUE(rejected->articles.empty());
  EXPECT_TRUE(rejected->jsons.empty());
  EXPECT_TRUE(rejected->signatures.empty());
  EXPECT_EQ(too_small.steps, (steps{{page_step::parse, "key-1"}, {page_step::clean, "key-1"}}));
}

}  // namespace
}  // namespace broadsheet::worker
