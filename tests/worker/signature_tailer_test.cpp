#include "worker/signature_tailer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/dedup.h"
#include "worker/metrics.h"

namespace broadsheet::worker {
namespace {

// Long enough to be linked (dedup.min_chars): two articles with this body are duplicates.
constexpr std::string_view body =
    "北岭区新建的三座城市书房已全部投入使用，市民可凭身份证免费借阅图书。"
    "书房每天开放十二小时，周末还将举办亲子阅读和非遗手工等活动。";

// A tailer that is never started: what it learns goes to a decider and a sequencer whose
// publishing is written down.
struct fixture {
  worker_config config;
  std::string bootstrap;
  pipeline::article_decider decider{config.dedup_options};
  worker_metrics metrics;
  std::atomic<bool> stop{true}, fatal{false};
  std::vector<std::shared_ptr<page_job>> published;
  sequencer sequence{[](page_job&) {}, [this](const std::shared_ptr<page_job>& job) { published.push_back(job); }};
  signature_tailer tailer{config, bootstrap, "this-worker", decider, sequence, metrics, stop, fatal,
                          std::chrono::seconds(1)};
  pipeline::signer signer{config.dedup_options};

  // The signature record of an article of page_id, on the day given.
  std::string record(const std::string& page_id, std::int32_t day) {
    return signer.sign(pipeline::make_article_id(page_id, 1), {day, page_id, 1}, body).encode();
  }
  std::size_t indexed() const { return decider.index_stats().articles; }
};

TEST(signature_tailer, indexes_another_workers_record) {
  fixture f;
  f.tailer.learn("another-worker", f.record("p-1", 100), 0, 0);
  EXPECT_EQ(f.indexed(), 1u);
  EXPECT_TRUE(f.published.empty()) << "nothing to correct";
}

TEST(signature_tailer, skips_its_own_records_which_its_decisions_indexed_already) {
  fixture f;
  f.tailer.learn("this-worker", f.record("p-1", 100), 0, 0);
  EXPECT_EQ(f.indexed(), 0u);
}

TEST(signature_tailer, skips_an_unreadable_record) {
  fixture f;
  f.tailer.learn("another-worker", "not a signature record", 0, 7);
  EXPECT_EQ(f.indexed(), 0u);
  EXPECT_FALSE(f.fatal);
}

TEST(signature_tailer, hands_the_corrections_a_record_brings_to_the_sequencer) {
  // given an article learned from another worker
  fixture f;
  f.tailer.learn("another-worker", f.record("later-page", 200), 0, 0);

  // when a duplicate of it with an earlier event day arrives
  f.tailer.learn("another-worker", f.record("earlier-page", 100), 1, 0);

  // then the later article is corrected to be its duplicate, published as records of no page
  ASSERT_EQ(f.published.size(), 1u);
  const auto& learned = *f.published.front();
  EXPECT_TRUE(learned.learned);
  ASSERT_EQ(learned.corrections.size(), 1u);
  EXPECT_EQ(learned.corrections[0].article_id, pipeline::make_article_id("later-page", 1));
  EXPECT_EQ(learned.corrections[0].verdict.duplicate_of, pipeline::make_article_id("earlier-page", 1));
  EXPECT_EQ(learned.corrections[0].verdict.revision, 1);
}

TEST(restore_progress, is_done_once_every_partition_is_read_up_to_its_high_watermark_at_start) {
  restore_progress progress({{0, 3}, {5, 5}, {0, 1}}, true);  // partition 1 is empty
  EXPECT_FALSE(progress.done());
  progress.read(0, 1);
  progress.read(2, 0);
  EXPECT_FALSE(progress.done()) << "offset 2 of partition 0 is still to be read";
  progress.read(0, 2);
  EXPECT_TRUE(progress.done());
}

TEST(restore_progress, the_end_of_a_partition_ends_it_whatever_its_watermark_said) {
  // the watermarks could not be asked: every partition is read to its end
  restore_progress progress({{0, 1}, {0, 1}}, true);
  progress.ended(0);
  EXPECT_FALSE(progress.done());
  progress.ended(1);
  EXPECT_TRUE(progress.done());
}

TEST(restore_progress, without_restore_there_is_nothing_to_read_up_to) {
  EXPECT_TRUE(restore_progress({{0, 10}}, false).done());
  EXPECT_TRUE(restore_progress({}, true).done());
}

}  // namespace
}  // namespace broadsheet::worker
