#include "pipeline/result.h"

namespace broadsheet::pipeline {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::empty_record: return "empty_record";
    case errc::record_too_large: return "record_too_large";
    case errc::invalid_json: return "invalid_json";
    case errc::json_too_deep: return "json_too_deep";
    case errc::not_an_object: return "not_an_object";
    case errc::missing_field: return "missing_field";
    case errc::wrong_type: return "wrong_type";
    case errc::invalid_field: return "invalid_field";
    case errc::invalid_utf8: return "invalid_utf8";
    case errc::nul_byte: return "nul_byte";
    case errc::line_too_long: return "line_too_long";
    case errc::empty_text: return "empty_text";
    case errc::no_content: return "no_content";
  }
  return "unknown";
}

}  // namespace broadsheet::pipeline
