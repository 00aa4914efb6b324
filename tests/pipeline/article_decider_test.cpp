#include "pipeline/article_decider.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

article story(const std::string& page_id, int ordinal) {
  article a;
  a.page_id = page_id;
  a.ordinal = ordinal;
  a.article_id = make_article_id(page_id, ordinal);
  a.paragraphs = {"北岭区新建的三座城市书房已全部投入使用，市民可凭身份证免费借阅图书。"};
  a.body = a.paragraphs[0];
  a.char_count = 33;
  return a;
}

published_article published(const article& a) {
  return {a.page_id, std::make_shared<const article_json>(make_article_json(a))};
}

dedup_correction correction(const std::string& id, int revision, std::string canonical) {
  return {id, dedup_verdict{std::move(canonical), 0.75, revision}};
}

TEST(article_cache, a_correction_republishes_the_held_article_with_its_new_decision) {
  article_cache cache(1 << 20);
  auto a = story("qc-2025-04-02-A03", 1);
  cache.remember(a.article_id, published(a));
  const auto canonical = make_article_id("qc-2025-03-30-A01", 2);
  const auto corrected = cache.correct(correction(a.article_id, 1, canonical));
  ASSERT_TRUE(corrected);
  EXPECT_EQ(corrected->page_id, a.page_id);
  a.revision = 1;
  a.duplicate_of = canonical;
  a.similarity = 0.75;
  std::string expected;
  append_article_json(expected, a);
  EXPECT_EQ(corrected->json->text, expected);
  // The corrected state is what is held: a second correction starts from it.
  const auto again = cache.correct(correction(a.article_id, 2, canonical));
  ASSERT_TRUE(again);
  EXPECT_NE(again->json->text.find("\"revision\":2,"), std::string::npos);
  EXPECT_FALSE(cache.correct(correction(make_article_id("elsewhere", 1), 1, canonical)));
}

TEST(article_cache, holds_the_newest_articles_within_its_bound_in_bytes) {
  const auto size_of_one = make_article_json(story("p-0", 1)).text.size();
  article_cache cache(size_of_one * 30);  // room for fewer than 30 with the bookkeeping
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const auto a = story("p-" + std::to_string(i), 1);
    ids.push_back(a.article_id);
    cache.remember(a.article_id, published(a));
    // Corrections change the held JSON's size; the bound must still hold afterwards.
    if (i % 3 == 0) {
      ASSERT_TRUE(cache.correct(correction(a.article_id, 1, ids.front())));
    }
  }
  int held = 0;
  for (int i = 0; i < 100; ++i) held += cache.correct(correction(ids[i], 5, ids.front())).has_value() ? 1 : 0;
  EXPECT_GT(held, 10);
  EXPECT_LT(held, 30);
  EXPECT_TRUE(cache.correct(correction(ids.back(), 6, ids.front())));    // the newest stays
  EXPECT_FALSE(cache.correct(correction(ids.front(), 6, ids.front())));  // the oldest went first
}

TEST(page_event_day, is_the_edition_date_else_the_fetch_time_else_the_record_time) {
  constexpr std::int32_t may_5_2023 = 19482;  // days since 1970-01-01
  EXPECT_EQ(page_event_day("2023-05-05", "2023-05-07T08:00:00Z", 0), may_5_2023);
  EXPECT_EQ(page_event_day(std::nullopt, "2023-05-05T23:59:59Z", 0), may_5_2023);
  EXPECT_EQ(page_event_day("2023-02-30", "2023-05-05", 0), may_5_2023) << "an impossible edition date is none";
  EXPECT_EQ(page_event_day(std::nullopt, std::nullopt, std::int64_t{may_5_2023} * 86'400'000 + 1), may_5_2023);
  EXPECT_EQ(page_event_day(std::nullopt, std::nullopt, 0), 0);
}

}  // namespace
}  // namespace broadsheet::pipeline
