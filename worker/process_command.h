#pragma once
// `broadsheet process [FILE...]`: runs the pipeline over files or stdin without Kafka.
// JSONL files hold one page record per line; .txt files are one page each (page_id = file
// name); stdin is JSONL when it starts with '{', else one text page with page_id "stdin".
// Articles go to `out` as JSONL (or readable text with pretty), one JSON error line per
// rejected record to `err`. With dedup, every article is checked against all earlier ones of the
// run; when a later page holds an older story, the articles whose decision changes are written
// again (same article_id, revision + 1) while the article is among the cache_bytes of the latest
// ones written; older ones are counted in corrections_missed.

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "pipeline/dedup.h"
#include "pipeline/page_processor.h"

namespace broadsheet::worker {

struct process_options {
  std::vector<std::string> inputs;  // empty or "-" for stdin
  bool pretty = false;
  bool explain = false;  // one JSON line per page: its paragraphs and the segmenter's choices
  pipeline::processor_options pipeline;
  bool dedup = true;  // near-duplicates across all pages of the run
  pipeline::dedup_options dedup_options;
  std::size_t cache_bytes = std::size_t{128} << 20;  // articles held for corrections, as their JSON
};

struct process_stats {
  std::size_t pages = 0, rejected = 0, items = 0;
  std::size_t duplicates = 0, corrections = 0;
  std::size_t corrections_missed = 0;  // of articles no longer held
  bool input_missing = false;          // a named file could not be read (a usage error)
};

process_stats run_process(const process_options& options, std::FILE* out, std::FILE* err);

}  // namespace broadsheet::worker
