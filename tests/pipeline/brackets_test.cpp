#include "pipeline/internal/brackets.h"

#include <string_view>

#include <gtest/gtest.h>

namespace broadsheet::pipeline::internal {
namespace {

constexpr std::size_t npos = std::string_view::npos;

TEST(brackets, finds_a_wide_brackets_close_and_inside) {
  constexpr std::string_view s = "（上接A01版）正文";
  const std::size_t close = bracket_end(s, 0, 60);
  ASSERT_EQ(close, std::string_view("（上接A01版").size());
  EXPECT_EQ(bracket_inner(s, 0, close), "上接A01版");
  EXPECT_EQ(bracket_close_len(s, close), 3u);
}

TEST(brackets, finds_a_narrow_brackets_close_and_inside) {
  constexpr std::string_view s = "本报临河讯 (通讯员常青) 近日";
  const std::size_t open = s.find('(');
  const std::size_t close = bracket_end(s, open, 120);
  ASSERT_NE(close, npos);
  EXPECT_EQ(bracket_inner(s, open, close), "通讯员常青");
  EXPECT_EQ(bracket_close_len(s, close), 1u);
}

TEST(brackets, finds_no_close_where_no_bracket_opens_or_none_of_its_width_is_near) {
  EXPECT_EQ(bracket_end("正文（甲乙）", 0, 60), npos);
  EXPECT_EQ(bracket_end("（甲乙)", 0, 60), npos);  // a narrow close does not end a wide bracket
  EXPECT_EQ(bracket_end("（甲乙丙）", 0, 11), npos);
  EXPECT_EQ(bracket_end("（甲乙丙）", 0, 12), 12u);
}

}  // namespace
}  // namespace broadsheet::pipeline::internal
