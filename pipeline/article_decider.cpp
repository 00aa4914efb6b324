#include "pipeline/article_decider.h"

#include <iterator>

namespace broadsheet::pipeline {

void apply_decision(article& a, const dedup_verdict& v) {
  a.duplicate_of = v.duplicate_of;
  a.similarity = v.similarity;
  a.revision = v.revision;
}

namespace {

std::size_t approximate_size(const std::string& article_id, const published_article& a) {
  return sizeof(published_article) + sizeof(article_json) + 64 + 2 * article_id.size() + a.page_id.size() +
         a.json->text.capacity();
}

}  // namespace

article_decider::article_decider(const dedup_options& options) : index_(options) {}

std::vector<dedup_correction> article_decider::decide(std::vector<article>& articles,
                                                      const std::vector<signature_record>& records) {
  std::vector<dedup_correction> out;
  for (std::size_t i = 0; i < articles.size() && i < records.size(); ++i) {
    auto outcome = index_.add(records[i]);
    apply_decision(articles[i], outcome.verdict);
    std::move(outcome.corrections.begin(), outcome.corrections.end(), std::back_inserter(out));
  }
  return out;
}

std::vector<dedup_correction> article_decider::learn(const signature_record& record) {
  return index_.add(record).corrections;
}

void article_cache::remember(const std::string& article_id, published_article a) {
  const std::size_t size = approximate_size(article_id, a);
  const auto [it, inserted] = held_.insert_or_assign(article_id, std::move(a));
  if (!inserted) return;
  order_.emplace_back(article_id, size);
  bytes_ += size;
  while (bytes_ > limit_ && order_.size() > 1) {
    held_.erase(order_.front().first);
    bytes_ -= order_.front().second;
    order_.pop_front();
  }
}

std::optional<published_article> article_cache::correct(const dedup_correction& c) {
  const auto it = held_.find(c.article_id);
  if (it == held_.end()) return std::nullopt;
  const auto& v = c.verdict;
  it->second.json =
      std::make_shared<const article_json>(with_decision(*it->second.json, v.revision, v.duplicate_of, v.similarity));
  return it->second;
}

std::int32_t page_event_day(const std::optional<std::string>& edition_date,
                            const std::optional<std::string>& fetched_at, std::int64_t timestamp_ms) {
  if (edition_date)
    if (const auto day = event_day_of(*edition_date)) return *day;
  if (fetched_at)
    if (const auto day = event_day_of(*fetched_at)) return *day;
  constexpr std::int64_t ms_per_day = 86'400'000;
  return timestamp_ms > 0 ? static_cast<std::int32_t>(timestamp_ms / ms_per_day) : 0;
}

}  // namespace broadsheet::pipeline
