#include "pipeline/topic_words.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

struct numbered {
  std::vector<std::uint16_t> numbers;
  std::vector<std::uint32_t> han_ends;
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
  EXPECT_EQ((std::vector<std::uint16_t>{0, 1, 2}), first.numbers);
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
  EXPECT_EQ((std::vector<std::uint16_t>{0, 1, 2}), next.numbers);
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
  EXPECT_EQ((std::vector<std::uint32_t>{2, 4, 6}), n.han_ends);
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
  std::vector<std::uint16_t> numbers;
  std::vector<std::uint32_t> han_ends;
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
