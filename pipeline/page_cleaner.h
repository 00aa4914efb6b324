#pragma once
// page_cleaner: the first stage after parsing. Validates the text, normalises it to NFC, folds
// full-width letters and digits, drops control characters, collapses white space, strips
// markdown heading markers (keeping their level) and removes page furniture (banners, page
// dates, editor and hotline lines, end marks; which line is which: line_furniture.h). The
// result is a list of non-blank lines, each with the number of blank lines before it: the
// layout evidence that reflow needs.
//
// Layout spaces inside a line are kept here (bylines and title separators need them); the
// tidy_* functions (tidy.h) remove them once a paragraph's role is known.
//
// Not thread-safe (it reuses buffers): one page_cleaner per thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/result.h"

namespace broadsheet::pipeline {

struct clean_limits {
  std::size_t max_line_bytes = 64u << 10;  // longer lines: errc::line_too_long
};

struct page_line {
  std::string_view text;     // normalised, trimmed, single spaces, tabs kept (table cells)
  int blanks_before = 0;     // blank lines between this line and the previous one
  int furniture_before = 0;  // furniture lines removed between this line and the previous one
  int md_level = 0;          // 1..6 when the line was a markdown heading ("## 标题"), else 0
};

// Move-only: its lines view line_bytes, which a move leaves where it is and a copy would not.
struct cleaned_page {
  cleaned_page() = default;
  cleaned_page(cleaned_page&&) = default;
  cleaned_page& operator=(cleaned_page&&) = default;
  cleaned_page(const cleaned_page&) = delete;
  cleaned_page& operator=(const cleaned_page&) = delete;

  std::vector<page_line> lines;  // views of line_bytes
  // Every line's bytes, back to back in the lines' order (lines[i + 1].text starts where
  // lines[i].text ends), nothing between them.
  std::vector<char> line_bytes;
  std::vector<std::string> default_photographers;  // from "（本版图片除署名外均由本报记者X摄）"
  std::size_t furniture_lines = 0;
  int blanks_after_last = 0;  // blank lines after the last line (the page's end is a wide gap)
};

// Whether clean() checks that its text is valid UTF-8 without U+0000 (errc::invalid_utf8,
// errc::nul_byte), or takes the caller's word that it is (a text page_parser has checked).
enum class text_check : bool { needed, done };

class page_cleaner {
 public:
  explicit page_cleaner(clean_limits limits = {}) : limits_(limits) {}

  // Errors: invalid_utf8, nul_byte (only with text_check::needed), line_too_long, empty_text.
  [[nodiscard]] result<cleaned_page> clean(std::string_view text, text_check check = text_check::needed);

 private:
  // Splits text into page_, line by line. Returns whether every line was already in NFC.
  // Errors: line_too_long.
  [[nodiscard]] result<bool> split_lines(std::string_view text);

  clean_limits limits_;
  std::vector<std::size_t> line_sizes_;  // the page's lines' sizes while split_lines runs
  std::string nfc_;                      // reused NFC output when the input is not already NFC
  cleaned_page page_;                    // the page being built
};

}  // namespace broadsheet::pipeline
