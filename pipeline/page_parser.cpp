#include "pipeline/page_parser.h"

#include <cstring>
#include <vector>

#include <simdjson.h>

#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

namespace {

constexpr std::size_t max_page_id_chars = 256;

// Nesting depth of a JSON text that simdjson has already tokenised without error: counts
// brackets outside strings. Used on values the ondemand parser skips without walking them.
std::size_t json_depth(std::string_view json) noexcept {
  std::size_t depth = 0, max = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[': case '{': max = std::max(max, ++depth); break;
      case ']': case '}': --depth; break;
      default: break;
    }
  }
  return max;
}

error from_simdjson(simdjson::error_code code, std::string_view where) {
  using simdjson::error_code;
  std::string msg = std::string(where) + ": " + simdjson::error_message(code);
  switch (code) {
    case error_code::DEPTH_ERROR: return {errc::json_too_deep, std::move(msg)};
    case error_code::UTF8_ERROR: return {errc::invalid_utf8, std::move(msg)};
    case error_code::INCORRECT_TYPE: return {errc::wrong_type, std::move(msg)};
    case error_code::CAPACITY: return {errc::record_too_large, std::move(msg)};
    default: return {errc::invalid_json, std::move(msg)};
  }
}

// The value of four hex digits at s[i..i+4), or -1.
int hex4(std::string_view s, std::size_t i) noexcept {
  if (i + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// The JSON text escapes a lone surrogate (\ud800 without a low surrogate after it, or a low one
// alone): UTF-16 of no character, which simdjson reports as a string error like any bad escape.
// Backslashes stand only inside strings in JSON, so every escape is found without tracking them.
bool has_lone_surrogate_escape(std::string_view json) noexcept {
  for (std::size_t i = json.find('\\'); i != std::string_view::npos && i + 1 < json.size(); i = json.find('\\', i)) {
    if (json[i + 1] != 'u') {
      i += 2;
      continue;
    }
    const int unit = hex4(json, i + 2);
    i += 6;
    if (unit < 0xD800 || unit > 0xDFFF) continue;
    if (unit >= 0xDC00) return true;  // a low surrogate first
    const bool low_follows = i + 1 < json.size() && json[i] == '\\' && json[i + 1] == 'u' &&
                             hex4(json, i + 2) >= 0xDC00 && hex4(json, i + 2) <= 0xDFFF;
    if (!low_follows) return true;
    i += 6;
  }
  return false;
}

}  // namespace

bool is_valid_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  int part = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 4 || i == 7) { ++part; continue; }
    if (s[i] < '0' || s[i] > '9') return false;
    v[part] = v[part] * 10 + (s[i] - '0');
  }
  const int year = v[0], month = v[1], day = v[2];
  if (month < 1 || month > 12 || day < 1) return false;
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

struct page_parser::impl {
  simdjson::ondemand::parser parser;
  std::vector<char> buffer;  // record bytes followed by SIMDJSON_PADDING zero bytes

  impl(std::size_t capacity, std::size_t depth) : parser(capacity) {
    // Allocation failure shows up as a CAPACITY or MEMALLOC error on the first iterate().
    if (parser.allocate(std::min<std::size_t>(capacity, 1u << 16), depth) != simdjson::SUCCESS) return;
  }
};

page_parser::page_parser(parse_limits limits)
    : limits_(limits), impl_(std::make_unique<impl>(limits.max_record_bytes, limits.max_depth)) {}

page_parser::~page_parser() = default;

result<page_record> page_parser::parse(std::string_view json) {
  if (json.empty()) [[unlikely]] return fail(errc::empty_record, "the record is empty");
  if (json.size() > limits_.max_record_bytes) [[unlikely]] {
    return fail(errc::record_too_large, std::to_string(json.size()) + " bytes, limit " +
                                            std::to_string(limits_.max_record_bytes));
  }
  auto& buf = impl_->buffer;
  if (buf.size() < json.size() + simdjson::SIMDJSON_PADDING) buf.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buf.data(), json.data(), json.size());
  std::memset(buf.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);

  // A simdjson error as the page's error: a string error from an escaped lone surrogate is
  // invalid UTF-8 (the README's promise), any other invalid JSON.
  const auto failure = [json](simdjson::error_code ec, std::string_view where) {
    if (ec == simdjson::STRING_ERROR && has_lone_surrogate_escape(json)) [[unlikely]] {
      return fail(errc::invalid_utf8, std::string(where) + ": a \\u escape of a lone surrogate, not a character");
    }
    return tl::unexpected(from_simdjson(ec, where));
  };
  simdjson::ondemand::document doc;
  if (auto ec = impl_->parser.iterate(buf.data(), json.size(), buf.size()).get(doc)) [[unlikely]] {
    return failure(ec, "record");
  }
  simdjson::ondemand::object obj;
  if (auto ec = doc.get_object().get(obj)) [[unlikely]] {
    if (ec != simdjson::INCORRECT_TYPE) return failure(ec, "record");
    // Cold path: tell a well-formed non-object from malformed text with a full DOM parse.
    simdjson::dom::parser dom;
    if (dom.allocate(json.size(), limits_.max_depth) != simdjson::SUCCESS) {
      return fail(errc::record_too_large, "cannot allocate a parser for the record");
    }
    simdjson::dom::element root;
    if (auto dom_ec = dom.parse(buf.data(), json.size(), false).get(root)) {
      return failure(dom_ec, "record");
    }
    return fail(errc::not_an_object, "the record is not a JSON object");
  }

  page_record page;
  bool have_id = false, have_text = false;
  for (auto field : obj) {
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) [[unlikely]] return failure(ec, "key");
    std::optional<std::string>* optional_target = nullptr;
    std::string* required_target = nullptr;
    if (key == "page_id") { required_target = &page.page_id; have_id = true; }
    else if (key == "text") { required_target = &page.text; have_text = true; }
    else if (key == "source") optional_target = &page.source;
    else if (key == "edition_date") optional_target = &page.edition_date;
    else if (key == "page") optional_target = &page.page;
    else if (key == "url") optional_target = &page.url;
    else if (key == "fetched_at") optional_target = &page.fetched_at;

    simdjson::ondemand::value value;
    if (auto ec = field.value().get(value)) [[unlikely]] return failure(ec, key);
    if (required_target == nullptr && optional_target == nullptr) {
      // Unknown fields are ignored, but still walked so that depth and syntax are checked.
      simdjson::ondemand::json_type type;
      if (auto ec = value.type().get(type)) return failure(ec, key);
      std::string_view raw;
      if (type == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array nested;
        if (auto ec = value.get_array().get(nested)) return failure(ec, key);
        if (auto ec = nested.raw_json().get(raw)) return failure(ec, key);
      } else if (type == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object nested;
        if (auto ec = value.get_object().get(nested)) return failure(ec, key);
        if (auto ec = nested.raw_json().get(raw)) return failure(ec, key);
      }
      if (json_depth(raw) + 1 > limits_.max_depth) [[unlikely]] {
        return fail(errc::json_too_deep, std::string(key) + " nests deeper than " + std::to_string(limits_.max_depth));
      }
      continue;
    }
    if (optional_target != nullptr) {
      bool is_null = false;
      if (auto ec = value.is_null().get(is_null)) return failure(ec, key);
      if (is_null) continue;
    }
    std::string_view s;
    if (auto ec = value.get_string().get(s)) [[unlikely]] {
      if (ec == simdjson::INCORRECT_TYPE) return fail(errc::wrong_type, std::string(key) + " must be a string");
      return failure(ec, key);
    }
    if (s.find('\0') != std::string_view::npos) [[unlikely]] {
      return fail(errc::nul_byte, std::string(key) + " contains U+0000");
    }
    if (required_target != nullptr) required_target->assign(s);
    else optional_target->emplace(s);
  }
  if (const char* rest = nullptr; doc.current_location().get(rest) == simdjson::SUCCESS) [[unlikely]] {
    return fail(errc::invalid_json, "trailing content after the record");
  }

  if (!have_id) return fail(errc::missing_field, "page_id is required");
  if (!have_text) return fail(errc::missing_field, "text is required");
  const std::size_t id_chars = internal::count_code_points(page.page_id);
  if (id_chars == 0 || id_chars > max_page_id_chars) {
    return fail(errc::invalid_field, "page_id must have 1 to 256 characters, has " + std::to_string(id_chars));
  }
  if (page.edition_date && !is_valid_date(*page.edition_date)) {
    return fail(errc::invalid_field, "edition_date must be a date YYYY-MM-DD");
  }
  // simdjson validated the whole record as UTF-8 (an escaped lone surrogate is a string error),
  // and every string was searched for U+0000 above.
  page.text_checked = true;
  return page;
}

}  // namespace broadsheet::pipeline
