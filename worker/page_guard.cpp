#include "worker/page_guard.h"

#include <spdlog/spdlog.h>

#include "worker/dead_letter.h"
#include "worker/logging.h"
#include "worker/metrics.h"

namespace broadsheet::worker {

void page_guard::reject(page_job& job, std::string_view what, std::string_view error) const noexcept {
  try {
    log_record(spdlog::level::err, page_fields(&job, input_topic_, reject_reason(worker_reason::internal_error).name()),
               "page failed in {}: {}", what, error);
    job.articles.clear();
    job.signatures.clear();
    job.encoded_signatures.clear();
    job.jsons.clear();
    job.corrections.clear();
    job.rejection = worker_reason::internal_error;
    job.error_message = short_error_message(error);
  } catch (const std::bad_alloc&) {
    out_of_memory(job, what);
  }
}

void page_guard::out_of_memory(page_job& job, std::string_view what) const noexcept {
  job.failed = true;
  fatal_ = true;
  // spdlog formats into a buffer on the stack for a line this short.
  spdlog::critical(
      "out of memory in {}: stopping (exit 1) without acknowledging page at partition={} offset={}, "
      "which the next start processes again",
      what, job.partition, job.offset);
}

}  // namespace broadsheet::worker
