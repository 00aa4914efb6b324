// STYLE.md §1: pipeline/ is a library that knows nothing of Kafka, metrics or logging, and never
// prints, exits or aborts. This test reads every source file under pipeline/ and fails on a
// forbidden include or call.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

TEST(dependency_rule, pipeline_includes_no_kafka_metrics_or_logging_and_never_prints) {
  const std::filesystem::path root = std::filesystem::path(BROADSHEET_SOURCE_DIR) / "pipeline";
  const std::regex forbidden(
      R"((#include\s*[<"](librdkafka|rdkafka|prometheus|spdlog|fmt/|iostream|worker/))|)"
      R"(std::(cout|cerr|clog|exit|abort)\b|\b(printf|puts|fprintf)\s*\(|\babort\s*\(|\bexit\s*\()");
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      EXPECT_FALSE(std::regex_search(line, forbidden)) << entry.path() << ":" << number << ": " << line;
    }
  }
  EXPECT_GT(files, 10);
}

}  // namespace
