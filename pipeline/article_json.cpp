#include "pipeline/article_json.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

#include "pipeline/internal/byte_scan.h"
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
  // Written as "%016llx-%03d" would write it, without printf's parsing (one call per article).
  std::uint64_t h = internal::hash_bytes(page_id);
  if (ordinal < 0) [[unlikely]] {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx-%03d", static_cast<unsigned long long>(h), ordinal);
    return buf;
  }
  static constexpr char hex[] = "0123456789abcdef";
  char buf[32];
  for (int i = 15; i >= 0; --i, h >>= 4) buf[i] = hex[h & 15];
  buf[16] = '-';
  char digits[12];
  const auto n = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, ordinal).ptr - digits);
  const std::size_t zeros = n < 3 ? 3 - n : 0;
  std::fill_n(buf + 17, zeros, '0');
  std::copy_n(digits, n, buf + 17 + zeros);
  return std::string(buf, 17 + zeros + n);
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the current run of bytes that need no escaping
  for (std::size_t i = internal::next_json_escape(s, 0); i < s.size(); i = internal::next_json_escape(s, i + 1)) {
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

// k is one of this file's own key names (ASCII letters and underscores): nothing to escape.
void key(std::string& out, std::string_view k) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(k);
  out += "\":";
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

// The value of duplicate_of, then similarity's key and value.
void append_decision(std::string& out, const std::optional<std::string>& duplicate_of,
                     std::optional<double> similarity) {
  if (duplicate_of) append_json_string(out, *duplicate_of);
  else out += "null";
  key(out, "similarity");
  if (similarity) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", *similarity);
    out += buf;
  } else {
    out += "null";
  }
}

// append_article_json, noting where the revision and the decision are when `where` is given
// (its offsets are positions in out).
void write_article(std::string& out, const article& a, article_json* where) {
  std::size_t text = a.body.size();
  for (const auto& p : a.paragraphs) text += p.size() + 3;
  for (const auto& c : a.captions) text += c.size() + 3;
  out.reserve(out.size() + text + 640);  // the text (body and paragraphs) plus the other fields
  out.push_back('{');
  key(out, "article_id");
  append_json_string(out, a.article_id);
  key(out, "revision");
  if (where != nullptr) where->revision_at = out.size();
  out += std::to_string(a.revision);
  if (where != nullptr) where->revision_end = out.size();
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
  key(out, "duplicate_of");
  if (where != nullptr) where->decision_at = out.size();
  append_decision(out, a.duplicate_of, a.similarity);
  if (where != nullptr) where->decision_end = out.size();
  key(out, "pipeline_version");
  append_json_string(out, pipeline_version);
  out.push_back('}');
}

}  // namespace

void append_article_json(std::string& out, const article& a) { write_article(out, a, nullptr); }

article_json make_article_json(const article& a) {
  article_json j;
  write_article(j.text, a, &j);
  return j;
}

article_json with_decision(const article_json& j, int revision, const std::optional<std::string>& duplicate_of,
                           std::optional<double> similarity) {
  article_json r;
  const std::string_view text = j.text;
  r.text.reserve(text.size() + 64);
  r.text.append(text.substr(0, j.revision_at));
  r.revision_at = r.text.size();
  r.text += std::to_string(revision);
  r.revision_end = r.text.size();
  r.text.append(text.substr(j.revision_end, j.decision_at - j.revision_end));
  r.decision_at = r.text.size();
  append_decision(r.text, duplicate_of, similarity);
  r.decision_end = r.text.size();
  r.text.append(text.substr(j.decision_end));
  return r;
}

}  // namespace broadsheet::pipeline
