#include "pipeline/dedup.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "pipeline/article.h"
#include "pipeline/internal/hash.h"
#include "tests/support/synthetic_news.h"

namespace broadsheet::pipeline {
namespace {

// Our own test stories (fictional).
constexpr std::string_view story_a =
    "三月十七日，临河县召开春耕生产推进会，部署全县春耕备耕工作。会议指出，今年全县粮食播种面积稳定在四十二万亩以上，"
    "各乡镇要抓紧抓实农资储备、农机检修和技术培训，确保不误农时。县农业农村局负责人介绍，全县已储备化肥一点二万吨，"
    "检修农机三千余台，组织农技人员深入田间地头开展指导服务。";
constexpr std::string_view story_a_edited =
    "三月十七日，临河县召开春耕生产推进会，部署全县春耕备耕工作。会议指出，今年全县粮食播种面积稳定在四十二万亩以上，"
    "各乡镇要抓紧抓实农资储备、农机检修和技术培训，确保不误农时。县农业农村局负责人表示，全县已储备化肥一点二万吨，"
    "检修农机三千余台，组织农技人员深入田间地头开展指导服务。";
constexpr std::string_view story_b =
    "记者昨日从北岭区文化和旅游局获悉，该区今年新建的三座城市书房已全部投入使用，市民可凭身份证免费借阅图书。"
    "据介绍，三座城市书房总面积一千二百平方米，藏书三万五千册，每天早八点半至晚九点开放，并设有儿童阅读区和自习区。"
    "下一步，北岭区将在各街道再布局五座城市书房，打造十五分钟阅读圈。";

order_key key(int day, std::string page, int ordinal) { return order_key{day, std::move(page), ordinal}; }

struct fixture {
  dedup_options options;
  signer sign{options};
  dedup_index index{options};

  dedup_outcome add(std::string_view body, order_key k) {
    const std::string id = make_article_id(k.page_id, k.ordinal);
    return index.add(sign.sign(id, std::move(k), body));
  }
};

TEST(dedup, a_reprint_with_an_edited_sentence_is_a_duplicate_of_the_earlier_story) {
  fixture f;
  const auto first = f.add(story_a, key(100, "p1", 1));
  EXPECT_FALSE(first.verdict.duplicate_of);
  const auto second = f.add(story_a_edited, key(101, "p2", 3));
  EXPECT_EQ(second.verdict.duplicate_of, make_article_id("p1", 1));
  ASSERT_TRUE(second.verdict.similarity);
  EXPECT_GT(*second.verdict.similarity, 0.7);
  EXPECT_LT(*second.verdict.similarity, 1.0);
  EXPECT_TRUE(second.corrections.empty());
}

TEST(dedup, different_stories_are_not_duplicates) {
  fixture f;
  f.add(story_a, key(100, "p1", 1));
  const auto other = f.add(story_b, key(100, "p1", 2));
  EXPECT_FALSE(other.verdict.duplicate_of);
  EXPECT_EQ(f.index.stats().clusters, 2u);
}

TEST(dedup, an_older_story_arriving_late_becomes_canonical_and_corrects_the_newer_one) {
  fixture f;
  const auto newer = f.add(story_a_edited, key(105, "p9", 1));
  EXPECT_FALSE(newer.verdict.duplicate_of);
  const auto older = f.add(story_a, key(100, "p1", 1));
  EXPECT_FALSE(older.verdict.duplicate_of);
  ASSERT_EQ(older.corrections.size(), 1u);
  EXPECT_EQ(older.corrections[0].article_id, make_article_id("p9", 1));
  EXPECT_EQ(older.corrections[0].verdict.duplicate_of, make_article_id("p1", 1));
  EXPECT_EQ(older.corrections[0].verdict.revision, 1);
}

TEST(dedup, the_same_day_and_page_order_breaks_ties_by_page_id_then_ordinal) {
  fixture f;
  f.add(story_a, key(100, "page-b", 1));
  const auto earlier = f.add(story_a, key(100, "page-a", 7));
  ASSERT_EQ(earlier.corrections.size(), 1u);
  EXPECT_EQ(earlier.corrections[0].verdict.duplicate_of, make_article_id("page-a", 7));
  const auto same_page = f.add(story_a, key(100, "page-a", 2));
  EXPECT_EQ(same_page.corrections.size(), 2u);  // both now point to ordinal 2
}

TEST(dedup, replaying_an_article_never_makes_it_its_own_duplicate_and_changes_nothing) {
  fixture f;
  f.add(story_a, key(100, "p1", 1));
  f.add(story_a_edited, key(101, "p2", 1));
  for (int i = 0; i < 3; ++i) {
    const auto again = f.add(story_a, key(100, "p1", 1));
    EXPECT_FALSE(again.verdict.duplicate_of);
    EXPECT_TRUE(again.corrections.empty());
    const auto again2 = f.add(story_a_edited, key(101, "p2", 1));
    EXPECT_EQ(again2.verdict.duplicate_of, make_article_id("p1", 1));
    EXPECT_EQ(again2.verdict.revision, 0);
    EXPECT_TRUE(again2.corrections.empty());
  }
  EXPECT_EQ(f.index.stats().articles, 2u);
}

TEST(dedup, an_older_copy_becomes_canonical_and_corrects_every_member) {
  fixture f;
  const std::string x = std::string(story_a);
  f.add(x, key(100, "x1", 1));
  f.add(x + "会议还对近期防汛工作作了安排，要求各地提前检修排灌设施。", key(101, "x2", 1));
  const auto older = f.add(x, key(95, "x0", 1));
  EXPECT_EQ(older.corrections.size(), 2u);
  EXPECT_EQ(f.index.state_of(make_article_id("x1", 1))->duplicate_of, make_article_id("x0", 1));
  EXPECT_EQ(f.index.state_of(make_article_id("x2", 1))->duplicate_of, make_article_id("x0", 1));
  EXPECT_EQ(f.index.state_of(make_article_id("x2", 1))->revision, 1);
}

TEST(dedup, an_article_near_two_clusters_joins_them_under_the_older_canonical) {
  // given two clusters that share nothing, and a later article that holds both texts
  // (J = 0.5 with each: linked to both at a threshold of 0.4)
  dedup_options o;
  o.threshold = 0.4;
  signer s(o);
  dedup_index index(o);
  const std::string x = std::string(story_a), y = std::string(story_b);
  auto add = [&](const std::string& body, order_key k) {
    return index.add(s.sign(make_article_id(k.page_id, k.ordinal), k, body));
  };
  add(x, key(100, "x1", 1));
  add(x + "会议还对近期防汛工作作了安排。", key(101, "x2", 1));
  add(y, key(90, "y1", 1));
  EXPECT_EQ(index.stats().clusters, 2u);
  // when the bridge arrives
  const auto bridge = add(x + y, key(110, "z1", 1));
  // then one cluster under the oldest canonical, and every member of the other corrected
  EXPECT_EQ(index.stats().clusters, 1u);
  EXPECT_EQ(bridge.verdict.duplicate_of, make_article_id("y1", 1));
  ASSERT_EQ(bridge.corrections.size(), 2u);
  for (const auto& c : bridge.corrections) {
    EXPECT_EQ(c.verdict.duplicate_of, make_article_id("y1", 1));
    EXPECT_EQ(c.verdict.revision, 1);
  }
}

// Short texts collide: two unrelated items of twenty characters can be identical after
// normalisation, and a page's title-only items all have the empty body. Below min_chars a text is
// never linked, not even to an identical one.
TEST(dedup, empty_and_short_texts_are_never_linked_not_even_to_identical_ones) {
  fixture f;
  f.add("", key(100, "p1", 1));
  f.add("临河县召开春耕生产推进会，部署春耕备耕工作。", key(100, "p1", 2));  // 20 characters normalised
  const auto empty = f.add("", key(101, "p2", 1));
  const auto same = f.add("临河县召开春耕生产推进会！部署春耕备耕工作", key(101, "p2", 2));
  EXPECT_FALSE(empty.verdict.duplicate_of);
  EXPECT_FALSE(empty.verdict.similarity);
  EXPECT_FALSE(same.verdict.duplicate_of);
  // nor when an older copy arrives later: nothing to correct
  const auto older = f.add("临河县召开春耕生产推进会，部署春耕备耕工作。", key(90, "p0", 1));
  EXPECT_FALSE(older.verdict.duplicate_of);
  EXPECT_TRUE(older.corrections.empty());
  EXPECT_TRUE(f.add("", key(90, "p0", 2)).corrections.empty());
  EXPECT_EQ(f.index.stats().clusters, 6u);
  // and long texts are still linked, identical or near
  f.add(story_a, key(100, "p1", 3));
  EXPECT_EQ(f.add(story_a, key(101, "p2", 3)).verdict.duplicate_of, make_article_id("p1", 3));
  EXPECT_EQ(f.add(story_a_edited, key(102, "p3", 1)).verdict.duplicate_of, make_article_id("p1", 3));
}

// Records from the signatures topic carry the normalised length: a short one written by any
// worker is left alone whatever its content hash.
TEST(dedup, a_short_record_with_the_content_hash_of_another_is_not_linked) {
  dedup_index index;
  signature_record r;
  r.key = key(100, "p1", 1);
  r.article_id = make_article_id("p1", 1);
  r.content_hash = 42;
  r.normalized_chars = 49;
  index.add(r);
  r.key = key(101, "p2", 1);
  r.article_id = make_article_id("p2", 1);
  EXPECT_FALSE(index.add(r).verdict.duplicate_of);
  r.normalized_chars = 0;
  r.key = key(102, "p3", 1);
  r.article_id = make_article_id("p3", 1);
  EXPECT_FALSE(index.add(r).verdict.duplicate_of);
  EXPECT_EQ(index.stats().clusters, 3u);
}

TEST(dedup, evicts_the_oldest_event_days_beyond_capacity_and_horizon) {
  dedup_options o;
  o.capacity = 2;
  o.horizon_days = 10;
  signer s(o);
  dedup_index index(o);
  index.add(s.sign(make_article_id("a", 1), key(100, "a", 1), story_a));
  index.add(s.sign(make_article_id("b", 1), key(101, "b", 1), story_b));
  index.add(s.sign(make_article_id("c", 1), key(102, "c", 1), "北岭区三座城市书房投用。"));
  EXPECT_EQ(index.stats().articles, 2u);
  EXPECT_FALSE(index.state_of(make_article_id("a", 1)));
  index.add(s.sign(make_article_id("d", 1), key(120, "d", 1), "西塘镇花海迎客。"));
  EXPECT_EQ(index.stats().articles, 1u);  // days 101 and 102 are more than 10 days behind 120
  EXPECT_EQ(index.stats().evicted, 3u);
}

// A full index's band tables are at half load whatever capacity it has, however the doubling
// while it filled happened to land (a full index of 1,000,000 once ran at 58 %, and its spilled
// entries slowed every addition).
TEST(dedup, a_full_index_runs_its_band_tables_at_half_load) {
  for (const std::size_t capacity : {3'000u, 20'000u, 50'000u, 120'000u}) {
    dedup_options o;
    o.capacity = capacity;
    o.horizon_days = 100000;
    dedup_index index(o);
    std::mt19937_64 rng(capacity);
    for (std::size_t n = 0; n < capacity + capacity / 4; ++n) {
      signature_record r;
      r.key = key(19000, "load-page-" + std::to_string(n / 8), static_cast<int>(n % 8) + 1);
      r.article_id = make_article_id(r.key.page_id, r.key.ordinal);
      r.content_hash = rng();
      r.normalized_chars = 600;
      r.signature.resize(static_cast<std::size_t>(o.num_hashes));
      for (auto& v : r.signature) v = static_cast<std::uint32_t>(rng());
      index.add(r);
    }
    const auto stats = index.stats();
    EXPECT_EQ(stats.articles, capacity);
    EXPECT_LE(stats.band_load, 0.5) << capacity;
    EXPECT_GT(stats.band_load, 0.49) << capacity;
  }
}

// The high 16 bits of each value: what a record keeps, and all an index compares.
std::vector<std::uint32_t> high_halves(std::vector<std::uint32_t> values) {
  for (auto& v : values) v &= 0xFFFF0000u;
  return values;
}

TEST(dedup, signature_records_round_trip_and_refuse_corruption) {
  dedup_options o;
  signer s(o);
  const signature_record rec = s.sign(make_article_id("p1", 1), key(100, "p1", 1), story_a);
  ASSERT_EQ(rec.signature.size(), 128u);
  const std::string bytes = rec.encode();
  EXPECT_EQ(bytes.size(), 4 + 1 + 4 + 4 + 4 + 8 + 4 + (2 + 2) + (2 + 20) + 2 + 128 * 2 + 8);
  auto back = signature_record::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->article_id, rec.article_id);
  EXPECT_EQ(back->key, rec.key);
  EXPECT_EQ(back->signature, high_halves(rec.signature));
  EXPECT_EQ(back->content_hash, rec.content_hash);
  std::string corrupt = bytes;
  corrupt[20] ^= 1;
  EXPECT_FALSE(signature_record::decode(corrupt));
  EXPECT_FALSE(signature_record::decode(bytes.substr(0, bytes.size() - 3)));
  EXPECT_FALSE(signature_record::decode(""));
  std::string other_format = bytes;
  other_format[4] = 4;
  const auto refused = signature_record::decode(other_format);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("format 4 unsupported"), std::string::npos) << refused.error().message;
}

// A record of formats 1 and 2, written here byte by byte as those versions laid it out: 32-bit
// signature values, then the checksum (format 1: hash_bytes, format 2: hash_words).
std::string old_format_record(const signature_record& r, std::uint8_t format) {
  std::string out = "BSG1";
  const auto put = [&out](auto v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(format);
  put(std::uint32_t{1});  // signature scheme
  put(r.key.event_day);
  put(static_cast<std::uint32_t>(r.key.ordinal));
  put(r.content_hash);
  put(r.normalized_chars);
  put(static_cast<std::uint16_t>(r.key.page_id.size()));
  out += r.key.page_id;
  put(static_cast<std::uint16_t>(r.article_id.size()));
  out += r.article_id;
  put(static_cast<std::uint16_t>(r.signature.size()));
  for (const std::uint32_t v : r.signature) put(v);
  put(format == 1 ? internal::hash_bytes(out) : internal::hash_words(out));
  return out;
}

TEST(dedup, format_1_and_2_signature_records_still_decode) {
  // Records written before format 3 stay in the compacted topic; a worker must keep reading them.
  dedup_options o;
  signer s(o);
  const signature_record rec = s.sign(make_article_id("p1", 1), key(100, "p1", 1), story_a);
  for (const std::uint8_t format : {1, 2}) {
    std::string old = old_format_record(rec, format);
    auto back = signature_record::decode(old);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->signature, rec.signature);  // all 32 bits
    EXPECT_EQ(back->article_id, rec.article_id);
    EXPECT_EQ(back->key, rec.key);
    old[20] ^= 1;
    EXPECT_FALSE(signature_record::decode(old));
  }
  // An index decides alike from any format.
  fixture f;
  const auto id = make_article_id("p2", 1);
  const auto near = f.sign.sign(id, key(101, "p2", 1), story_a_edited);
  f.index.add(*signature_record::decode(old_format_record(rec, 2)));
  const auto from_old = f.index.add(*signature_record::decode(near.encode()));
  EXPECT_EQ(from_old.verdict.duplicate_of, rec.article_id);
}

TEST(dedup, the_record_checksum_is_fixed_and_sees_every_byte) {
  // Pinned: format 2 records carry it.
  EXPECT_EQ(internal::hash_words("broadsheet signature"), 0xc79eb0f7cd2ebc85ULL) << std::hex << internal::hash_words("broadsheet signature");
  const std::string text(37, 'x');
  const std::uint64_t base = internal::hash_words(text);
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = text;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      ASSERT_NE(internal::hash_words(changed), base) << i << " " << bit;
    }
  }
  EXPECT_NE(internal::hash_words(text.substr(0, 36)), base);
  EXPECT_NE(internal::hash_words(text + std::string(1, '\0')), base);  // zero padding is not length
}

TEST(dedup, snapshot_restores_the_same_decisions_and_refuses_bad_images) {
  fixture f;
  f.add(story_a, key(100, "p1", 1));
  f.add(story_a_edited, key(101, "p2", 1));
  f.add(story_b, key(102, "p3", 1));
  f.add("北岭区三座城市书房投用。", key(102, "p3", 2));
  const std::string image = f.index.save();
  auto loaded = dedup_index::load(image, f.options);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->stats().articles, 4u);
  EXPECT_EQ(loaded->state_of(make_article_id("p2", 1))->duplicate_of, make_article_id("p1", 1));
  // A short text stays unlinkable in the restored index.
  EXPECT_FALSE(loaded->add(f.sign.sign(make_article_id("p4", 1), key(103, "p4", 1), "北岭区三座城市书房投用。"))
                   .verdict.duplicate_of);
  // The restored index decides as the original does.
  const auto a = f.index.add(f.sign.sign(make_article_id("p0", 1), key(99, "p0", 1), story_a));
  const auto b = loaded->add(f.sign.sign(make_article_id("p0", 1), key(99, "p0", 1), story_a));
  EXPECT_EQ(a.corrections.size(), b.corrections.size());
  EXPECT_EQ(a.corrections.size(), 2u);

  std::string corrupt = image;
  corrupt[corrupt.size() / 2] ^= 0x40;
  EXPECT_FALSE(dedup_index::load(corrupt, f.options));
  EXPECT_FALSE(dedup_index::load(image.substr(0, image.size() - 10), f.options));
  EXPECT_FALSE(dedup_index::load("not an image", f.options));
  dedup_options other = f.options;
  other.num_hashes = 64;
  auto incompatible = dedup_index::load(image, other);
  ASSERT_FALSE(incompatible);
  EXPECT_NE(incompatible.error().message.find("other parameters"), std::string::npos);
}

// Format 1 did not tell a short entry from one linked by its content alone: loading it would
// link short texts again.
TEST(dedup, a_snapshot_of_format_1_is_refused) {
  fixture f;
  f.add(story_a, key(100, "p1", 1));
  std::string image = f.index.save();
  const std::size_t version_at = 8;  // after the magic "BSDXIDX1"
  ASSERT_EQ(image[version_at], 2);
  image[version_at] = 1;
  const std::uint64_t checksum = internal::hash_bytes(std::string_view(image).substr(0, image.size() - 8));
  std::memcpy(image.data() + image.size() - 8, &checksum, 8);
  const auto loaded = dedup_index::load(image, f.options);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("format 1 unsupported"), std::string::npos) << loaded.error().message;
}

// Exact copies share one set of band cells (the first copy's); when that copy is evicted the
// next one takes the cells over, so a later near-copy still finds the remaining copies.
TEST(dedup, a_near_copy_finds_exact_copies_after_the_first_copy_is_evicted) {
  fixture f{dedup_options{.capacity = 3, .horizon_days = 1000}};
  auto& index = f.index;
  const auto add = [&](std::string_view body, order_key k) { return f.add(body, std::move(k)); };
  add(story_a, key(100, "a", 1));
  add(story_a, key(101, "b", 1));
  add(story_a, key(102, "c", 1));
  add(story_b, key(103, "d", 1));  // over capacity: "a", the copy with the cells, goes
  ASSERT_FALSE(index.state_of(make_article_id("a", 1)));
  add("西塘镇花海迎客，游客在油菜花田间游玩。", key(104, "f", 1));  // and then "b"
  ASSERT_FALSE(index.state_of(make_article_id("b", 1)));
  EXPECT_EQ(index.stats().indexed, 2u);  // "c" (for itself now) and "d"; "f" is too short
  const auto near = add(story_a_edited, key(105, "e", 1));
  // Found through "c"'s cells; the cluster's canonical is still the first copy, evicted or not.
  EXPECT_EQ(near.verdict.duplicate_of, make_article_id("a", 1));
}

// Reserving room changes the tables' sizes, never a decision.
TEST(dedup, an_index_with_room_reserved_decides_as_one_that_grows) {
  const auto corpus = broadsheet::testing::make_corpus({.stories = 1200, .reprinted = 0.5, .seed = 8});
  fixture grows, reserved;
  reserved.index.reserve(corpus.articles.size());
  for (const auto& a : corpus.articles) {
    const auto k = key(a.key.event_day, a.key.page_id, a.key.ordinal);
    const auto x = grows.add(a.body, k);
    const auto y = reserved.add(a.body, k);
    ASSERT_EQ(x.verdict.duplicate_of, y.verdict.duplicate_of) << a.key.page_id;
    ASSERT_EQ(x.corrections.size(), y.corrections.size());
  }
  EXPECT_LE(reserved.index.stats().band_load, 0.5);
  EXPECT_LT(reserved.index.stats().band_load, grows.index.stats().band_load);
}

TEST(dedup, a_snapshot_larger_than_the_capacity_loads_matches_near_copies_and_evicts_down) {
  // Band cells pack the slot with a fingerprint sized to the capacity; an image holding more
  // articles than the loading index's capacity must still fit and be found.
  fixture f;
  const auto corpus = broadsheet::testing::make_corpus({.stories = 60, .reprinted = 0, .seed = 3});
  for (const auto& a : corpus.articles) f.add(a.body, key(100, a.key.page_id, a.key.ordinal));
  f.add(story_a, key(101, "p1", 1));
  dedup_options small = f.options;
  small.capacity = 4;
  auto loaded = dedup_index::load(f.index.save(), small);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->stats().articles, corpus.articles.size() + 1);
  const auto edited = loaded->add(f.sign.sign(make_article_id("p2", 1), key(102, "p2", 1), story_a_edited));
  EXPECT_EQ(edited.verdict.duplicate_of, make_article_id("p1", 1));  // through the bands: the texts differ
  EXPECT_LE(loaded->stats().articles, 4u);
}

TEST(dedup, a_text_reprinted_thousands_of_times_neither_hangs_nor_hides_its_near_copies) {
  // 5000 identical copies share every band key: more than a band bucket's probe range holds.
  fixture f;
  for (int i = 0; i < 5000; ++i) {
    const auto out = f.add(story_a, key(100 + i % 25, "copy-" + std::to_string(i), 1));
    if (i > 0) {
      ASSERT_EQ(out.verdict.duplicate_of, make_article_id("copy-0", 1)) << i;
    }
  }
  EXPECT_EQ(f.add(story_a_edited, key(130, "edited", 1)).verdict.duplicate_of, make_article_id("copy-0", 1));
  EXPECT_FALSE(f.add(story_b, key(130, "other", 1)).verdict.duplicate_of);
  EXPECT_EQ(f.index.stats().clusters, 2u);
}

TEST(dedup, event_days_come_from_dates) {
  EXPECT_EQ(event_day_of("1970-01-01"), 0);
  EXPECT_EQ(event_day_of("2025-03-18"), 20165);
  EXPECT_EQ(event_day_of("2024-10-01T06:00:00+08:00"), 19997);
  EXPECT_FALSE(event_day_of("2025-02-30"));
  EXPECT_FALSE(event_day_of("soon"));
}

}  // namespace
}  // namespace broadsheet::pipeline
