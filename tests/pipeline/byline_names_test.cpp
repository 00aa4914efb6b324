#include "pipeline/internal/byline_names.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline::internal {
namespace {

using names = std::vector<std::string>;

TEST(byline_names, reads_the_longest_role_keyword) {
  EXPECT_EQ(role_at("见习记者 孙一").size, std::string_view("见习记者").size());
  const role_match photo = role_at("摄影记者许安然");
  EXPECT_EQ(photo.size, std::string_view("摄影记者").size());
  EXPECT_EQ(photo.r, role::photographer);
  EXPECT_EQ(role_at("本报通讯员周明远").r, role::correspondent);
}

TEST(byline_names, reads_a_head_noun_after_the_papers_own_words_or_before_a_space) {
  EXPECT_EQ(role_at("本报驻站记者林晓雨").size, std::string_view("本报驻站记者").size());
  const role_match writer = role_at("特约撰稿人 王立新");
  EXPECT_EQ(writer.size, std::string_view("特约撰稿人").size());
  EXPECT_EQ(writer.r, role::author);
  // without the paper's name and without a space after the head: a place or a name before it
  EXPECT_EQ(role_at("网点记者从会上获悉").size, 0u);
  EXPECT_EQ(role_at("郭明通讯员赵小青").size, 0u);
  EXPECT_EQ(role_at("林晓雨").size, 0u);
}

TEST(byline_names, reads_only_a_keyword_or_the_papers_own_role_right_after_a_name) {
  EXPECT_EQ(role_at("通讯员赵小青", glued_to_a_name).size, std::string_view("通讯员").size());
  EXPECT_EQ(role_at("本报特派记者许安然", glued_to_a_name).size, std::string_view("本报特派记者").size());
  EXPECT_EQ(role_at("驻站记者 孙一", glued_to_a_name).size, 0u);
  EXPECT_EQ(role_at("驻站记者 孙一").size, std::string_view("驻站记者").size());
}

TEST(byline_names, parses_names_under_their_roles) {
  // given: names between roles, with and without the layout's spaces
  byline b;
  // when
  const bool parsed = parse_names("记者郭明通讯员赵小青 见习记者孙一", role::reporter, {}, b);
  // then
  ASSERT_TRUE(parsed);
  EXPECT_EQ(b.reporters, (names{"郭明", "孙一"}));
  EXPECT_EQ(b.correspondents, names{"赵小青"});
}

TEST(byline_names, gives_names_before_any_keyword_the_default_role) {
  byline b;
  ASSERT_TRUE(parse_names("许安然 周明远", role::photographer, {}, b));
  EXPECT_EQ(b.photographers, (names{"许安然", "周明远"}));
}

TEST(byline_names, rejects_what_is_not_names) {
  byline b;
  EXPECT_FALSE(parse_names("记者 孙", role::reporter, {}, b));                   // one character
  EXPECT_FALSE(parse_names("记者从会上获悉，今年以来", role::reporter, {}, b));  // a sentence
  EXPECT_FALSE(parse_names("记者", role::reporter, {}, b));                      // no name
  EXPECT_FALSE(parse_names("林晓雨", role::reporter, {.require_keyword = true}, b));
  EXPECT_TRUE(parse_names("林晓雨", role::reporter, {}, b));
}

TEST(byline_names, cuts_two_glued_names_only_when_told) {
  byline glued;
  ASSERT_TRUE(
      parse_names("本报记者周明远许安然", role::reporter, {.require_keyword = true, .glued_pairs = true}, glued));
  EXPECT_EQ(glued.reporters, (names{"周明远", "许安然"}));
  byline plain;
  EXPECT_FALSE(parse_names("本报记者周明远许安然", role::reporter, {}, plain));
}

TEST(byline_names, reads_a_compilers_names_without_the_compiled) {
  EXPECT_EQ(without_compiled("本报记者林晓雨整理"), "本报记者林晓雨");
  EXPECT_EQ(without_compiled("本报记者 林晓雨 许安然 采访整理"), "本报记者 林晓雨 许安然");
  EXPECT_EQ(without_compiled("本报记者林晓雨"), "本报记者林晓雨");
  EXPECT_EQ(without_compiled("整理"), "");
}

}  // namespace
}  // namespace broadsheet::pipeline::internal
