#include "worker/page_processing.h"

#include <chrono>

#include <fmt/format.h>

#include "pipeline/article_decider.h"
#include "pipeline/article_json.h"
#include "worker/dead_letter.h"
#include "worker/metrics.h"
#include "worker/record_size.h"

namespace broadsheet::worker {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void reject(page_job& job, const pipeline::error& e) {
  job.rejection = e.code;
  job.error_message = short_error_message(e.message);
}

}  // namespace

page_processing::thread_state::thread_state(const worker_config& config) : processor(config.pipeline) {
  if (config.dedup) signer.emplace(config.dedup_options);
}

page_processing::page_processing(std::size_t record_limit, const propagated_headers& propagated,
                                 worker_metrics& metrics, fault_probe probe)
    : record_limit_(record_limit), propagated_(propagated), metrics_(metrics), probe_(std::move(probe)) {}

void page_processing::process(thread_state& state, page_job& job) const {
  if (!job.value) [[unlikely]] {
    job.rejection = worker_reason::tombstone;
    job.error_message = "the record's value is null (a tombstone), not a page";
    return;
  }
  probe_step(probe_, page_step::parse, job.key);
  auto started = clock_type::now();
  auto page = state.processor.parse(*job.value);
  metrics_.observe(stage::parse, seconds_since(started));
  if (!page) return reject(job, page.error());
  job.page_id = page->page_id;
  pipeline::stage_times times;
  probe_step(probe_, page_step::clean, job.key);
  auto articles = state.processor.process(*page, &times);
  metrics_.observe(stage::clean, times.clean);
  if (!articles) return reject(job, articles.error());
  metrics_.observe(stage::segment, times.segment);
  metrics_.pages_processed.Increment();
  job.articles = std::move(*articles);
  if (!serialize(job)) return;
  if (!state.signer) return;
  probe_step(probe_, page_step::sign, job.key);
  started = clock_type::now();
  const std::int32_t day = pipeline::page_event_day(page->edition_date, page->fetched_at, job.timestamp_ms);
  job.signatures.reserve(job.articles.size());
  job.encoded_signatures.reserve(job.articles.size());
  for (const auto& a : job.articles) {
    job.signatures.push_back(state.signer->sign(a.article_id, pipeline::order_key{day, a.page_id, a.ordinal}, a.body));
    job.encoded_signatures.push_back(job.signatures.back().encode());
  }
  metrics_.observe(stage::signature, seconds_since(started));
}

// Each article's JSON, made here rather than on the one thread publishing, and weighed before
// the page is decided.
bool page_processing::serialize(page_job& job) const {
  job.jsons.reserve(job.articles.size());
  for (const auto& a : job.articles) {
    auto json = std::make_shared<const pipeline::article_json>(pipeline::make_article_json(a));
    std::size_t headers = 0;
    for (const auto& [name, value] : article_headers(a.page_id)) headers += header_bytes(name, value.size());
    propagated_.for_each_in(
        &job, [&](std::string_view name, std::string_view value) { headers += header_bytes(name, value.size()); });
    const std::size_t bytes = record_bytes(a.article_id.size(), json->text.size() + decision_room_bytes, headers);
    if (bytes > record_limit_) [[unlikely]] {
      job.rejection = worker_reason::article_too_large;
      job.error_message = fmt::format("article {} would be a record of {} bytes, over message.max.bytes ({})",
                                      a.article_id, bytes, record_limit_);
      job.articles.clear();
      job.jsons.clear();
      return false;
    }
    job.jsons.push_back(std::move(json));
  }
  return true;
}

}  // namespace broadsheet::worker
