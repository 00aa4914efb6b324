#include "pipeline/result.h"

namespace broadsheet::pipeline {

std::string_view to_string(errc code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < error_names.size() ? error_names[i] : "unknown";
}

}  // namespace broadsheet::pipeline
