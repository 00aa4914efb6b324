// The fixture pages in tests/data/pages/ (our own writing, each imitating layout damage seen on
// real pages) against what an editor expects of them: NN_slug.txt with NN_slug.expect.json
// (format in tests/data/pages/README.md). One test per page.

#include <gtest/gtest.h>
#include <simdjson.h>

#include "pipeline/article.h"
#include "tests/pipeline/page_test_support.h"

namespace broadsheet::pipeline {
namespace {

namespace fs = std::filesystem;
using testing::files_with_extension;

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& p : files_with_extension(fs::path(BROADSHEET_TEST_DATA) / "pages", ".txt")) {
    names.push_back(p.stem().string());
  }
  return names;
}

std::optional<std::string> string_field(simdjson::dom::object o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

std::vector<std::string> string_list(simdjson::dom::object o, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (o[key].get(a) != simdjson::SUCCESS) return out;
  for (auto e : a) out.emplace_back(std::string_view(e));
  return out;
}

std::string describe(const std::vector<article>& items) {
  std::string s;
  for (const auto& a : items) {
    s += "  #" + std::to_string(a.ordinal) + " " + std::string(to_string(a.kind)) + " " + a.title.value_or("(none)") +
         "\n";
  }
  return s;
}

class fixture_page : public ::testing::TestWithParam<std::string> {};

TEST_P(fixture_page, matches_what_an_editor_expects) {
  const fs::path dir = fs::path(BROADSHEET_TEST_DATA) / "pages";
  auto items = testing::process_text_file(dir / (GetParam() + ".txt"));
  ASSERT_TRUE(items) << items.error().message;

  simdjson::dom::parser parser;
  simdjson::dom::object expect;
  const std::string expect_text = testing::read_file(dir / (GetParam() + ".expect.json"));
  ASSERT_EQ(parser.parse(expect_text).get(expect), simdjson::SUCCESS) << "bad expect.json";

  simdjson::dom::array expected_items;
  ASSERT_EQ(expect["items"].get(expected_items), simdjson::SUCCESS);
  ASSERT_EQ(items->size(), expected_items.size()) << "items found:\n" << describe(*items);

  std::size_t k = 0;
  for (simdjson::dom::object e : expected_items) {
    const article& a = (*items)[k++];
    SCOPED_TRACE("item #" + std::to_string(a.ordinal) + " " + a.title.value_or("(no title)"));
    if (auto kind = string_field(e, "kind")) {
      EXPECT_EQ(to_string(a.kind), *kind);
    }
    for (auto [key, actual] : {std::pair{"title", &a.title}, std::pair{"subtitle", &a.subtitle},
                               std::pair{"kicker", &a.kicker}, std::pair{"section", &a.section},
                               std::pair{"dateline", &a.dateline}, std::pair{"continued_from", &a.continued_from}}) {
      if (auto v = string_field(e, key)) {
        EXPECT_EQ(actual->value_or("(null)"), *v) << key;
      }
    }
    for (auto [key, actual] : {std::pair{"reporters", &a.names.reporters},
                               std::pair{"correspondents", &a.names.correspondents},
                               std::pair{"photographers", &a.names.photographers},
                               std::pair{"authors", &a.names.authors}}) {
      simdjson::dom::element present;
      if (e[key].get(present) == simdjson::SUCCESS) {
        EXPECT_EQ(*actual, string_list(e, key)) << key;
      }
    }
    for (const auto& s : string_list(e, "body_contains")) {
      EXPECT_NE(a.body.find(s), std::string::npos) << "body lacks: " << s << "\nbody:\n" << a.body;
    }
    for (const auto& s : string_list(e, "body_not_contains")) {
      EXPECT_EQ(a.body.find(s), std::string::npos) << "body has: " << s;
    }
    std::uint64_t count = 0;
    if (e["paragraph_count"].get(count) == simdjson::SUCCESS) {
      EXPECT_EQ(a.paragraphs.size(), count) << "body:\n" << a.body;
    }
  }
  simdjson::dom::object root = expect;
  for (const auto& s : string_list(root, "page_body_never_contains")) {
    for (const auto& a : *items) {
      EXPECT_EQ(a.body.find(s), std::string::npos) << "#" << a.ordinal << " has " << s;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(pages, fixture_page, ::testing::ValuesIn(fixture_names()),
                         [](const auto& info) { return info.param; });

TEST(fixture_pages, there_are_at_least_fifteen) { EXPECT_GE(fixture_names().size(), 15u); }

}  // namespace
}  // namespace broadsheet::pipeline
