#include "pipeline/tidy.h"

#include <cstddef>
#include <cstdint>

#include "pipeline/char_class.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::append_utf8;
using internal::next_code_point;
using internal::previous_code_point;

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
