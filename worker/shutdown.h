#pragma once
// The worker's stop, as a state machine over time, and its deadline arithmetic:
//
//   running ── request() (a signal, or the worker itself) ──► stop requested
//      waits outside the shutdown end (interrupted()), the poll loop leaves
//   stop requested ── begin() ──► shutting down, until the deadline
//      draining, the last transaction, the flush; a revocation no longer drains or commits
//   shutting down ── the deadline ──► closing, until close_by() (the deadline + close_allowance)
//      what is left is purged, the stored offsets committed, the consumer closed
//   closing ──► stopped, with exit_status()
//
// The deadline counts from the signal, not from when the poll loop turns to it. The clock is
// injected (steady_clock's now in the worker, a fake in tests); nothing here talks to Kafka.
//
// Thread rules: request(), requested() and flag() from any thread, request() also from a signal
// handler (it only stores atomics); everything else on the poll loop's thread (and in the
// callbacks it serves).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace broadsheet::worker {

// What a revocation of partitions does before they are dropped and unassigned.
enum class revocation_step {
  nothing,             // lost in at-least-once mode (another member owns them), or the consumer's close
  abort_transaction,   // lost in exactly-once mode: the transaction holds their pages
  commit_transaction,  // revoked in exactly-once mode: their pages committed with the transaction
  drain_and_commit,    // revoked: their pages finished, then their offsets committed
};

class shutdown_control {
 public:
  using clock_type = std::chrono::steady_clock;
  using time_point = clock_type::time_point;
  using duration = clock_type::duration;
  using now_function = std::function<time_point()>;

  // What the end of a stop may take after the shutdown deadline: the last commit, closing the
  // consumers (a commit, leaving the group) while brokers do not answer. The process exits within
  // the deadline plus a second.
  static constexpr auto close_allowance = std::chrono::milliseconds(300);
  // A revocation drains for at most the shutdown deadline or this, whichever is shorter, and then
  // waits this long for its commit: together below the session timeout.
  static constexpr auto revocation_drain_bound = std::chrono::seconds(10);
  static constexpr auto revocation_commit_wait = std::chrono::seconds(5);

  // deadline_seconds: worker.shutdown_deadline_seconds.
  explicit shutdown_control(double deadline_seconds, now_function now = &clock_type::now);

  // A stop asked at `asked` (the steady clock's time); the first ask's time counts.
  // Async-signal-safe.
  void request(time_point asked) noexcept;
  // A stop the worker asks itself (a fatal error, a range consumed, the end of a run): the
  // deadline then counts from the shutdown's beginning.
  void request() noexcept { requested_ = true; }
  [[nodiscard]] bool requested() const noexcept { return requested_; }
  // The stop flag, for waits that look at one (partition_count, in_slices, the signatures reader).
  [[nodiscard]] const std::atomic<bool>& flag() const noexcept { return requested_; }

  // Begins the shutdown (the stop is requested too), and returns its deadline: the shutdown
  // deadline after the stop was asked, or after now when that is earlier or it was not asked.
  time_point begin();
  [[nodiscard]] bool shutting_down() const noexcept { return deadline_.has_value(); }
  [[nodiscard]] const std::optional<time_point>& deadline() const noexcept { return deadline_; }

  // A wait outside the shutdown ends as soon as a stop is asked (the shutdown takes over); the
  // shutdown's own waits go on until their deadline.
  [[nodiscard]] bool interrupted() const noexcept { return requested_ && !deadline_; }
  // A wait until `until` ends: it has passed, or the wait is interrupted.
  [[nodiscard]] bool expired(time_point until) const { return now() >= until || interrupted(); }
  // As long from now as the shutdown deadline: the bound of the poll loop's transaction barriers.
  [[nodiscard]] time_point deadline_from_now() const { return now() + deadline_duration_; }
  // Milliseconds from now until `until`, 0 when it has passed.
  [[nodiscard]] int ms_until(time_point until) const;

  // When the closing must be over: close_allowance after the deadline, or after now when no
  // shutdown began (a run that failed before its poll loop).
  [[nodiscard]] time_point close_by() const;
  // What a closing may take, from the shutdown's beginning: the signatures reader's close bound.
  [[nodiscard]] duration close_budget() const noexcept { return deadline_duration_ + close_allowance; }

  // What a revocation does, lost (rd_kafka_assignment_lost) or not. Once the shutdown began, it is
  // the consumer's close: the shutdown drained and committed up to its deadline already.
  [[nodiscard]] revocation_step revocation(bool lost, bool exactly_once) const noexcept;
  // Until when a revocation drains: the shutdown deadline or revocation_drain_bound from now,
  // whichever is sooner. Also the deadline of a revocation's transaction.
  [[nodiscard]] time_point revocation_drain_until() const;
  // Until when a revocation waits for its commit.
  [[nodiscard]] time_point revocation_commit_until() const { return now() + revocation_commit_wait; }

  // The exit status of a run that stops with `code` (0 graceful, 1 fatal): 1 when pages were
  // left unacknowledged or records purged undelivered (their offsets are not committed, so the
  // next start processes them again).
  [[nodiscard]] static int exit_status(int code, std::size_t pages_unacknowledged, std::size_t records_purged) noexcept;

  [[nodiscard]] time_point now() const { return now_(); }

 private:
  const duration deadline_duration_;
  const now_function now_;
  std::atomic<bool> requested_{false};
  // When request(time) was first called, in nanoseconds of the steady clock (0: not yet).
  std::atomic<std::int64_t> asked_ns_{0};
  std::optional<time_point> deadline_;  // from begin() on
};

// The steady clock's time read with clock_gettime(CLOCK_MONOTONIC), which is async-signal-safe
// (steady_clock reads the same clock), for request() in a signal handler.
[[nodiscard]] shutdown_control::time_point signal_safe_now() noexcept;

}  // namespace broadsheet::worker
