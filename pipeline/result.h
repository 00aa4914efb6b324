#pragma once
// Errors of the pipeline are values, never exceptions (STYLE.md §5). Every reason a page can be
// rejected has its own code; the worker uses to_string(code) as the dead-letter `error.code`.

#include <array>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace broadsheet::pipeline {

enum class errc {
  empty_record,      // the record has no bytes at all
  record_too_large,  // the record is larger than the configured limit
  invalid_json,      // not well-formed JSON (or trailing content after the object)
  json_too_deep,     // nesting deeper than the configured depth
  not_an_object,     // well-formed JSON, but the top level is not an object
  missing_field,     // a required field (page_id, text) is absent
  wrong_type,        // a known field has the wrong JSON type
  invalid_field,     // a known field has the right type but an invalid value
  invalid_utf8,      // the text is not valid UTF-8 (or a string escapes a lone surrogate)
  nul_byte,          // the text contains U+0000
  line_too_long,     // one line of the text is longer than the configured limit
  empty_text,        // the text is empty or only white space
  no_content,        // after removing page furniture nothing is left, or only punctuation and symbols
};

// Every code's name, in the enum's order: the one list that to_string, the dead letters'
// `error.code` and the worker's `reason` labels read.
inline constexpr std::array<std::string_view, 13> error_names{
    "empty_record",  "record_too_large", "invalid_json",  "json_too_deep", "not_an_object",
    "missing_field", "wrong_type",       "invalid_field", "invalid_utf8",  "nul_byte",
    "line_too_long", "empty_text",       "no_content"};
static_assert(static_cast<std::size_t>(errc::no_content) + 1 == error_names.size(), "a name for every code");

[[nodiscard]] std::string_view to_string(errc code) noexcept;

struct error {
  errc code;
  std::string message;  // short human context: which field, which limit, where
};

template <class T>
using result = tl::expected<T, error>;

[[nodiscard]] inline tl::unexpected<error> fail(errc code, std::string message) {
  return tl::unexpected<error>(error{code, std::move(message)});
}

}  // namespace broadsheet::pipeline
