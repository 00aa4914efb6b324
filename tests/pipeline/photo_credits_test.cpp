#include "pipeline/photo_credits.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

using names = std::vector<std::string>;

TEST(photo_credits, reads_photo_credits_alone_and_after_a_caption) {
  auto alone = match_photo_credit("本报记者 许安然 摄");
  ASSERT_TRUE(alone);
  EXPECT_EQ(alone->photographers, names{"许安然"});
  EXPECT_EQ(alone->caption_end, 0u);

  const std::string caption = "3月16日，游客在花田游玩。 本报记者 许安然 摄";
  auto inline_credit = match_photo_credit(caption);
  ASSERT_TRUE(inline_credit);
  EXPECT_EQ(caption.substr(0, inline_credit->caption_end), "3月16日，游客在花田游玩。");

  EXPECT_EQ(match_photo_credit("春光。 诗远 摄")->photographers, names{"诗远"});
  EXPECT_FALSE(match_photo_credit("游客们纷纷拿出手机拍摄"));
}

TEST(photo_credits, reads_the_page_default_photo_credit) {
  EXPECT_EQ(match_page_photo_note("（本版图片除署名外均由本报记者许安然摄）")->photographers, names{"许安然"});
  EXPECT_EQ(match_page_photo_note("本版图片除署名外均为本报记者许安然摄")->photographers, names{"许安然"});
  EXPECT_EQ(match_page_photo_note("（本版摄影：本报记者周明远）")->photographers, names{"周明远"});
  EXPECT_FALSE(match_page_photo_note("本版编辑说明"));
  EXPECT_FALSE(match_page_photo_note("（本版图片除署名外均由本报记者许安然摄）。后面还有正文"));
}

}  // namespace
}  // namespace broadsheet::pipeline
