#include "pipeline/page_cleaner.h"

#include <array>
#include <cstdint>
#include <cstring>

#include <simdjson.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/line_furniture.h"

namespace broadsheet::pipeline {

using internal::append_utf8;
using internal::next_code_point;
using internal::previous_code_point;

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
        page.lines.push_back(page_line{std::string(line.substr(0, cont->body_offset)), blanks, furniture_run, 0});
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
    page.lines.push_back(page_line{std::string(line), blanks, furniture_run, md_level});
    blanks = 0;
    furniture_run = 0;
  }
  page.blanks_after_last = blanks;
  return all_nfc;
}

namespace {

bool numeric(char32_t c) noexcept { return (c >= '0' && c <= '9') || c == '%' || c == 0x2030 || c == 0x2103; }
bool ascii_digit(char32_t c) noexcept { return c >= '0' && c <= '9'; }

// What ASCII punctuation c becomes between the visible characters p (already tidied) and n, in
// Chinese context: "," → "，" and so on. open_parens holds, per open '(', whether it became
// '（', so that its ')' follows it; with commit the stack is updated, else only read (lookahead).
char32_t convert_punctuation(char32_t c, char32_t p, char32_t n, std::string& open_parens, bool commit) {
  const bool cjk_side = is_cjk(p) || is_cjk(n);
  const bool between_digits = ascii_digit(p) && ascii_digit(n);
  switch (c) {
    case ',': return cjk_side && !between_digits ? 0xFF0C : c;
    case ';': return cjk_side ? 0xFF1B : c;
    case ':': return cjk_side && !between_digits ? 0xFF1A : c;
    case '?': return is_cjk(p) ? 0xFF1F : c;
    case '!': return is_cjk(p) ? 0xFF01 : c;
    case '.': return is_han(p) && (n == 0 || is_cjk(n)) ? 0x3002 : c;
    case '(': {
      const char32_t r = cjk_side ? 0xFF08 : c;
      if (commit) open_parens.push_back(r == c ? 'n' : 'w');
      return r;
    }
    case ')': {
      if (open_parens.empty()) return is_cjk(p) ? 0xFF09 : c;
      const char32_t r = open_parens.back() == 'w' ? 0xFF09 : c;
      if (commit) open_parens.pop_back();
      return r;
    }
    default: return c;
  }
}

bool is_bracket(char32_t c) noexcept {
  switch (c) {
    case 0x201C:
    case 0x201D:
    case 0x2018:
    case 0x2019:
    case 0x300A:
    case 0x300B:
    case 0xFF08:
    case 0xFF09:
    case 0x300C:
    case 0x300D:
    case 0x3010:
    case 0x3011:
    case 0x3008:
    case 0x3009: return true;
    default: return false;
  }
}

bool is_special(char b) noexcept {
  switch (b) {
    case ' ':
    case ',':
    case ';':
    case ':':
    case '?':
    case '!':
    case '.':
    case '(':
    case ')': return true;
    default: return false;
  }
}

// The first byte at or after i that is_special, or text.size().
std::size_t next_special(std::string_view text, std::size_t i) noexcept {
  return internal::find_rare_any_of<' ', ',', ';', ':', '?', '!', '.', '(', ')'>(text, i);
}

// Where tidy has something to do: the first space or ASCII punctuation that could convert (a '.'
// after an ASCII character or at the start stays as it is); text.size() when there is none.
std::size_t first_untidy(std::string_view text) noexcept {
  std::size_t i = next_special(text, 0);
  while (i < text.size() && text[i] == '.' && (i == 0 || static_cast<unsigned char>(text[i - 1]) < 0x80)) {
    i = next_special(text, i + 1);
  }
  return i;
}

// The next visible (non-space) code point at or after byte pos of text, 0 at the end.
char32_t next_visible(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size()) {
    const char32_t c = next_code_point(text, pos);
    if (c != ' ') return c;
  }
  return 0;
}

// The characters of text from byte pos up to the next space, tab or its end.
std::size_t token_chars(std::string_view text, std::size_t pos) noexcept {
  std::size_t end = pos;
  while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
  return internal::count_code_points(text.substr(pos, end - pos));
}

// Copies runs of ordinary bytes verbatim and decides only at spaces and ASCII punctuation,
// which is where anything changes.
// Everything before first_untidy is copied as it is: tidy's loop would keep each '.' there and
// change nothing else.
std::string tidy(std::string_view text, bool heading) {
  const std::size_t from = first_untidy(text);
  if (from == text.size()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  std::string open_parens;
  std::size_t token_start = 0;  // where in out the current token began (after the last space kept)
  std::size_t run = 0;          // start of the bytes not yet copied
  auto last_out = [&]() -> char32_t {
    std::size_t e = out.size();
    while (e > 0 && out[e - 1] == ' ') --e;
    return e > 0 ? previous_code_point(out, e) : 0;
  };
  for (std::size_t i = from; i < text.size(); i = next_special(text, i + 1)) {
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (text[i] != ' ') {
      const char32_t c =
          convert_punctuation(static_cast<char32_t>(text[i]), last_out(), next_visible(text, i + 1), open_parens, true);
      append_utf8(out, c);
      continue;
    }
    if (out.empty() || i + 1 >= text.size()) {
      out.push_back(' ');
      token_start = out.size();
      continue;
    }
    const char32_t l = previous_code_point(out, out.size());
    std::size_t after = i + 1;
    char32_t r = next_code_point(text, after);
    if (r < 0x80 && is_special(static_cast<char>(r)))
      r = convert_punctuation(r, l, next_visible(text, after), open_parens, false);
    const std::uint8_t lc = char_class(l), rc = char_class(r);
    // In a heading, a space beside a quote or bracket can separate two segments
    // ("做活“水文章” 绘就新画卷"); beside clause punctuation it is only layout.
    const bool punct_side = heading
                                ? (((lc & cc::cjk_punct) && !is_bracket(l)) || ((rc & cc::cjk_punct) && !is_bracket(r)))
                                : ((lc | rc) & cc::cjk_punct) != 0;
    const bool cjk_number = ((lc & cc::han) && numeric(r)) || (numeric(l) && (rc & cc::han));
    bool drop = punct_side || cjk_number;
    const bool segment_pair = heading && (((lc & cc::han) || is_bracket(l)) && ((rc & cc::han) || is_bracket(r)));
    // In a sentence every such space goes; only a heading counts the characters either side.
    if (!drop && (((lc & cc::han) && (rc & cc::han)) || segment_pair)) {
      drop = !heading || internal::count_code_points(std::string_view(out).substr(token_start)) == 1 ||
             token_chars(text, i + 1) == 1;
    }
    if (!drop) {
      out.push_back(' ');
      token_start = out.size();
    }
  }
  out.append(text.data() + run, text.size() - run);
  return out;
}

}  // namespace

std::string tidy_sentence(std::string_view text) { return tidy(text, false); }
std::string tidy_heading(std::string_view text) { return tidy(text, true); }

}  // namespace broadsheet::pipeline
