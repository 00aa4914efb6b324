#pragma once
// page_parser turns one JSON page record (a Kafka value, a JSONL line) into a page_record.
//
// It owns a simdjson ondemand parser and a padded buffer that grows to the largest record seen
// and is reused: Kafka payloads carry no padding, so each record is copied once into it.
// Not thread-safe: one page_parser per thread.

#include <cstddef>
#include <memory>
#include <string_view>

#include "pipeline/page_record.h"
#include "pipeline/result.h"

namespace broadsheet::pipeline {

struct parse_limits {
  std::size_t max_record_bytes = 8u << 20;  // larger records: errc::record_too_large
  std::size_t max_depth = 32;               // deeper JSON: errc::json_too_deep
};

class page_parser {
 public:
  explicit page_parser(parse_limits limits = {});
  ~page_parser();
  page_parser(const page_parser&) = delete;
  page_parser& operator=(const page_parser&) = delete;

  // Errors: empty_record, record_too_large, invalid_json, json_too_deep, not_an_object,
  // missing_field, wrong_type, invalid_field, invalid_utf8, nul_byte.
  [[nodiscard]] result<page_record> parse(std::string_view json);

  [[nodiscard]] const parse_limits& limits() const noexcept { return limits_; }

 private:
  struct impl;
  parse_limits limits_;
  std::unique_ptr<impl> impl_;
};

// Checks of single field values, shared with the .txt reader: YYYY-MM-DD with a real date.
[[nodiscard]] bool is_valid_date(std::string_view s) noexcept;

}  // namespace broadsheet::pipeline
