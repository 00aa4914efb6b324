#include "pipeline/page_cleaner.h"

#include <cstring>

#include <simdjson.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::append_utf8;
using internal::next_code_point;

namespace {

bool starts_with(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) noexcept {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool contains(std::string_view s, std::string_view p) noexcept { return s.find(p) != std::string_view::npos; }

// Normalises one raw line into out: width folding, control characters dropped, runs of white
// space collapsed to one ' ', no space at either end or around a tab. Returns false when the
// line holds a character that NFC may change (the caller then normalises the text with ICU
// first): the common case, text already in NFC, never calls ICU.
bool normalize_line(std::string_view raw, std::string& out) {
  bool nfc_inert = true;
  out.clear();
  bool pending_space = false;
  std::size_t i = 0;
  while (i < raw.size()) {
    const auto b0 = static_cast<unsigned char>(raw[i]);
    // Fast paths: printable ASCII, and CJK ideographs U+4E00-U+9FFF (lead bytes E4-E9), which
    // need no folding and are never spaces or controls.
    if (b0 > 0x20 && b0 < 0x7F) {
      if (pending_space && !out.empty() && out.back() != '\t') out.push_back(' ');
      pending_space = false;
      out.push_back(static_cast<char>(b0));
      ++i;
      continue;
    }
    if (b0 >= 0xE4 && b0 <= 0xE9) {  // valid UTF-8: two continuation bytes follow
      if (pending_space && !out.empty() && out.back() != '\t') out.push_back(' ');
      pending_space = false;
      out.append(raw.data() + i, 3);
      i += 3;
      continue;
    }
    const char32_t decoded = next_code_point(raw, i);
    nfc_inert = nfc_inert && !needs_nfc_check(decoded);
    const char32_t c = fold_width(decoded);
    if (c == '\t') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out.push_back('\t');
      pending_space = false;
      continue;
    }
    const std::uint8_t cls = char_class(c);
    if (cls & cc::control) continue;
    if (cls & cc::space) { pending_space = true; continue; }
    if (pending_space && !out.empty() && out.back() != '\t') out.push_back(' ');
    pending_space = false;
    append_utf8(out, c);
  }
  while (!out.empty() && (out.back() == '\t' || out.back() == ' ')) out.pop_back();
  return nfc_inert;
}

// "2024年10月1日 星期二" (also without the weekday, or with the weekday first).
bool is_page_date(std::string_view line) {
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max) {
    std::size_t n = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') { ++i; ++n; }
    return n >= min && n <= max;
  };
  auto word = [&](std::string_view w) {
    if (line.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  };
  auto spaces = [&] { while (i < line.size() && line[i] == ' ') ++i; };
  auto weekday = [&] {
    if (!word("星期") && !word("周")) return false;
    for (std::string_view d : {"一", "二", "三", "四", "五", "六", "日", "天"}) {
      if (word(d)) return true;
    }
    return false;
  };
  const bool weekday_first = weekday();
  spaces();
  if (!(digits(4, 4) && word("年") && digits(1, 2) && word("月") && digits(1, 2) && word("日"))) return false;
  spaces();
  if (i == line.size()) return true;
  if (weekday_first || !weekday()) return false;
  spaces();
  // An optional lunar date or page label after the weekday is still furniture when short.
  return line.size() - i <= 24 && !contains(line.substr(i), "，") && !contains(line.substr(i), "。");
}

bool is_end_mark(std::string_view line) {
  bool any = false;
  std::size_t i = 0;
  while (i < line.size()) {
    const char32_t c = next_code_point(line, i);
    switch (c) {
      case ' ': break;
      case 0x25CF: case 0x25CB: case 0x25C6: case 0x25C7: case 0x25A0: case 0x2605: case 0x2606:
      case 0x25B2: case 0x25B3: case 0x25BC: case 0x25BD: case 0x00B7: case 0x2022: case '*': case '-':
        any = true;
        break;
      default: return false;
    }
  }
  return any;
}

}  // namespace

furniture classify_furniture(std::string_view line) noexcept {
  if (line.size() > 12 && starts_with(line, "——") && ends_with(line, "——")) return furniture::banner;
  if (line.size() <= 64 && is_page_date(line)) return furniture::page_date;
  const bool marked = line.find('|') != std::string_view::npos || starts_with(line, "■") ||
                      starts_with(line, "责任编辑") || starts_with(line, "编辑") || contains(line, "｜");
  if (marked && line.size() <= 400 && !contains(line, "。") &&
      (contains(line, "编辑") || contains(line, "热线") || contains(line, "校对") || contains(line, "组版") ||
       contains(line, "美编"))) {
    return furniture::editor_line;
  }
  if (line.size() <= 64 && is_end_mark(line)) return furniture::end_mark;
  if (!parse_page_photo_credit(line).empty()) return furniture::page_photo_credit;
  return furniture::none;
}

result<cleaned_page> page_cleaner::clean(std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) [[unlikely]] {
    return fail(errc::invalid_utf8, "the text is not valid UTF-8");
  }
  if (std::memchr(text.data(), 0, text.size()) != nullptr) [[unlikely]] {
    return fail(errc::nul_byte, "the text contains U+0000");
  }

  auto lines = split_lines(text);
  if (!lines) return tl::unexpected(std::move(lines.error()));
  if (!*lines) {
    // Some line holds a character NFC may change: normalise the whole text with ICU, then split
    // again (normalisation can merge characters but never adds line breaks).
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) [[unlikely]] return fail(errc::invalid_utf8, "ICU NFC data unavailable");
    nfc_.clear();
    icu::StringByteSink<std::string> sink(&nfc_, static_cast<int32_t>(text.size()));
    nfc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr, status);
    if (U_FAILURE(status)) [[unlikely]] return fail(errc::invalid_utf8, "NFC normalisation failed");
    page_ = cleaned_page{};
    lines = split_lines(nfc_);
    if (!lines) return tl::unexpected(std::move(lines.error()));
  }
  if (page_.lines.empty() && page_.furniture_lines == 0) return fail(errc::empty_text, "the text is empty");
  return std::move(page_);
}

result<bool> page_cleaner::split_lines(std::string_view text) {
  page_ = cleaned_page{};
  bool all_nfc = true;
  cleaned_page& page = page_;
  int blanks = 0;
  std::string normalized;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = start;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r' && text[end] != '\f') ++end;
    const std::string_view raw = text.substr(start, end - start);
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    start = end + 1;

    if (raw.size() > limits_.max_line_bytes) [[unlikely]] {
      return fail(errc::line_too_long, "a line has " + std::to_string(raw.size()) + " bytes, limit " +
                                           std::to_string(limits_.max_line_bytes));
    }
    all_nfc = normalize_line(raw, normalized) && all_nfc;
    if (normalized.empty()) { ++blanks; continue; }

    int md_level = 0;
    while (md_level < static_cast<int>(normalized.size()) && normalized[md_level] == '#') ++md_level;
    if (md_level > 0 && md_level <= 6 && md_level < static_cast<int>(normalized.size()) &&
        normalized[md_level] == ' ') {
      normalized.erase(0, md_level + 1);
    } else {
      md_level = 0;
    }

    const furniture kind = classify_furniture(normalized);
    if (kind != furniture::none) {
      if (kind == furniture::page_photo_credit) {
        for (auto& name : parse_page_photo_credit(normalized)) page.default_photographers.push_back(std::move(name));
      }
      ++page.furniture_lines;
      ++blanks;
      continue;
    }
    page.lines.push_back(page_line{normalized, blanks, md_level});
    blanks = 0;
  }
  return all_nfc;
}

namespace {

bool numeric(char32_t c) noexcept { return (c >= '0' && c <= '9') || c == '%' || c == 0x2030 || c == 0x2103; }

// Converts ASCII punctuation that sits in Chinese context into its Chinese form, in place.
void convert_punctuation(std::u32string& s) {
  auto prev_visible = [&](std::size_t i) -> char32_t {
    while (i > 0) { if (s[--i] != ' ') return s[i]; }
    return 0;
  };
  auto next_visible = [&](std::size_t i) -> char32_t {
    while (++i < s.size()) { if (s[i] != ' ') return s[i]; }
    return 0;
  };
  thread_local std::u32string open_stack;  // per '(' : the character it became
  open_stack.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c > 0x7F || c == ' ') continue;
    const char32_t p = prev_visible(i), n = next_visible(i);
    const bool cjk_side = is_cjk(p) || is_cjk(n);
    const bool between_digits = (p >= '0' && p <= '9') && (n >= '0' && n <= '9');
    switch (c) {
      case ',': if (cjk_side && !between_digits) s[i] = 0xFF0C; break;
      case ';': if (cjk_side) s[i] = 0xFF1B; break;
      case ':': if (cjk_side && !between_digits) s[i] = 0xFF1A; break;
      case '?': if (is_cjk(p)) s[i] = 0xFF1F; break;
      case '!': if (is_cjk(p)) s[i] = 0xFF01; break;
      case '.': if (is_han(p) && (n == 0 || is_cjk(n))) s[i] = 0x3002; break;
      case '(':
        if (cjk_side) s[i] = 0xFF08;
        open_stack.push_back(s[i]);
        break;
      case ')':
        if (!open_stack.empty()) {
          if (open_stack.back() == 0xFF08) s[i] = 0xFF09;
          open_stack.pop_back();
        } else if (is_cjk(p)) {
          s[i] = 0xFF09;
        }
        break;
      default: break;
    }
  }
}

// Length of the run of non-space characters that starts at i.
std::size_t token_after(const std::u32string& s, std::size_t i) {
  std::size_t n = 0;
  while (i < s.size() && s[i] != ' ' && s[i] != '\t') { ++i; ++n; }
  return n;
}

// True when tidy has nothing to do: no space and no ASCII punctuation that could convert.
bool already_tidy(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    switch (text[i]) {
      case ' ': case ',': case ';': case ':': case '?': case '!': case '(': case ')':
        return false;
      case '.':
        if (i > 0 && static_cast<unsigned char>(text[i - 1]) >= 0x80) return false;
        break;
      default: break;
    }
  }
  return true;
}

std::string tidy(std::string_view text, bool heading) {
  if (already_tidy(text)) return std::string(text);
  thread_local std::u32string s;  // decoded text, reused across calls
  s.clear();
  bool ascii_punct = false;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = next_code_point(text, i);
    ascii_punct = ascii_punct || (c < 0x80 && c != ' ' && !(char_class(c) & (cc::latin | cc::digit)));
    s.push_back(c);
  }
  if (ascii_punct) convert_punctuation(s);

  std::string out;
  out.reserve(text.size());
  std::size_t since_space = 0;  // characters written since the last space kept (a token's length)
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c == ' ' && i > 0 && i + 1 < s.size()) {
      const char32_t l = s[i - 1], r = s[i + 1];
      const std::uint8_t lc = char_class(l), rc = char_class(r);
      const bool punct_side = ((lc | rc) & cc::cjk_punct) != 0;
      const bool cjk_number = ((lc & cc::han) && numeric(r)) || (numeric(l) && (rc & cc::han));
      bool drop = punct_side || cjk_number;
      if (!drop && (lc & cc::han) && (rc & cc::han)) {
        drop = !heading || since_space == 1 || token_after(s, i + 1) == 1;
      }
      if (drop) continue;
    }
    since_space = (c == ' ' || c == '\t') ? 0 : since_space + 1;
    append_utf8(out, c);
  }
  return out;
}

}  // namespace

std::string tidy_sentence(std::string_view text) { return tidy(text, false); }
std::string tidy_heading(std::string_view text) { return tidy(text, true); }

}  // namespace broadsheet::pipeline
