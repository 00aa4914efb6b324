#include "worker/text_render.h"

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

TEST(text_render, shows_kind_headline_names_and_paragraphs) {
  pipeline::article a;
  a.page_id = "qc-A01";
  a.ordinal = 2;
  a.article_id = "0123456789abcdef-002";
  a.kind = pipeline::item_kind::photo;
  a.title = "西塘镇花海迎客";
  a.names.photographers = {"许安然", "林晓雨"};
  a.paragraphs = {"3月16日，游客在花田游玩。"};
  a.char_count = 14;
  std::string out;
  append_readable(out, a);
  EXPECT_NE(out.find("qc-A01 #2 · photo · 0123456789abcdef-002"), std::string::npos) << out;
  EXPECT_NE(out.find("标题 西塘镇花海迎客"), std::string::npos);
  EXPECT_NE(out.find("摄影 许安然、林晓雨"), std::string::npos);
  EXPECT_NE(out.find("    3月16日，游客在花田游玩。\n"), std::string::npos);
  EXPECT_EQ(out.find("记者"), std::string::npos);  // empty lists are not shown
}

}  // namespace
}  // namespace broadsheet::worker
