#pragma once
// The fate of an exception in a step of a page: anything thrown makes the page a dead letter
// (internal_error), wherever it is thrown (parse, clean, sign, decide, publish), except running out
// of memory: that stops the worker (fatal, exit status 1) with the page unacknowledged, so that
// nothing is committed for it and the next start processes it again. Any thread; a page's steps
// run one at a time.

#include <atomic>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "worker/page_job.h"

namespace broadsheet::worker {

class page_guard {
 public:
  // input_topic: for the log fields of a page; fatal: the worker's flag, set when memory runs
  // out. The flag outlives the guard.
  page_guard(std::string input_topic, std::atomic<bool>& fatal) : input_topic_(std::move(input_topic)), fatal_(fatal) {}

  // Runs f, a step (`what`, for the log) of the job's page. False when f threw: the page is then a
  // dead letter, with what it had made dropped, or, out of memory, failed.
  template <class F>
  bool run(page_job& job, std::string_view what, F&& f) const noexcept {
    std::string error;
    try {
      f();
      return true;
    } catch (const std::bad_alloc&) {
      out_of_memory(job, what);
      return false;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "an exception of no standard type";
    }
    reject(job, what, error);
    return false;
  }

 private:
  void reject(page_job& job, std::string_view what, std::string_view error) const noexcept;
  // Out of memory on the job's page: it is never acknowledged, and the worker stops.
  void out_of_memory(page_job& job, std::string_view what) const noexcept;

  const std::string input_topic_;
  std::atomic<bool>& fatal_;
};

}  // namespace broadsheet::worker
