#include "worker/page_publishing.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "pipeline/article_json.h"
#include "worker/metrics.h"

namespace broadsheet::worker {

namespace {

using clock_type = std::chrono::steady_clock;

// An article's JSON with its decision: the one made on the pool while the decision is still the
// undecided one it was made with (the pipeline's revision 0, no duplicate), else a copy with the
// decision written in.
std::shared_ptr<const pipeline::article_json> decided_json(const pipeline::article& a,
                                                           std::shared_ptr<const pipeline::article_json> undecided) {
  if (a.revision == 0 && !a.duplicate_of && !a.similarity) return undecided;
  return std::make_shared<const pipeline::article_json>(
      pipeline::with_decision(*undecided, a.revision, a.duplicate_of, a.similarity));
}

}  // namespace

page_publishing::page_publishing(publishing_settings settings, publisher& output, pipeline::article_decider* decider,
                                 const propagated_headers& propagated, const page_guard& guard,
                                 std::atomic<bool>& fatal, worker_metrics& metrics, fault_probe probe)
    : settings_(std::move(settings)),
      output_(output),
      decider_(decider),
      propagated_(propagated),
      guard_(guard),
      fatal_(fatal),
      metrics_(metrics),
      probe_(std::move(probe)),
      published_articles_(settings_.cache_bytes) {}

// When the decider throws, the index may hold some of the page's articles, which the page's dead
// letter does not publish.
void page_publishing::decide(page_job& job) {
  guard_.run(job, "decide", [&] {
    if (decider_ == nullptr || job.rejection || job.failed) return;
    probe_step(probe_, page_step::decide, job.key);
    const auto started = clock_type::now();
    job.corrections = decider_->decide(job.articles, job.signatures);
    metrics_.observe(stage::lsh, std::chrono::duration<double>(clock_type::now() - started).count());
  });
}

void page_publishing::publish(const std::shared_ptr<page_job>& job) {
  if (job->learned) {
    guard_.run(*job, "correcting", [&] { produce_corrections(job); });  // no page: logged, not dead-lettered
    return;
  }
  if (job->failed) return;  // out of memory on it: never acknowledged
  job->publish_started = clock_type::now();
  const bool rejected = job->rejection.has_value();
  if (!guard_.run(*job, "publish",
                  [&] {
                    probe_step(probe_, page_step::publish, job->key);
                    rejected ? output_.produce_dead_letter(job) : publish_articles(job);
                  }) &&
      !job->failed) {
    // Thrown while publishing its articles: the page becomes a dead letter (those of its records
    // already produced stay). Thrown while producing its dead letter: it is not acknowledged.
    if (rejected || !guard_.run(*job, "publish", [&] { output_.produce_dead_letter(job); })) {
      spdlog::error("the dead letter of partition={} offset={} could not be produced; its page is not acknowledged",
                    job->partition, job->offset);
      job->failed = true;
      fatal_ = true;
    }
  }
  job->articles.clear();
  job->jsons.clear();
  job->signatures.clear();
  job->encoded_signatures.clear();
  job->corrections.clear();
  ++published_;
  output_.release(*job);
}

void page_publishing::publish_articles(const std::shared_ptr<page_job>& job) {
  for (std::size_t i = 0; i < job->articles.size(); ++i) {
    const auto& a = job->articles[i];
    metrics_.article_published(a.kind);
    if (a.duplicate_of) metrics_.duplicate(a.similarity.value_or(0) >= 1.0);
    pipeline::published_article p{a.page_id, decided_json(a, std::move(job->jsons[i]))};
    produce_article(a.article_id, p, job, job.get());
    if (decider_ != nullptr) published_articles_.remember(a.article_id, std::move(p));
  }
  for (std::size_t i = 0; i < job->signatures.size(); ++i) {
    kafka_headers h(rd_kafka_headers_new(1));
    add_header(h.get(), "producer.instance", settings_.instance_id);
    propagated_.for_each_in(job.get(),
                            [&](std::string_view name, std::string_view value) { add_header(h.get(), name, value); });
    output_.produce(settings_.signatures_topic, job->signatures[i].article_id, true,
                    delivery::of_bytes(job, std::move(job->encoded_signatures[i])), std::move(h));
  }
  produce_corrections(job);
}

// The job's corrections of articles held; the others are counted as missed. A learned job's
// records belong to no page, so no page waits for their acknowledgement.
void page_publishing::produce_corrections(const std::shared_ptr<page_job>& job) {
  std::size_t corrected = 0, missed = 0;
  for (const auto& c : job->corrections) {
    if (const auto a = published_articles_.correct(c)) {
      produce_article(c.article_id, *a, job->learned ? nullptr : job, nullptr);
      ++corrected;
    } else {
      ++missed;
    }
  }
  metrics_.corrections.Increment(static_cast<double>(corrected));
  metrics_.corrections_missed.Increment(static_cast<double>(missed));
}

// context: the page whose propagated headers the record carries; none for a correction, which
// is of an article of an earlier page, weighed (page_processing) with no other page's headers.
void page_publishing::produce_article(const std::string& article_id, const pipeline::published_article& a,
                                      const std::shared_ptr<page_job>& job, const page_job* context) {
  kafka_headers h(rd_kafka_headers_new(3));
  for (const auto& [name, value] : article_headers(a.page_id)) add_header(h.get(), name, value);
  propagated_.for_each_in(context,
                          [&](std::string_view name, std::string_view value) { add_header(h.get(), name, value); });
  output_.produce(settings_.articles_topic, article_id, true, delivery::of_article(job, a.json), std::move(h));
}

}  // namespace broadsheet::worker
