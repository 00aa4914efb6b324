#include "worker/page_guard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace broadsheet::worker {
namespace {

// A page the pool has made articles and signatures of.
std::unique_ptr<page_job> processed_page() {
  auto job = std::make_unique<page_job>();
  job->offset = 12;
  job->articles.resize(2);
  job->signatures.resize(2);
  job->encoded_signatures.resize(2);
  return job;
}

TEST(page_guard, a_step_that_returns_leaves_its_page_alone) {
  std::atomic<bool> fatal{false};
  const page_guard guard("pages.raw", fatal);
  const auto page = processed_page();
  page_job& job = *page;
  EXPECT_TRUE(guard.run(job, "decide", [] {}));
  EXPECT_FALSE(job.rejection);
  EXPECT_EQ(job.articles.size(), 2u);
}

TEST(page_guard, an_exception_makes_the_page_a_dead_letter_of_what_it_said) {
  // given
  std::atomic<bool> fatal{false};
  const page_guard guard("pages.raw", fatal);
  const auto page = processed_page();
  page_job& job = *page;

  // when a step throws
  EXPECT_FALSE(guard.run(job, "publish", [] { throw std::runtime_error("index out of range"); }));

  // then the page is rejected, with nothing of what it made left to publish, and the worker goes on
  EXPECT_EQ(job.rejection, reject_reason(worker_reason::internal_error));
  EXPECT_EQ(job.error_message, "index out of range");
  EXPECT_TRUE(job.articles.empty());
  EXPECT_TRUE(job.signatures.empty());
  EXPECT_TRUE(job.encoded_signatures.empty());
  EXPECT_FALSE(job.failed);
  EXPECT_FALSE(fatal);
}

TEST(page_guard, an_exception_of_no_standard_type_is_a_dead_letter_too) {
  std::atomic<bool> fatal{false};
  const page_guard guard("pages.raw", fatal);
  const auto page = processed_page();
  page_job& job = *page;
  EXPECT_FALSE(guard.run(job, "clean", [] { throw 42; }));
  EXPECT_EQ(job.rejection, reject_reason(worker_reason::internal_error));
  EXPECT_EQ(job.error_message, "an exception of no standard type");
  EXPECT_FALSE(fatal);
}

TEST(page_guard, running_out_of_memory_stops_the_worker_with_the_page_unacknowledged) {
  std::atomic<bool> fatal{false};
  const page_guard guard("pages.raw", fatal);
  const auto page = processed_page();
  page_job& job = *page;
  EXPECT_FALSE(guard.run(job, "sign", [] { throw std::bad_alloc(); }));
  EXPECT_TRUE(job.failed) << "never acknowledged: the next start processes it again";
  EXPECT_TRUE(fatal);
  EXPECT_FALSE(job.rejection) << "not a dead letter";
}

}  // namespace
}  // namespace broadsheet::worker
