// The five real pages in ../shared/seeds (skipped when that folder is absent). The project
// holds none of their text: expected headlines are named by their line numbers in the seed
// files and read from there at test time.

#include <gtest/gtest.h>

#include <map>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/reflow.h"
#include "tests/pipeline/page_test_support.h"

namespace broadsheet::pipeline {
namespace {

namespace fs = std::filesystem;

// Seed file prefix → headlines, each given as the seed's line numbers that print it.
const std::map<std::string, std::vector<std::vector<int>>> expected_headlines = {
    {"000", {{3}, {42}, {78}, {88}, {98}, {136}, {174}}},
    {"001", {{5}, {15}, {25}, {33}, {41}, {51}, {111}, {117}, {135}}},
    {"002", {{3}, {29}, {39}, {51}, {109}}},
    {"003", {{29}}},
    {"004", {{79, 80}, {179, 180}, {205}, {425}, {484}, {523}}},
};

// Compares headlines modulo layout: no white space or markdown marks, Chinese punctuation.
std::string comparable(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = internal::next_code_point(s, i);
    if (c == ' ' || c == '#' || c == 0x3000 || c == '\t') continue;
    if (c == '(') c = 0xFF08;
    if (c == ')') c = 0xFF09;
    if (c == ',') c = 0xFF0C;
    if (c == ':') c = 0xFF1A;
    internal::append_utf8(out, c);
  }
  return out;
}

std::vector<fs::path> seed_files() { return testing::files_with_extension(fs::path(BROADSHEET_SEEDS), ".txt"); }

std::vector<std::string> lines_of(const fs::path& p) {
  std::vector<std::string> lines;
  std::istringstream in(testing::read_file(p));
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

class seed_page : public ::testing::Test {
 protected:
  void SetUp() override {
    if (seed_files().empty()) GTEST_SKIP() << "no seed pages at " << BROADSHEET_SEEDS;
  }
};

TEST_F(seed_page, expected_headlines_are_found) {
  for (const auto& path : seed_files()) {
    const auto it = expected_headlines.find(path.filename().string().substr(0, 3));
    if (it == expected_headlines.end()) continue;
    SCOPED_TRACE(path.filename().string());
    auto items = testing::process_text_file(path);
    ASSERT_TRUE(items) << items.error().message;
    const auto lines = lines_of(path);
    for (const auto& numbers : it->second) {
      std::string headline;
      for (int n : numbers) headline += lines.at(n - 1);
      const std::string want = comparable(headline);
      const bool found = std::any_of(items->begin(), items->end(),
                                     [&](const article& a) { return a.title && comparable(*a.title) == want; });
      EXPECT_TRUE(found) << "no item titled like line(s) " << numbers.front() << ": " << headline;
    }
  }
}

TEST_F(seed_page, bodies_hold_no_furniture_datelines_or_markers) {
  for (const auto& path : seed_files()) {
    auto items = testing::process_text_file(path);
    ASSERT_TRUE(items);
    for (const auto& a : *items) {
      for (std::string_view bad : {"■", "星期", "热烈庆祝", "●", "上接", "本报讯", "新闻热线", "本版图片"}) {
        EXPECT_EQ(a.body.find(bad), std::string::npos) << path.filename() << " #" << a.ordinal << " has " << bad;
      }
      for (const auto& p : a.paragraphs) {
        EXPECT_FALSE(p.size() > 3 && p.substr(p.size() - 3) == "摄" && p.size() < 40)
            << path.filename() << " #" << a.ordinal << " keeps a credit: " << p;
      }
    }
  }
}

TEST_F(seed_page, no_space_between_two_cjk_characters_in_sentences) {
  for (const auto& path : seed_files()) {
    auto items = testing::process_text_file(path);
    ASSERT_TRUE(items);
    for (const auto& a : *items) {
      for (const auto& p : a.paragraphs) {
        if (!is_sentence_like(p)) continue;  // list lines and subheadings keep their separators
        char32_t before = 0;
        for (std::size_t i = 0; i < p.size();) {
          const char32_t c = internal::next_code_point(p, i);
          if (c == ' ' && is_cjk(before) && i < p.size()) {
            std::size_t j = i;
            EXPECT_FALSE(is_cjk(internal::next_code_point(p, j))) << path.filename() << " #" << a.ordinal << ": " << p;
          }
          before = c;
        }
      }
    }
  }
}

TEST_F(seed_page, no_line_break_inside_a_sentence) {
  for (const auto& path : seed_files()) {
    auto items = testing::process_text_file(path);
    ASSERT_TRUE(items);
    for (const auto& a : *items) {
      for (std::size_t k = 0; k + 1 < a.paragraphs.size(); ++k) {
        const std::string& p = a.paragraphs[k];
        if (!is_sentence_like(p) || visible_chars(p) <= 40) continue;  // headings, list lines
        const bool ends = ends_sentence(p) || p.substr(p.size() - 3) == "：";
        EXPECT_TRUE(ends) << path.filename() << " #" << a.ordinal << " paragraph " << k << " stops mid-sentence: …"
                          << p.substr(p.size() > 60 ? p.size() - 60 : 0);
      }
    }
  }
}

}  // namespace
}  // namespace broadsheet::pipeline
