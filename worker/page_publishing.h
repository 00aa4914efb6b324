#pragma once
// The sequencer's two steps (sequencer.h calls them in order): decide, the near-duplicate
// decisions of a page's articles against the index (with dedup); and publish, what a decided
// page produces through the publisher: its articles with their decisions, their signatures, and
// the corrections of earlier articles its decisions bring; a rejected page's dead letter; the
// corrections another worker's signatures brought (a learned job, of no page). An exception in
// either step makes the page a dead letter (page_guard); one while producing its dead letter, or
// out of memory, leaves the page unacknowledged and stops the worker.
//
// Made with the publisher, before the pool starts. decide() runs under the sequencer's decisions'
// mutex, which guards the decider; publish() on one thread at a time, in the order of the
// decisions (it alone uses the article cache).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "pipeline/article_decider.h"
#include "worker/fault_probe.h"
#include "worker/page_guard.h"
#include "worker/page_job.h"
#include "worker/publisher.h"
#include "worker/record_headers.h"

namespace broadsheet::worker {

class worker_metrics;

struct publishing_settings {
  std::string articles_topic;    // kafka.output_topic
  std::string signatures_topic;  // kafka.signatures_topic
  std::string instance_id;       // a signature record's producer.instance: its tailer skips its own
  std::size_t cache_bytes = 0;   // the articles held for corrections (worker.cache_bytes)
};

class page_publishing {
 public:
  // decider: null without dedup (nothing decided, nothing held for corrections). Everything
  // referred to outlives this.
  page_publishing(publishing_settings settings, publisher& output, pipeline::article_decider* decider,
                  const propagated_headers& propagated, const page_guard& guard, std::atomic<bool>& fatal,
                  worker_metrics& metrics, fault_probe probe);

  // The page's decisions (unless rejected or failed): its articles' revisions and duplicates,
  // and the corrections of earlier articles they bring.
  void decide(page_job& job);

  // Produces the decided page's records (or a learned job's corrections), then releases the
  // page: it is acknowledged once they are all delivered.
  void publish(const std::shared_ptr<page_job>& job);

  // Pages whose records are all produced.
  [[nodiscard]] std::uint64_t published() const noexcept { return published_; }

 private:
  void publish_articles(const std::shared_ptr<page_job>& job);
  void produce_corrections(const std::shared_ptr<page_job>& job);
  void produce_article(const std::string& article_id, const pipeline::published_article& a,
                       const std::shared_ptr<page_job>& job, const page_job* context);

  const publishing_settings settings_;
  publisher& output_;
  pipeline::article_decider* const decider_;
  const propagated_headers& propagated_;
  const page_guard& guard_;
  std::atomic<bool>& fatal_;
  worker_metrics& metrics_;
  const fault_probe probe_;
  // The articles published, for corrections: an article is published before any correction of
  // it, as pages are published in the order of the decisions.
  pipeline::article_cache published_articles_;
  std::atomic<std::uint64_t> published_{0};
};

}  // namespace broadsheet::worker
