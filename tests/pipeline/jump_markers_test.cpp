#include "pipeline/jump_markers.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

TEST(jump_markers, reads_continuation_and_jump_markers) {
  const std::string p = "(上接A01版①)助力发展。";
  auto m = match_continuation(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->from, "A01版①");
  EXPECT_EQ(p.substr(m->body_offset), "助力发展。");
  EXPECT_EQ(match_continuation("（上接第一版）")->from, "第一版");
  EXPECT_FALSE(match_continuation("（记者林晓雨）"));

  const std::string jump = "项目建设全面提速。（下转A03版）";
  EXPECT_EQ(jump.substr(0, find_jump_marker(jump)), "项目建设全面提速。");
  EXPECT_EQ(find_jump_marker("全面提速（记者林晓雨）"), std::string_view::npos);
}

}  // namespace
}  // namespace broadsheet::pipeline
