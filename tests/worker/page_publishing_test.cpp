#include "worker/page_publishing.h"

#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/fake_record_producer.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"
#include "worker/page_processing.h"

namespace broadsheet::worker {
namespace {

// A page of two short articles, of that id and edition date.
std::string page_record(std::string_view page_id, std::string_view edition_date) {
  return std::string(R"({"page_id":")") + std::string(page_id) + R"(","edition_date":")" + std::string(edition_date) +
         R"(","text":"临河县召开春耕生产推进会\n\n本报讯（记者林晓雨）3月17日，临河县召开春耕生产推进会，)"
         R"(部署全县春耕备耕工作。会议指出，今年全县粮食播种面积稳定在42万亩以上。\n\n北岭区城市书房投用\n\n)"
         R"(本报讯（记者许安然）北岭区三座城市书房昨日投入使用，市民可凭证借阅图书。"})";
}

// Pages processed by the pool's work, decided and published through a publisher over a fake
// producer, as the sequencer calls the steps; the fault probe throws what a test sets.
struct fixture {
  explicit fixture(bool dedup = true) {
    config.dedup = dedup;
    auto fake = std::make_unique<testing::fake_record_producer>();
    producer = fake.get();
    output.emplace(std::move(fake),
                   publisher_settings{.delivery = {.attempts = 1, .exactly_once = false},
                                      .input_topic = "pages.raw",
                                      .dead_letter_topic = "pages.dlq",
                                      .worker_id = "worker-1",
                                      .record_limit = 1 << 20},
                   tracker, metrics, fatal);
    if (dedup) decider = std::make_unique<pipeline::article_decider>(config.dedup_options);
    processing.emplace(1 << 20, propagated, metrics, fault_probe{});
    state.emplace(config);
    publishing.emplace(publishing_settings{.articles_topic = "articles",
                                           .signatures_topic = "articles.signatures",
                                           .instance_id = "instance-1",
                                           .cache_bytes = 1 << 20},
                       *output, decider.get(), propagated, guard, fatal, metrics,
                       [this](page_step step, std::string_view) {
                         if (step == throw_at && fault) fault();
                       });
  }

  // A page of partition 0 at the offset, consumed and processed; its record is held here.
  std::shared_ptr<page_job> page(std::int64_t offset, std::string record) {
    auto job = std::make_shared<page_job>();
    records.push_back(std::make_unique<std::string>(std::move(record)));
    job->key = "key";
    job->value = *records.back();
    job->offset = offset;
    job->epoch = tracker.begin(0, offset, records.back()->size());
    processing->process(*state, *job);
    return job;
  }

  // The sequencer's two steps.
  void decide_and_publish(const std::shared_ptr<page_job>& job) {
    publishing->decide(*job);
    publishing->publish(job);
  }

  // Every record in flight delivered; then where partition 0 may be committed, -1 nowhere new.
  std::int64_t deliver_all() {
    while (!producer->in_flight.empty()) output->settle(producer->report(RD_KAFKA_RESP_ERR_NO_ERROR));
    const auto points = tracker.advance();
    return points.empty() ? -1 : points.front().next_offset;
  }

  // The records produced to the topic.
  std::vector<testing::fake_record_producer::record> produced_to(std::string_view topic) const {
    std::vector<testing::fake_record_producer::record> records_of;
    for (const auto& r : producer->produced)
      if (r.topic == topic) records_of.push_back(r);
    return records_of;
  }

  worker_config config;
  worker_metrics metrics;
  offset_tracker tracker;
  std::atomic<bool> fatal{false};
  const page_guard guard{"pages.raw", fatal};
  const propagated_headers propagated{""};
  page_step throw_at = page_step::publish;
  std::function<void()> fault;  // thrown by the probe at throw_at
  std::vector<std::unique_ptr<std::string>> records;
  testing::fake_record_producer* producer = nullptr;  // owned by output
  std::optional<publisher> output;
  std::unique_ptr<pipeline::article_decider> decider;
  std::optional<page_processing> processing;
  std::optional<page_processing::thread_state> state;
  std::optional<page_publishing> publishing;
};

TEST(page_publishing, a_decided_page_publishes_its_articles_then_their_signatures_and_is_acknowledged_once_delivered) {
  // given a processed page
  fixture f;
  const auto job = f.page(10, page_record("qc-A01", "2025-03-18"));
  ASSERT_FALSE(job->rejection) << job->error_message;
  const std::size_t articles = job->articles.size();
  ASSERT_GT(articles, 0u);

  // when it is decided and published
  f.decide_and_publish(job);

  // then each article goes to the articles topic, keyed by its id, with its headers, then each
  // signature, marked with this process's instance
  const auto published = f.produced_to("articles");
  const auto signatures = f.produced_to("articles.signatures");
  ASSERT_EQ(published.size(), articles);
  ASSERT_EQ(signatures.size(), articles);
  EXPECT_EQ(f.producer->produced.size(), 2 * articles) << "articles and signatures only";
  for (std::size_t i = 0; i < articles; ++i) {
    EXPECT_EQ(published[i].key, signatures[i].key);
    EXPECT_EQ(published[i].headers.at("page_id"), "qc-A01");
    EXPECT_EQ(published[i].headers.at("content-type"), "application/json");
    EXPECT_NE(published[i].value->find(R"("revision":0)"), std::string::npos);
    EXPECT_EQ(signatures[i].headers.at("producer.instance"), "instance-1");
  }
  EXPECT_TRUE(job->articles.empty()) << "what was made for it is freed once produced";
  EXPECT_EQ(f.publishing->published(), 1u);

  // and the page is acknowledged with its last record's delivery
  EXPECT_EQ(f.deliver_all(), 11);
  EXPECT_EQ(f.metrics.corrections.Value(), 0);
}

TEST(page_publishing, an_earlier_edition_of_a_published_article_corrects_it_as_its_duplicate) {
  // given a page published first, then the same articles from an earlier edition
  fixture f;
  const auto later = f.page(0, page_record("qc-0318-A01", "2025-03-18"));
  f.decide_and_publish(later);
  const std::string later_id = f.produced_to("articles").at(0).key.value();
  const auto earlier = f.page(1, page_record("qc-0317-A01", "2025-03-17"));
  const std::string earlier_id = earlier->articles.at(0).article_id;

  // when the earlier one is decided and published
  f.decide_and_publish(earlier);

  // then the first published article is published again, revision 1, a duplicate of the earlier
  std::vector<std::string> corrections;
  for (const auto& r : f.produced_to("articles"))
    if (r.key == later_id && r.value->find(R"("revision":1)") != std::string::npos) corrections.push_back(*r.value);
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_NE(corrections[0].find(R"("duplicate_of":")" + earlier_id + "\""), std::string::npos) << corrections[0];
  EXPECT_GE(f.metrics.corrections.Value(), 1);
  EXPECT_EQ(f.metrics.corrections_missed.Value(), 0);
  EXPECT_EQ(f.deliver_all(), 2) << "both pages acknowledged, the corrections with the earlier page";
}

TEST(page_publishing, a_rejected_page_publishes_only_its_dead_letter) {
  fixture f;
  const auto job = f.page(5, R"({"page_id":"qc-A01",)");
  ASSERT_TRUE(job->rejection);

  f.decide_and_publish(job);

  ASSERT_EQ(f.producer->produced.size(), 1u);
  EXPECT_EQ(f.producer->produced[0].topic, "pages.dlq");
  EXPECT_EQ(f.producer->produced[0].headers.at("error.code"), "invalid_json");
  EXPECT_EQ(f.deliver_all(), 6);
}

TEST(page_publishing, an_exception_while_deciding_or_publishing_makes_the_page_a_dead_letter) {
  for (const page_step step : {page_step::decide, page_step::publish}) {
    // given a processed page whose step throws
    fixture f;
    f.throw_at = step;
    f.fault = [] { throw std::runtime_error("injected"); };
    const auto job = f.page(7, page_record("qc-A01", "2025-03-18"));

    // when
    f.decide_and_publish(job);

    // then no article: its dead letter, internal_error, and the page is acknowledged
    ASSERT_EQ(f.producer->produced.size(), 1u) << static_cast<int>(step);
    EXPECT_EQ(f.producer->produced[0].topic, "pages.dlq");
    EXPECT_EQ(f.producer->produced[0].headers.at("error.code"), "internal_error");
    EXPECT_EQ(f.deliver_all(), 8);
    EXPECT_FALSE(f.fatal);
  }
}

TEST(page_publishing, out_of_memory_while_publishing_stops_the_worker_with_the_page_unacknowledged) {
  fixture f;
  f.fault = [] { throw std::bad_alloc(); };
  const auto job = f.page(7, page_record("qc-A01", "2025-03-18"));

  f.decide_and_publish(job);

  EXPECT_TRUE(f.fatal);
  EXPECT_TRUE(job->failed);
  EXPECT_TRUE(f.producer->produced.empty());
  EXPECT_EQ(f.deliver_all(), -1) << "nothing committed: the next start processes it again";
}

TEST(page_publishing, a_learned_job_produces_the_corrections_of_articles_held_and_counts_the_others_missed) {
  // given a published article, and another worker's decisions about it and about one never seen
  fixture f;
  const auto job = f.page(0, page_record("qc-A01", "2025-03-18"));
  f.decide_and_publish(job);
  const std::string held = f.produced_to("articles").at(0).key.value();
  ASSERT_EQ(f.deliver_all(), 1);
  const std::size_t before = f.producer->produced.size();
  auto learned = std::make_shared<page_job>();
  learned->learned = true;
  pipeline::dedup_verdict verdict;
  verdict.revision = 1;
  verdict.duplicate_of = "elsewhere-1";
  verdict.similarity = 0.9;
  learned->corrections = {{held, verdict}, {"never-seen", verdict}};

  // when
  f.publishing->publish(learned);

  // then the held one is published again with the decision; the other is missed
  ASSERT_EQ(f.producer->produced.size(), before + 1);
  const auto& correction = f.producer->produced.back();
  EXPECT_EQ(correction.key, held);
  EXPECT_NE(correction.value->find(R"("duplicate_of":"elsewhere-1")"), std::string::npos);
  EXPECT_EQ(f.metrics.corrections.Value(), 1);
  EXPECT_EQ(f.metrics.corrections_missed.Value(), 1);
  EXPECT_EQ(f.publishing->published(), 1u) << "a learned job is no page";
}

TEST(page_publishing, without_dedup_nothing_is_decided_signed_or_held_for_corrections) {
  fixture f(/*dedup=*/false);
  const auto job = f.page(0, page_record("qc-A01", "2025-03-18"));
  f.decide_and_publish(job);
  const std::string id = f.produced_to("articles").at(0).key.value();
  auto learned = std::make_shared<page_job>();
  learned->learned = true;
  learned->corrections = {{id, pipeline::dedup_verdict{}}};

  f.publishing->publish(learned);

  EXPECT_TRUE(f.produced_to("articles.signatures").empty());
  EXPECT_EQ(f.metrics.corrections_missed.Value(), 1);
}

}  // namespace
}  // namespace broadsheet::worker
