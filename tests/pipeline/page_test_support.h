#pragma once
// Helpers shared by the page-level tests: read a file, run the pipeline on a .txt page, segment a
// page's text.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/page_cleaner.h"
#include "pipeline/page_processor.h"
#include "pipeline/reflow.h"
#include "pipeline/segmenter.h"

namespace broadsheet::pipeline::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

inline std::vector<std::filesystem::path> files_with_extension(const std::filesystem::path& dir, std::string_view ext) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline result<std::vector<article>> process_text_file(const std::filesystem::path& path) {
  page_processor processor;
  page_record page;
  page.page_id = path.filename().string();
  page.text = read_file(path);
  return processor.process(page);
}

// A page's text cleaned, reflowed and segmented.
inline segmented_page segmented(std::string_view text) {
  page_cleaner cleaner;
  auto cleaned = cleaner.clean(text);
  EXPECT_TRUE(cleaned);
  const reflowed_page reflowed = reflow(std::move(*cleaned));
  return segment(reflowed.paragraphs, reflowed.cleaned.default_photographers);
}

}  // namespace broadsheet::pipeline::testing
