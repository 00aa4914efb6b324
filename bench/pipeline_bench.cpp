// Throughput of the page pipeline on one core, in MB/s of page text (SetBytesProcessed counts
// the text bytes of each page), over a mixed set: the fixture pages (our own writing, each with
// different layout damage) plus the seed pages when ../shared/seeds exists.
//
//   page_pipeline/json  parse + clean + reflow + segment from a JSON record (the worker's path)
//   stage/parse         simdjson parse of the record alone
//   stage/clean         validation, NFC, width folding, furniture
//   stage/segment       reflow + segment (+ tidy) of cleaned lines

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/article_json.h"
#include "pipeline/page_cleaner.h"
#include "pipeline/page_parser.h"
#include "pipeline/page_processor.h"
#include "pipeline/reflow.h"
#include "pipeline/segmenter.h"

namespace {

namespace fs = std::filesystem;
using namespace broadsheet::pipeline;

struct page_set {
  std::vector<std::string> texts;
  std::vector<std::string> records;  // the same pages as JSON page records
  std::size_t text_bytes = 0;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

void add_dir(page_set& set, const fs::path& dir) {
  if (!fs::is_directory(dir)) return;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string text = read_file(f);
    std::string record = R"({"page_id":)";
    append_json_string(record, f.filename().string());
    record += R"(,"source":"bench","edition_date":"2025-03-18","text":)";
    append_json_string(record, text);
    record += "}";
    set.text_bytes += text.size();
    set.texts.push_back(std::move(text));
    set.records.push_back(std::move(record));
  }
}

const page_set& pages() {
  static const page_set set = [] {
    page_set s;
    add_dir(s, fs::path(BROADSHEET_TEST_DATA) / "pages");
    add_dir(s, fs::path(BROADSHEET_SEEDS));
    return s;
  }();
  return set;
}

void page_pipeline_json(benchmark::State& state) {
  const page_set& set = pages();
  page_processor processor;
  std::size_t items = 0;
  for (auto _ : state) {
    for (const auto& record : set.records) {
      auto r = processor.process_json(record);
      items += r ? r->size() : 0;
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * set.text_bytes));
  state.counters["pages/s"] = benchmark::Counter(static_cast<double>(state.iterations() * set.records.size()),
                                                 benchmark::Counter::kIsRate);
  state.counters["pages"] = static_cast<double>(set.records.size());
}
BENCHMARK(page_pipeline_json)->Name("page_pipeline/json")->Unit(benchmark::kMicrosecond);

void stage_parse(benchmark::State& state) {
  const page_set& set = pages();
  page_parser parser;
  for (auto _ : state) {
    for (const auto& record : set.records) benchmark::DoNotOptimize(parser.parse(record));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * set.text_bytes));
}
BENCHMARK(stage_parse)->Name("stage/parse")->Unit(benchmark::kMicrosecond);

void stage_clean(benchmark::State& state) {
  const page_set& set = pages();
  page_cleaner cleaner;
  for (auto _ : state) {
    for (const auto& text : set.texts) benchmark::DoNotOptimize(cleaner.clean(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * set.text_bytes));
}
BENCHMARK(stage_clean)->Name("stage/clean")->Unit(benchmark::kMicrosecond);

// A copy of a cleaned page, its lines viewing the copy's bytes.
cleaned_page copy_of(const cleaned_page& c) {
  cleaned_page copy;
  copy.line_bytes = c.line_bytes;
  copy.lines = c.lines;
  for (auto& line : copy.lines)
    line.text = std::string_view(copy.line_bytes.data() + (line.text.data() - c.line_bytes.data()), line.text.size());
  copy.default_photographers = c.default_photographers;
  copy.furniture_lines = c.furniture_lines;
  copy.blanks_after_last = c.blanks_after_last;
  return copy;
}

void stage_segment(benchmark::State& state) {
  const page_set& set = pages();
  page_cleaner cleaner;
  std::vector<cleaned_page> cleaned;
  for (const auto& text : set.texts) cleaned.push_back(*cleaner.clean(text));
  for (auto _ : state) {
    for (const auto& c : cleaned) {
      // reflow takes its page over: a copy each time, whose cost is part of the stage's
      const reflowed_page reflowed = reflow(copy_of(c));
      benchmark::DoNotOptimize(segment(reflowed.paragraphs, reflowed.cleaned.default_photographers));
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * set.text_bytes));
}
BENCHMARK(stage_segment)->Name("stage/segment")->Unit(benchmark::kMicrosecond);

}  // namespace


