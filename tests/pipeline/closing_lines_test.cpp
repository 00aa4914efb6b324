#include "pipeline/closing_lines.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/byline.h"

namespace broadsheet::pipeline {
namespace {

using names = std::vector<std::string>;

// Who compiled a text signs it with a role, names and 整理: a closing line at its end, unbracketed
// as in brackets; under its headline the same line is read as its byline, names only.
TEST(closing_lines, reads_a_compilers_line_as_a_sign_off_with_names) {
  EXPECT_TRUE(is_closing_line("本报记者林晓雨整理"));
  EXPECT_TRUE(is_closing_line("本报记者 林晓雨 许安然 采访整理"));
  EXPECT_TRUE(is_closing_line("（本报记者林晓雨整理）"));
  EXPECT_FALSE(is_closing_line("本报记者林晓雨"));
  EXPECT_FALSE(is_closing_line("会后各单位认真整理"));
  EXPECT_FALSE(is_closing_line("整理"));
  EXPECT_EQ(match_byline_line("本报记者林晓雨整理")->reporters, names{"林晓雨"});
  EXPECT_EQ(match_byline_line("本报记者 林晓雨 许安然 采访整理")->reporters, (names{"林晓雨", "许安然"}));
}

TEST(closing_lines, reads_author_notes) {
  EXPECT_EQ(match_author_note("（作者为临河县委书记）"), "临河县委书记");
  EXPECT_FALSE(match_author_note("（作者为临河县委书记）后文"));
  EXPECT_FALSE(match_author_note("（记者林晓雨）"));
}

}  // namespace
}  // namespace broadsheet::pipeline
