#include "pipeline/dedup.h"

#include <memory>
#include <optional>
#include <string_view>

#include "pipeline/internal/dedup_index_impl.h"
#include "pipeline/page_parser.h"

namespace broadsheet::pipeline {

namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (era-based civil-day count).
std::int32_t days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<std::int32_t> event_day_of(std::string_view s) noexcept {
  if (s.size() < 10 || !is_valid_date(s.substr(0, 10))) return std::nullopt;
  const auto num = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  return days_from_civil(num(0, 4), num(5, 2), num(8, 2));
}

// --- the index's public face (its state and operations: internal/dedup_index_impl.h) ----------

dedup_index::dedup_index(dedup_options options) : impl_(std::make_unique<impl>(options)) {}
dedup_index::~dedup_index() = default;
dedup_index::dedup_index(dedup_index&&) noexcept = default;
dedup_index& dedup_index::operator=(dedup_index&&) noexcept = default;

dedup_outcome dedup_index::add(const signature_record& record) { return impl_->add(record); }

void dedup_index::reserve(std::size_t articles) { impl_->reserve(articles); }

std::optional<dedup_verdict> dedup_index::state_of(std::string_view article_id) const {
  // article ids are derived from (page_id, ordinal); look the page up by scanning its entries.
  for (std::uint32_t s = 0; s < impl_->entries.size(); ++s) {
    const auto& e = impl_->entries[s];
    if (e.alive && impl_->article_id_of(e.page, e.ordinal) == article_id) return impl_->verdict_of(s);
  }
  return std::nullopt;
}

dedup_stats dedup_index::stats() const {
  const auto& first = impl_->bands.front();
  const double load = first.buckets == 0
                          ? 0.0
                          : static_cast<double>(first.count) / static_cast<double>(first.buckets * impl::bucket_cells);
  return dedup_stats{impl_->alive, impl_->cluster_count, impl_->indexed, impl_->evicted, impl_->memory_bytes(), load};
}
const dedup_options& dedup_index::options() const noexcept { return impl_->options; }
lsh_params dedup_index::bands() const noexcept { return impl_->lsh; }
}  // namespace broadsheet::pipeline
