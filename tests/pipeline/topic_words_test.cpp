#include "pipeline/topic_words.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {
namespace {

struct numbered {
  topic_words::number_list numbers;
  topic_words::han_end_list han_ends;
  std::size_t han = 0;
};

numbered number(topic_words& words, std::string_view text) {
  numbered n;
  n.han = words.number_bigrams(text, n.numbers, n.han_ends);
  return n;
}

TEST(topic_words, numbers_each_bigram_of_a_page_once) {
  // given a page of two texts that share the bigram 春风
  topic_words words;
  words.start_page(64);
  // when
  const numbered first = number(words, "春风十里");
  const numbered second = number(words, "又是春风");
  // then the shared bigram has one number, the others each their own
  ASSERT_EQ(first.numbers.size(), 3u);
  ASSERT_EQ(second.numbers.size(), 3u);
  EXPECT_EQ(first.numbers[0], second.numbers[2]);
  EXPECT_EQ((topic_words::number_list{0, 1, 2}), first.numbers);
  EXPECT_EQ(second.numbers[0], 3u);
  EXPECT_EQ(second.numbers[1], 4u);
}

TEST(topic_words, a_new_page_numbers_its_bigrams_afresh) {
  // given a page that numbered some bigrams
  topic_words words;
  words.start_page(64);
  (void)number(words, "秋收冬藏");
  // when the next page starts with other words
  words.start_page(64);
  const numbered next = number(words, "冬藏秋收");
  // then its numbers start again at 0
  EXPECT_EQ((topic_words::number_list{0, 1, 2}), next.numbers);
}

TEST(topic_words, pairs_only_neighbouring_han_characters) {
  // given Han characters parted by punctuation, a space, Latin letters and digits
  topic_words words;
  words.start_page(128);
  // when
  const numbered n = number(words, "山水，田园 ab 城乡2025年");
  // then only 山水, 田园, 城乡 are bigrams; each ends at its second character's count
  EXPECT_EQ(n.han, 7u);
  EXPECT_EQ(n.numbers.size(), 3u);
  EXPECT_EQ((topic_words::han_end_list{2, 4, 6}), n.han_ends);
}

// What number_bigrams should make of a text on a page of its own, read by decoding every
// character: its Han characters, and for each bigram (two neighbouring Han characters) the count
// of Han characters up to its second one and the order in which its pair was first seen.
numbered decoded(std::string_view text) {
  numbered n;
  std::vector<std::pair<char32_t, char32_t>> seen;
  char32_t neighbour = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = internal::next_code_point(text, i);
    const bool han = is_han(c);
    n.han += han ? 1 : 0;
    if (han && neighbour != 0) {
      const std::pair<char32_t, char32_t> pair{neighbour, c};
      const auto it = std::find(seen.begin(), seen.end(), pair);
      n.numbers.push_back(static_cast<std::uint16_t>(it - seen.begin()));
      if (it == seen.end()) seen.push_back(pair);
      n.han_ends.push_back(static_cast<std::uint32_t>(n.han));
    }
    neighbour = han ? c : 0;
  }
  return n;
}

TEST(topic_words, reads_every_character_alike_wherever_the_text_ends) {
  // given Han characters of three bytes (the common ideographs from 一 to 龥, extension A under
  // their lead bytes and under others, 〇 々, a compatibility ideograph) and of four, kana and
  // hangul (counted as Han), and between them characters that are not Han of one, two, three
  // (wide punctuation, a hexagram among the ideographs' lead bytes) and four bytes
  const std::string text = "春风〇々，かな한국䷀㐀丽·é𠀀𠀁😀豈春风a1 。天地、天地䀀䶵一龥";
  // when each piece of it that starts and ends at a character is numbered on a page of its own
  // (so that each character is met both with four bytes left and among the last three)
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size();) {
    starts.push_back(i);
    (void)internal::next_code_point(text, i);
  }
  starts.push_back(text.size());
  topic_words words;
  for (std::size_t a = 0; a < starts.size(); ++a) {
    for (std::size_t b = a; b < starts.size(); ++b) {
      // (a copy of its own size: a sanitizer build tells a read past its end)
      const std::vector<char> copy(text.begin() + static_cast<std::ptrdiff_t>(starts[a]),
                                   text.begin() + static_cast<std::ptrdiff_t>(starts[b]));
      const std::string_view piece(copy.data(), copy.size());
      words.start_page(piece.size());
      const numbered n = number(words, piece);
      // then it reads what decoding it reads
      const numbered want = decoded(piece);
      ASSERT_EQ(n.han, want.han) << piece;
      ASSERT_EQ(n.numbers, want.numbers) << piece;
      ASSERT_EQ(n.han_ends, want.han_ends) << piece;
    }
  }
}

TEST(topic_words, numbers_texts_shorter_than_four_bytes) {
  // given texts of one to three bytes, and of two Han characters and one byte more
  topic_words words;
  words.start_page(64);
  // when / then: a Han character alone has no bigram; 春风 read with a byte after it has one
  EXPECT_EQ(number(words, "").han, 0u);
  EXPECT_EQ(number(words, "a").han, 0u);
  EXPECT_EQ(number(words, "é").han, 0u);
  const numbered one = number(words, "春");
  EXPECT_EQ(one.han, 1u);
  EXPECT_TRUE(one.numbers.empty());
  const numbered two = number(words, "春风a");
  EXPECT_EQ(two.han, 2u);
  EXPECT_EQ((topic_words::han_end_list{2}), two.han_ends);
  EXPECT_EQ(number(words, "春风").numbers, two.numbers);
}

TEST(topic_words, shares_a_fraction_of_the_first_bags_bigrams) {
  // given a title and a lead that holds half of its bigrams
  topic_words words;
  words.start_page(256);
  const numbered title = number(words, "古镇新貌");               // 古镇 镇新 新貌
  const numbered lead = number(words, "这座古镇的新貌吸引游客");  // 古镇 … 新貌 …
  const topic_words::bag t = words.bag_of(title.numbers);
  const topic_words::bag l = words.bag_of(lead.numbers);
  // when / then: two of the title's three bigrams are in the lead; an empty bag shares nothing
  EXPECT_DOUBLE_EQ(words.shared_fraction(t, l), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(words.shared_fraction(words.new_bag(), l), 0.0);
  // and a bag joined from others compares as the bag of all their bigrams
  const topic_words::bag both = words.new_bag();
  words.add(both, t);
  words.add(both, l);
  EXPECT_DOUBLE_EQ(words.shared_fraction(t, both), 1.0);
  EXPECT_DOUBLE_EQ(words.shared_fraction(both, l),
                   static_cast<double>(lead.numbers.size()) / (lead.numbers.size() + 1));
}

TEST(topic_words, joins_a_bag_and_more_numbers_into_the_bag_of_them_all) {
  // given a text's bigrams, numbered, and the bags of all of them and of the first few
  topic_words words;
  const std::string text = "河边的柳树发芽了，孩子们在草地上放风筝，老人坐在长椅上晒太阳。";
  words.start_page(text.size());
  topic_words::number_list numbers;
  topic_words::han_end_list han_ends;
  (void)words.number_bigrams(text, numbers, han_ends);
  const std::span<const std::uint16_t> all(numbers);
  const topic_words::bag whole = words.bag_of(all);
  const topic_words::bag head = words.bag_of(all.first(4));
  // when
  const topic_words::bag joined = words.joined_bag(head, all.subspan(4));
  const topic_words::bag unbased = words.joined_bag(topic_words::bag{}, all);
  // then both hold the same bigrams as the whole, and compare as it does
  for (const topic_words::bag b : {joined, unbased}) {
    EXPECT_DOUBLE_EQ(words.shared_fraction(b, whole), 1.0);
    EXPECT_DOUBLE_EQ(words.shared_fraction(whole, b), 1.0);
    EXPECT_DOUBLE_EQ(words.shared_fraction(b, head), words.shared_fraction(whole, head));
  }
}

}  // namespace
}  // namespace broadsheet::pipeline
