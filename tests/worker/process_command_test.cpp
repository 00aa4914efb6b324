#include "worker/process_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include <gtest/gtest.h>

#include "pipeline/article.h"

namespace broadsheet::worker {
namespace {

namespace fs = std::filesystem;

std::string slurp(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) s.append(buf, n);
  return s;
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("broadsheet-test-" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& content) const {
    std::ofstream(path / name, std::ios::binary) << content;
    return path / name;
  }
};

// Two pages printing one story, the later edition first: when the earlier page comes, its
// article is the canonical one and the later page's article is corrected.
fs::path reprint_pages(const temp_dir& dir) {
  const std::string story =
      "临河县召开推进会\\n\\n本报讯（记者林晓雨）三月十七日，临河县召开春耕生产推进会，部署全县春耕备耕工作。"
      "会议指出，今年全县粮食播种面积稳定在四十二万亩以上，各乡镇要抓紧抓实农资储备、农机检修和技术培训。";
  return dir.write("pages.jsonl", R"({"page_id":"later","edition_date":"2025-03-20","text":")" + story + "\"}\n" +
                                      R"({"page_id":"earlier","edition_date":"2025-03-18","text":")" + story + "\"}\n");
}

TEST(process_command, writes_articles_for_good_records_and_one_error_line_per_bad_record) {
  temp_dir dir;
  const auto jsonl =
      dir.write("pages.jsonl", R"({"page_id":"a","text":"临河县召开推进会\n\n本报讯（记者林晓雨）昨日，会议召开。"})"
                               "\n\nnot json\n"
                               R"({"page_id":"b","text":""})"
                               "\n");
  const auto txt = dir.write("page-c.txt", "北岭区书房投用\n\n本报讯（记者许安然）三座书房投用。\n");
  process_options options;
  options.inputs = {jsonl.string(), txt.string()};
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const process_stats stats = run_process(options, out, err);
  EXPECT_EQ(stats.pages, 4u);
  EXPECT_EQ(stats.rejected, 2u);
  EXPECT_EQ(stats.items, 2u);
  EXPECT_FALSE(stats.input_missing);

  const std::string articles = slurp(out);
  EXPECT_NE(articles.find(R"("page_id":"a")"), std::string::npos);
  EXPECT_NE(articles.find(R"("page_id":"page-c.txt")"), std::string::npos);
  EXPECT_EQ(std::count(articles.begin(), articles.end(), '\n'), 2);

  const std::string errors = slurp(err);
  EXPECT_NE(errors.find(R"({"page_id":null,"error":"invalid_json")"), std::string::npos) << errors;
  EXPECT_NE(errors.find(R"({"page_id":"b","error":"empty_text")"), std::string::npos) << errors;
  EXPECT_NE(errors.find("pages.jsonl:3"), std::string::npos) << errors;
  std::fclose(out);
  std::fclose(err);
}

TEST(process_command, marks_reprints_and_writes_corrections_when_an_older_page_comes_later) {
  temp_dir dir;
  const auto jsonl = reprint_pages(dir);
  process_options options;
  options.inputs = {jsonl.string()};
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const process_stats stats = run_process(options, out, err);
  EXPECT_EQ(stats.corrections, 1u);
  const std::string lines = slurp(out);
  // three lines: later (canonical at first), earlier (canonical), later again as a correction
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 3);
  const std::string later_id = pipeline::make_article_id("later", 1),
                    earlier_id = pipeline::make_article_id("earlier", 1);
  const auto last = lines.rfind("{\"article_id\"");
  EXPECT_NE(lines.find("\"article_id\":\"" + later_id + "\",\"revision\":1", last), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"duplicate_of\":\"" + earlier_id + "\"", last), std::string::npos) << lines;

  options.dedup = false;
  std::FILE* out2 = std::tmpfile();
  EXPECT_EQ(run_process(options, out2, err).corrections, 0u);
  const std::string plain = slurp(out2);
  EXPECT_EQ(plain.find("\"duplicate_of\":\""), std::string::npos);
  std::fclose(out);
  std::fclose(out2);
  std::fclose(err);
}

// What a run over the reprint pages wrote to stdout, and its counts.
std::pair<process_stats, std::string> run_on_reprints(process_options options) {
  temp_dir dir;
  options.inputs = {reprint_pages(dir).string()};
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const process_stats stats = run_process(options, out, err);
  std::string text = slurp(out);
  std::fclose(out);
  std::fclose(err);
  return {stats, std::move(text)};
}

TEST(process_command, holds_only_its_cache_bytes_of_articles_for_corrections) {
  // given a reprint, and a cache too small to hold more than the newest article
  process_options options;
  options.cache_bytes = 1;
  const auto [stats, lines] = run_on_reprints(options);
  // then the later article, no longer held, is not corrected here: it is counted as missed
  EXPECT_EQ(stats.corrections, 0u);
  EXPECT_EQ(stats.corrections_missed, 1u);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
}

TEST(process_command, pretty_output_writes_a_correction_as_a_line_of_its_own) {
  process_options options;
  options.pretty = true;
  const auto [stats, text] = run_on_reprints(options);
  EXPECT_EQ(stats.corrections, 1u);
  const std::string later_id = pipeline::make_article_id("later", 1),
                    earlier_id = pipeline::make_article_id("earlier", 1);
  EXPECT_NE(text.find("correction · " + later_id + " · revision 1 · duplicate of " + earlier_id), std::string::npos)
      << text;
}

TEST(process_command, over_all_fixture_pages_marks_the_planted_reprints_and_nothing_else) {
  // given every fixture page, plus a later page reprinting two of their stories: one verbatim
  // under a new headline, one with a sentence added
  temp_dir dir;
  const fs::path pages = fs::path(BROADSHEET_TEST_DATA) / "pages";
  process_options options;
  for (const auto& e : fs::directory_iterator(pages)) {
    if (e.path().extension() == ".txt") options.inputs.push_back(e.path().string());
  }
  std::sort(options.inputs.begin(), options.inputs.end());
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  run_process(options, out, err);
  const std::string originals = slurp(out);
  EXPECT_EQ(originals.find("\"duplicate_of\":\""), std::string::npos) << "fixture pages hold no reprints";

  // the bodies of the 2nd and 5th article records, reprinted
  std::vector<std::string> bodies;
  for (std::size_t at = originals.find("\"body\":\""); at != std::string::npos;
       at = originals.find("\"body\":\"", at + 1)) {
    const std::size_t start = at + 8, end = originals.find("\",\"captions\"", start);
    bodies.push_back(originals.substr(start, end - start));
  }
  ASSERT_GT(bodies.size(), 5u);
  const auto reprint =
      dir.write("reprint.jsonl", R"({"page_id":"zz-reprint","text":"新标题一\n\n本报讯（记者林晓雨）)" + bodies[1] +
                                     R"(\n\n新标题二\n\n本报讯（记者许安然）)" + bodies[4] +
                                     R"(另据了解，相关工作将持续推进。"})" + "\n");
  options.inputs.push_back(reprint.string());
  std::FILE* out2 = std::tmpfile();
  const process_stats stats = run_process(options, out2, err);
  // then exactly the two reprinted items are marked, and nothing is corrected
  EXPECT_EQ(stats.duplicates, 2u);
  EXPECT_EQ(stats.corrections, 0u);
  const std::string all = slurp(out2);
  std::size_t marked = 0;
  for (std::size_t at = all.find("\"duplicate_of\":\""); at != std::string::npos;
       at = all.find("\"duplicate_of\":\"", at + 1)) {
    ++marked;
  }
  EXPECT_EQ(marked, 2u);
  EXPECT_NE(all.find("\"page_id\":\"zz-reprint\""), std::string::npos);
  std::fclose(out);
  std::fclose(out2);
  std::fclose(err);
}

// A page that is only a headline gives a fragment holding that line (never an article with an
// empty body), and short items repeat by chance: neither is a reprint (dedup links only texts of
// min_chars and more).
TEST(process_command, never_marks_an_empty_or_short_body_as_a_reprint) {
  temp_dir dir;
  const std::string long_story =
      "本报讯（记者林晓雨）记者昨日从北岭区文化和旅游局获悉，该区今年新建的三座城市书房已全部投入使用，"
      "市民可凭身份证免费借阅图书，每天早八点半至晚九点开放。";
  std::string pages;
  for (const std::string day : {"2025-03-18", "2025-03-19"}) {
    pages += R"({"page_id":"title-only-)" + day + R"(","edition_date":")" + day +
             R"(","text":"北岭区新建三座城市书房"})"
             "\n";
    pages += R"({"page_id":"short-)" + day + R"(","edition_date":")" + day +
             R"(","text":"北岭区书房投用\n\n本报讯（记者许安然）三座书房投用。"})"
             "\n";
    pages += R"({"page_id":"long-)" + day + R"(","edition_date":")" + day + R"(","text":"北岭区新建三座城市书房\n\n)" +
             long_story +
             R"("})"
             "\n";
  }
  process_options options;
  options.inputs = {dir.write("pages.jsonl", pages).string()};
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const process_stats stats = run_process(options, out, err);
  EXPECT_EQ(stats.items, 6u);
  EXPECT_EQ(stats.duplicates, 1u);  // the long story's reprint only
  const std::string all = slurp(out);
  EXPECT_EQ(all.find(R"("body":"",)"), std::string::npos) << "no item without text";
  EXPECT_NE(all.find(R"("kind":"fragment","title":null)"), std::string::npos) << "the headline-only page's line";
  EXPECT_NE(all.find(R"("duplicate_of":")" + pipeline::make_article_id("long-2025-03-18", 1) + R"(")"),
            std::string::npos);
  std::fclose(out);
  std::fclose(err);
}

TEST(process_command, reports_an_unreadable_file_as_a_usage_problem) {
  process_options options;
  options.inputs = {"/nonexistent/broadsheet/pages.jsonl"};
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  EXPECT_TRUE(run_process(options, out, err).input_missing);
  std::fclose(out);
  std::fclose(err);
}

}  // namespace
}  // namespace broadsheet::worker
