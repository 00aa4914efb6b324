#include "worker/article_decider.h"

namespace broadsheet::worker {

namespace {

void apply(pipeline::article& a, const pipeline::dedup_verdict& v) {
  a.duplicate_of = v.duplicate_of;
  a.similarity = v.similarity;
  a.revision = v.revision;
}

std::size_t approximate_size(const pipeline::article& a) {
  std::size_t n = sizeof(a) + a.body.size() * 2 + a.article_id.size() + a.page_id.size();
  for (const auto& c : a.captions) n += c.size();
  return n;
}

}  // namespace

article_decider::article_decider(const pipeline::dedup_options& options, std::size_t cache_bytes)
    : index_(options), cache_limit_(cache_bytes) {}

std::vector<pipeline::article> article_decider::decide(std::vector<pipeline::article>& articles,
                                                       const std::vector<pipeline::signature_record>& records) {
  std::vector<pipeline::article> out;
  for (std::size_t i = 0; i < articles.size() && i < records.size(); ++i) {
    auto& a = articles[i];
    const auto outcome = index_.add(records[i]);
    apply(a, outcome.verdict);
    if (a.duplicate_of) ++(a.similarity.value_or(0) >= 1.0 ? counts_.exact : counts_.near);
    remember(a);
    corrected(outcome.corrections, out);
  }
  return out;
}

std::vector<pipeline::article> article_decider::learn(const pipeline::signature_record& record) {
  std::vector<pipeline::article> out;
  corrected(index_.add(record).corrections, out);
  return out;
}

void article_decider::corrected(const std::vector<pipeline::dedup_correction>& corrections,
                                std::vector<pipeline::article>& out) {
  for (const auto& c : corrections) {
    const auto it = cache_.find(c.article_id);
    if (it == cache_.end()) {
      ++counts_.missed;
      continue;
    }
    apply(it->second, c.verdict);
    out.push_back(it->second);
    ++counts_.corrections;
  }
}

void article_decider::remember(const pipeline::article& a) {
  const auto [it, inserted] = cache_.insert_or_assign(a.article_id, a);
  if (!inserted) return;
  cache_order_.push_back(a.article_id);
  cache_bytes_ += approximate_size(a);
  while (cache_bytes_ > cache_limit_ && cache_order_.size() > 1) {
    const auto old = cache_.find(cache_order_.front());
    cache_bytes_ -= approximate_size(old->second);
    cache_.erase(old);
    cache_order_.pop_front();
  }
}

std::int32_t page_event_day(const std::optional<std::string>& edition_date,
                            const std::optional<std::string>& fetched_at, std::int64_t timestamp_ms) {
  if (edition_date)
    if (const auto day = pipeline::event_day_of(*edition_date)) return *day;
  if (fetched_at)
    if (const auto day = pipeline::event_day_of(*fetched_at)) return *day;
  constexpr std::int64_t ms_per_day = 86'400'000;
  return timestamp_ms > 0 ? static_cast<std::int32_t>(timestamp_ms / ms_per_day) : 0;
}

}  // namespace broadsheet::worker
