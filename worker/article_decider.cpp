#include "worker/article_decider.h"

#include <iterator>

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

article_decider::article_decider(const pipeline::dedup_options& options) : index_(options) {}

std::vector<pipeline::dedup_correction> article_decider::decide(std::vector<pipeline::article>& articles,
                                                                const std::vector<pipeline::signature_record>& records) {
  std::vector<pipeline::dedup_correction> out;
  for (std::size_t i = 0; i < articles.size() && i < records.size(); ++i) {
    auto outcome = index_.add(records[i]);
    apply(articles[i], outcome.verdict);
    std::move(outcome.corrections.begin(), outcome.corrections.end(), std::back_inserter(out));
  }
  return out;
}

std::vector<pipeline::dedup_correction> article_decider::learn(const pipeline::signature_record& record) {
  return index_.add(record).corrections;
}

void article_cache::remember(pipeline::article&& a) {
  const std::size_t size = approximate_size(a);
  std::string id = a.article_id;
  const auto [it, inserted] = held_.insert_or_assign(id, std::move(a));
  if (!inserted) return;
  order_.push_back(std::move(id));
  bytes_ += size;
  while (bytes_ > limit_ && order_.size() > 1) {
    const auto old = held_.find(order_.front());
    bytes_ -= approximate_size(old->second);
    held_.erase(old);
    order_.pop_front();
  }
}

std::optional<pipeline::article> article_cache::correct(const pipeline::dedup_correction& c) {
  const auto it = held_.find(c.article_id);
  if (it == held_.end()) return std::nullopt;
  apply(it->second, c.verdict);
  return it->second;
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
