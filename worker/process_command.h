#pragma once
// `broadsheet process [FILE...]`: runs the pipeline over files or stdin without Kafka.
// JSONL files hold one page record per line; .txt files are one page each (page_id = file
// name); stdin is JSONL when it starts with '{', else one text page with page_id "stdin".
// Articles go to `out` as JSONL (or readable text with pretty), one JSON error line per
// rejected record to `err`.

#include <cstdio>
#include <string>
#include <vector>

#include "pipeline/page_processor.h"

namespace broadsheet::worker {

struct process_options {
  std::vector<std::string> inputs;  // empty or "-" for stdin
  bool pretty = false;
  pipeline::processor_options pipeline;
};

struct process_stats {
  std::size_t pages = 0, rejected = 0, items = 0;
  bool input_missing = false;  // a named file could not be read (a usage error)
};

process_stats run_process(const process_options& options, std::FILE* out, std::FILE* err);

}  // namespace broadsheet::worker
