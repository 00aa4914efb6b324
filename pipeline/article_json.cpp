#include "pipeline/article_json.h"

#include <bit>
#include <cstdint>
#include <cstdio>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pipeline/internal/hash.h"
#include "pipeline/version.h"

namespace broadsheet::pipeline {

std::string_view to_string(item_kind kind) noexcept {
  switch (kind) {
    case item_kind::article: return "article";
    case item_kind::photo: return "photo";
    case item_kind::notice: return "notice";
    case item_kind::fragment: return "fragment";
  }
  return "article";
}

std::string make_article_id(std::string_view page_id, int ordinal) {
  // FNV-1a 64 over the page_id bytes, then the fmix64 finaliser of MurmurHash3 to spread the
  // bits. Fixed forever: changing it changes every article id.
  const std::uint64_t h = internal::hash_bytes(page_id);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx-%03d", static_cast<unsigned long long>(h), ordinal);
  return buf;
}

namespace {

bool needs_escape(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

// The position of the first byte at or after i that JSON must escape (a control character, '"'
// or '\\'), or s.size(). Sixteen bytes per step where SSE2 is there: article text is mostly
// CJK, whose UTF-8 bytes are all 0x80 or above and never need escaping.
std::size_t next_to_escape(std::string_view s, std::size_t i) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  // Unsigned c < 0x20 as a signed compare: flip the top bit of both sides.
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80)), limit = _mm_set1_epi8(static_cast<char>(0x20 ^ 0x80));
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                     _mm_cmplt_epi8(_mm_xor_si128(x, flip), limit));
    if (const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit)); bits != 0) return i + std::countr_zero(bits);
  }
#endif
  for (; i < s.size(); ++i) {
    if (needs_escape(static_cast<unsigned char>(s[i]))) return i;
  }
  return s.size();
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the current run of bytes that need no escaping
  for (std::size_t i = next_to_escape(s, 0); i < s.size(); i = next_to_escape(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {

void key(std::string& out, std::string_view k) {
  if (out.back() != '{') out.push_back(',');
  append_json_string(out, k);
  out.push_back(':');
}

void optional_string(std::string& out, std::string_view k, const std::optional<std::string>& v) {
  key(out, k);
  if (v) append_json_string(out, *v);
  else out += "null";
}

void string_array(std::string& out, std::string_view k, const std::vector<std::string>& v) {
  key(out, k);
  out.push_back('[');
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, v[i]);
  }
  out.push_back(']');
}

}  // namespace

void append_article_json(std::string& out, const article& a) {
  std::size_t text = a.body.size();
  for (const auto& p : a.paragraphs) text += p.size() + 3;
  for (const auto& c : a.captions) text += c.size() + 3;
  out.reserve(out.size() + text + 640);  // the text (body and paragraphs) plus the other fields
  out.push_back('{');
  key(out, "article_id");
  append_json_string(out, a.article_id);
  key(out, "revision");
  out += std::to_string(a.revision);
  key(out, "page_id");
  append_json_string(out, a.page_id);
  key(out, "ordinal");
  out += std::to_string(a.ordinal);
  key(out, "kind");
  append_json_string(out, to_string(a.kind));
  optional_string(out, "title", a.title);
  optional_string(out, "subtitle", a.subtitle);
  optional_string(out, "kicker", a.kicker);
  optional_string(out, "section", a.section);
  optional_string(out, "dateline", a.dateline);
  key(out, "byline");
  out.push_back('{');
  string_array(out, "reporters", a.names.reporters);
  string_array(out, "correspondents", a.names.correspondents);
  string_array(out, "photographers", a.names.photographers);
  string_array(out, "authors", a.names.authors);
  out.push_back('}');
  string_array(out, "paragraphs", a.paragraphs);
  key(out, "body");
  append_json_string(out, a.body);
  string_array(out, "captions", a.captions);
  key(out, "char_count");
  out += std::to_string(a.char_count);
  optional_string(out, "continued_from", a.continued_from);
  optional_string(out, "source", a.source);
  optional_string(out, "edition_date", a.edition_date);
  optional_string(out, "page", a.page);
  optional_string(out, "duplicate_of", a.duplicate_of);
  key(out, "similarity");
  if (a.similarity) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", *a.similarity);
    out += buf;
  } else {
    out += "null";
  }
  key(out, "pipeline_version");
  append_json_string(out, pipeline_version);
  out.push_back('}');
}

}  // namespace broadsheet::pipeline
