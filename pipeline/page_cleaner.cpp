#include "pipeline/page_cleaner.h"

#include <array>
#include <cstdint>
#include <cstring>

#include <simdjson.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "pipeline/char_class.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/jump_markers.h"
#include "pipeline/line_furniture.h"
#include "pipeline/photo_credits.h"

namespace broadsheet::pipeline {

using internal::append_utf8;
using internal::next_code_point;

namespace {

// Whether a character stays in a line as it is: width folding leaves it alone, and it is no tab,
// white space or control character.
bool kept_as_is(char32_t c) noexcept {
  return c != '\t' && fold_width(c) == c && (char_class(c) & (cc::control | cc::space)) == 0;
}

// Whether the run loop of normalize_line may pass over c without a look at it: width folding
// leaves it alone, it is no tab, white space or control character, and NFC cannot change it.
// Asked of U+2000-U+3FFF and U+FF00-U+FFFF, where Chinese punctuation lives ("，" "。" "、"
// "“" "—" "《"), which ends every run of ideographs: the answer for those is read from a table
// of bits made once from the same questions, and other characters are asked as before.
bool passes_unchanged(char32_t c) noexcept {
  constexpr char32_t low_first = 0x2000, low_end = 0x4000, high_first = 0xFF00;
  constexpr std::size_t size = (low_end - low_first) + (0x10000 - high_first);
  static const std::array<std::uint64_t, size / 64> bits = [] {
    std::array<std::uint64_t, size / 64> b{};
    const auto mark = [&](char32_t ch, std::size_t at) {
      if (kept_as_is(ch) && !needs_nfc_check(ch)) b[at / 64] |= std::uint64_t{1} << (at % 64);
    };
    for (char32_t ch = low_first; ch < low_end; ++ch) mark(ch, ch - low_first);
    for (char32_t ch = high_first; ch < 0x10000; ++ch) mark(ch, (low_end - low_first) + (ch - high_first));
    return b;
  }();
  std::size_t at;
  if (c >= low_first && c < low_end)
    at = c - low_first;
  else if (c >= high_first && c < 0x10000)
    at = (low_end - low_first) + (c - high_first);
  else
    return false;
  return (bits[at / 64] >> (at % 64)) & 1;
}

// Normalises one raw line into out: width folding, control characters dropped, runs of white
// space collapsed to one ' ', no space at either end or around a tab. Returns false when the
// line holds a character that NFC may change (the caller then normalises the text with ICU
// first): the common case, text already in NFC, never calls ICU. The line comes back in line:
// raw itself when it needs no change (one run to its end, most lines), else out.
bool normalize_line(std::string_view raw, std::string& out, std::string_view& line) {
  bool nfc_inert = true;
  out.clear();
  bool pending_space = false;
  std::size_t i = 0;
  while (i < raw.size()) {
    // A run that needs no change is copied in one piece: printable ASCII and characters
    // U+4000-U+9FFF (lead bytes E4-E9, mostly CJK ideographs) found sixteen bytes at a time,
    // and any other character that width folding leaves alone and that is not a tab, white
    // space or a control character (Chinese punctuation, mostly).
    std::size_t run_end = i;
    std::size_t after = i;  // past the character at run_end, once decoded
    char32_t decoded = 0;
    while ((run_end = internal::plain_run_end(raw, run_end)) < raw.size()) {
      // "，" and "。", the commonest ends of a run, are kept as they are (NFC and width folding
      // leave them alone): passed over undecoded.
      if (internal::comma_or_full_stop_at(raw, run_end)) {
        run_end += 3;
        continue;
      }
      after = run_end;
      decoded = next_code_point(raw, after);
      if (passes_unchanged(decoded)) {
        run_end = after;
        continue;
      }
      nfc_inert = nfc_inert && !needs_nfc_check(decoded);
      if (!kept_as_is(decoded)) break;
      run_end = after;
    }
    if (i == 0 && run_end == raw.size()) {
      // A run never holds a space or a tab, so there is nothing to trim either.
      line = raw;
      return nfc_inert;
    }
    if (i == 0) out.reserve(raw.size());
    if (run_end > i) {
      if (pending_space && !out.empty() && out.back() != '\t') out.push_back(' ');
      pending_space = false;
      out.append(raw.data() + i, run_end - i);
    }
    if (run_end == raw.size()) break;
    i = after;
    const char32_t c = fold_width(decoded);
    if (c == '\t') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out.push_back('\t');
      pending_space = false;
      continue;
    }
    const std::uint8_t cls = char_class(c);
    if (cls & cc::control) continue;
    if (cls & cc::space) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty() && out.back() != '\t') out.push_back(' ');
    pending_space = false;
    append_utf8(out, c);
  }
  while (!out.empty() && (out.back() == '\t' || out.back() == ' ')) out.pop_back();
  line = out;
  return nfc_inert;
}

}  // namespace

result<cleaned_page> page_cleaner::clean(std::string_view text, text_check check) {
  if (check == text_check::needed) {
    if (!simdjson::validate_utf8(text.data(), text.size())) [[unlikely]] {
      return fail(errc::invalid_utf8, "the text is not valid UTF-8");
    }
    if (std::memchr(text.data(), 0, text.size()) != nullptr) [[unlikely]] {
      return fail(errc::nul_byte, "the text contains U+0000");
    }
  }

  auto lines = split_lines(text);
  if (!lines) return tl::unexpected(std::move(lines.error()));
  if (!*lines) {
    // Some line holds a character NFC may change: normalise the whole text with ICU, then split
    // again (normalisation can merge characters but never adds line breaks).
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) [[unlikely]]
      return fail(errc::invalid_utf8, "ICU NFC data unavailable");
    nfc_.clear();
    icu::StringByteSink<std::string> sink(&nfc_, static_cast<int32_t>(text.size()));
    nfc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr, status);
    if (U_FAILURE(status)) [[unlikely]]
      return fail(errc::invalid_utf8, "NFC normalisation failed");
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
  // Room for a line per 48 bytes, so that the list seldom grows and moves its lines on the way:
  // the development pages run 30 to 200 bytes a line, blank lines counted, half of them over 100.
  page.lines.reserve(text.size() / 48 + 8);
  // Cleaning never lengthens a line (width folding and space collapsing only shorten), so the
  // text's size holds every line; the views are made at the end all the same, after the last
  // line is in.
  page.line_bytes.reserve(text.size());
  line_sizes_.clear();
  const auto keep = [&](std::string_view line, int blanks_before, int furniture_before, int md_level) {
    page.line_bytes.insert(page.line_bytes.end(), line.begin(), line.end());
    line_sizes_.push_back(line.size());
    page.lines.push_back(page_line{{}, blanks_before, furniture_before, md_level});
  };
  // Lines end at \n; only text that also holds \r or \f needs the slower scan.
  const bool plain_newlines = text.find('\r') == std::string_view::npos && text.find('\f') == std::string_view::npos;
  int blanks = 0, furniture_run = 0;
  std::string normalized;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end;
    if (plain_newlines) {
      const void* nl = std::memchr(text.data() + start, '\n', text.size() - start);
      end = nl == nullptr ? text.size() : static_cast<std::size_t>(static_cast<const char*>(nl) - text.data());
    } else {
      end = start;
      while (end < text.size() && text[end] != '\n' && text[end] != '\r' && text[end] != '\f') ++end;
    }
    const std::string_view raw = text.substr(start, end - start);
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    start = end + 1;

    if (raw.size() > limits_.max_line_bytes) [[unlikely]] {
      return fail(errc::line_too_long, "a line has " + std::to_string(raw.size()) + " bytes, limit " +
                                           std::to_string(limits_.max_line_bytes));
    }
    std::string_view line;  // raw or normalized
    all_nfc = normalize_line(raw, normalized, line) && all_nfc;
    if (line.empty()) {
      ++blanks;
      continue;
    }

    // A continuation marker glued to the markdown heading after it ("（上接A04版①）### 甲"): the
    // marker is a line of its own.
    if ((line[0] == '(' || line.starts_with("（")) && line.find('#') != std::string_view::npos) {
      if (const auto cont = match_continuation(line);
          cont && cont->body_offset < line.size() && line[cont->body_offset] == '#') {
        keep(line.substr(0, cont->body_offset), blanks, furniture_run, 0);
        line.remove_prefix(cont->body_offset);
        blanks = 0;
        furniture_run = 0;
      }
    }

    int md_level = 0;
    while (md_level < static_cast<int>(line.size()) && line[md_level] == '#') ++md_level;
    if (md_level > 0 && md_level <= 6 && md_level < static_cast<int>(line.size()) && line[md_level] == ' ') {
      line.remove_prefix(md_level + 1);
    } else {
      md_level = 0;
    }

    const furniture kind = classify_furniture(line);
    if (kind != furniture::none) {
      if (kind == furniture::page_photo_credit) {
        auto note = match_page_photo_note(line);
        for (auto& name : note->photographers) page.default_photographers.push_back(std::move(name));
      }
      ++page.furniture_lines;
      ++furniture_run;
      continue;
    }
    keep(line, blanks, furniture_run, md_level);
    blanks = 0;
    furniture_run = 0;
  }
  page.blanks_after_last = blanks;
  std::size_t at = 0;
  for (std::size_t i = 0; i < page.lines.size(); ++i) {
    page.lines[i].text = std::string_view(page.line_bytes.data() + at, line_sizes_[i]);
    at += line_sizes_[i];
  }
  return all_nfc;
}

}  // namespace broadsheet::pipeline
