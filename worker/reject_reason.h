#pragma once
// Why a page is rejected, as a value: one of the pipeline's codes (pipeline/result.h) or one the
// worker finds itself. Its name is the dead letter's `error.code` header and the `reason` label
// of the metrics; error_names and worker_reason_names are the only lists of them.

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

#include "pipeline/result.h"

namespace broadsheet::worker {

// The worker's own reasons: anything thrown while a page was processed, a page whose article
// would be a record over the producer's message.max.bytes, a record with a null value (a
// tombstone, whose dead letter keeps it null).
enum class worker_reason : std::uint8_t { internal_error, article_too_large, tombstone };

inline constexpr std::array<std::string_view, 3> worker_reason_names{"internal_error", "article_too_large",
                                                                     "tombstone"};
static_assert(static_cast<std::size_t>(worker_reason::tombstone) + 1 == worker_reason_names.size());

class reject_reason {
 public:
  reject_reason(pipeline::errc code) noexcept : code_(code) {}  // NOLINT: a pipeline code is a reason
  reject_reason(worker_reason code) noexcept : code_(code) {}   // NOLINT: so is the worker's own

  [[nodiscard]] std::string_view name() const noexcept {
    if (const auto* own = std::get_if<worker_reason>(&code_))
      return worker_reason_names[static_cast<std::size_t>(*own)];
    return pipeline::to_string(std::get<pipeline::errc>(code_));
  }

  friend bool operator==(const reject_reason&, const reject_reason&) = default;

 private:
  std::variant<pipeline::errc, worker_reason> code_;
};

}  // namespace broadsheet::worker
