// Items built from the chosen reading (pipeline/segmenter_items.cpp): fields and text.
#include <gtest/gtest.h>

#include "pipeline/page_cleaner.h"
#include "pipeline/reflow.h"
#include "pipeline/segmenter.h"

namespace broadsheet::pipeline {
namespace {

segmented_page segmented(std::string_view text) {
  page_cleaner cleaner;
  auto cleaned = cleaner.clean(text);
  EXPECT_TRUE(cleaned);
  return segment(reflow(cleaned->lines), cleaned->default_photographers);
}

TEST(segmenter_items, keeps_a_dated_first_paragraph_printed_twice_once) {
  // given: a headline, its dated first paragraph, the same paragraph again, then the text: the
  // dateline goes to its field, and the second print adds nothing
  const auto page = segmented(
      "北岭区新建三座城市书房\n\n"
      "本报北岭3月2日电（记者林晓雨）北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅。\n\n"
      "本报北岭3月2日电（记者林晓雨）北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅。\n\n"
      "书房每天开放到晚上九点，节假日不休息。\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].dateline, "本报北岭3月2日电");
  EXPECT_EQ(page.items[0].paragraphs,
            (std::vector<std::string>{"北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅。",
                                      "书房每天开放到晚上九点，节假日不休息。"}));
}

}  // namespace
}  // namespace broadsheet::pipeline
