#pragma once
// page_processor: the whole per-page pipeline, parse → clean → reflow → segment, and the
// article ids and page metadata on each item. Holds one page_parser and one page_cleaner, so it
// reuses their buffers: one page_processor per thread, not thread-safe.

#include <string_view>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/page_cleaner.h"
#include "pipeline/page_parser.h"
#include "pipeline/page_record.h"
#include "pipeline/reflow.h"
#include "pipeline/result.h"
#include "pipeline/segmenter.h"

namespace broadsheet::pipeline {

// Seconds spent in the stages of one process() call, for the worker's stage histograms.
struct stage_times {
  double clean = 0;    // validation, normalisation and furniture removal
  double segment = 0;  // reflow and segmentation into articles
};

// How a page was read: its paragraphs after reflow (with the bytes they view), the segmenter's
// choices with their evidence, and the items (without ids or page metadata).
struct page_explanation {
  reflowed_page reflowed;
  std::vector<segment_trace_entry> trace;
  std::vector<article> items;
};

struct processor_options {
  parse_limits parse;
  clean_limits clean;
};

class page_processor {
 public:
  explicit page_processor(processor_options options = {});

  // A JSON page record. Errors: those of page_parser::parse and of process.
  [[nodiscard]] result<std::vector<article>> process_json(std::string_view record);

  // A parsed page. Errors: record_too_large (text over the record limit), invalid_utf8, nul_byte,
  // line_too_long, empty_text, no_content (only furniture, or only punctuation and symbols).
  // With times, the seconds spent in its stages are written there.
  [[nodiscard]] result<std::vector<article>> process(const page_record& page, stage_times* times = nullptr);

  // The same pipeline as process, keeping what explains its result. Errors: those of process.
  [[nodiscard]] result<page_explanation> explain(const page_record& page);

  // Parsing alone, for callers that need the page_id of a record the pipeline then rejects.
  [[nodiscard]] result<page_record> parse(std::string_view record) { return parser_.parse(record); }

 private:
  processor_options options_;
  page_parser parser_;
  page_cleaner cleaner_;
  segmenter segmenter_;
};

}  // namespace broadsheet::pipeline
