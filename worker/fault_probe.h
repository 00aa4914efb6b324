#pragma once
// The steps of a page in the worker, and the fault probe: a test seam called at the start of each.

#include <functional>
#include <optional>
#include <string_view>

namespace broadsheet::worker {

// The steps of a page in the worker, for fault_probe.
enum class page_step { parse, clean, sign, decide, publish };

// A test seam: called at the start of each step of each page with the input record's key (empty
// when it has none), on the thread running the step. Tests make it throw, to see that an
// exception in any step becomes a dead letter and std::bad_alloc a fatal stop. Empty in the
// worker: nothing is called.
using fault_probe = std::function<void(page_step, std::string_view key)>;

// The probe, when a test gave one, at the start of a step of the page with that key.
inline void probe_step(const fault_probe& probe, page_step step, std::optional<std::string_view> key) {
  if (probe) [[unlikely]] {
    probe(step, key.value_or(std::string_view()));
  }
}

}  // namespace broadsheet::worker
