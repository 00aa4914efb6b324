#pragma once
// The pool's work on a page: parse, clean and segment (the pipeline), then each article's JSON
// made and weighed against the record limit, then, with dedup, each article signed. A page that
// fails any of it is rejected as a value (its rejection and error message), to become a dead
// letter. Exceptions are not caught here: the pool runs it under page_guard.
//
// Made once the record limit is known, before the pool starts; shared by the pool's threads
// (process() is const and thread-safe), each with a thread_state of its own.

#include <cstddef>
#include <optional>

#include "pipeline/dedup.h"
#include "pipeline/page_processor.h"
#include "worker/config.h"
#include "worker/fault_probe.h"
#include "worker/page_job.h"
#include "worker/record_headers.h"

namespace broadsheet::worker {

class worker_metrics;

class page_processing {
 public:
  // A pool thread's own pipeline: a page processor and, with dedup, a signer.
  struct thread_state {
    explicit thread_state(const worker_config& config);
    pipeline::page_processor processor;
    std::optional<pipeline::signer> signer;
  };

  // record_limit: the largest record produced (output_record_limit). The propagated headers and
  // the metrics outlive this.
  page_processing(std::size_t record_limit, const propagated_headers& propagated, worker_metrics& metrics,
                  fault_probe probe);

  // Fills the job from its input record's value: its page_id, articles, their JSON, and with
  // dedup their signatures; or its rejection: tombstone (no value), a pipeline errc, or
  // article_too_large (an article over the record limit, with room for any later decision: the
  // whole page is rejected and the index never learns it).
  void process(thread_state& state, page_job& job) const;

 private:
  bool serialize(page_job& job) const;

  const std::size_t record_limit_;
  const propagated_headers& propagated_;
  worker_metrics& metrics_;
  const fault_probe probe_;
};

}  // namespace broadsheet::worker
