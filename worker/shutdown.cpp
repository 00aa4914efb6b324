#include "worker/shutdown.h"

#include <algorithm>
#include <ctime>
#include <limits>

namespace broadsheet::worker {

namespace {

shutdown_control::duration duration_of(double seconds) {
  return std::chrono::duration_cast<shutdown_control::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

shutdown_control::shutdown_control(double deadline_seconds, now_function now)
    : deadline_duration_(duration_of(deadline_seconds)), now_(std::move(now)) {}

void shutdown_control::request(time_point asked) noexcept {
  const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(asked.time_since_epoch()).count();
  std::int64_t none = 0;
  asked_ns_.compare_exchange_strong(none, std::max<std::int64_t>(ns, 1));
  requested_ = true;
}

shutdown_control::time_point shutdown_control::begin() {
  requested_ = true;
  const std::int64_t asked = asked_ns_.load();
  const time_point current = now();
  const time_point from =
      asked > 0 ? time_point(std::chrono::duration_cast<duration>(std::chrono::nanoseconds(asked))) : current;
  deadline_ = std::min(from, current) + deadline_duration_;
  return *deadline_;
}

int shutdown_control::ms_until(time_point until) const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now()).count();
  return static_cast<int>(std::clamp<std::int64_t>(left, 0, std::numeric_limits<int>::max()));
}

shutdown_control::time_point shutdown_control::close_by() const {
  return (deadline_ ? *deadline_ : now()) + close_allowance;
}

revocation_step shutdown_control::revocation(bool lost, bool exactly_once) const noexcept {
  if (shutting_down()) return revocation_step::nothing;
  if (exactly_once) return lost ? revocation_step::abort_transaction : revocation_step::commit_transaction;
  return lost ? revocation_step::nothing : revocation_step::drain_and_commit;
}

shutdown_control::time_point shutdown_control::revocation_drain_until() const {
  return now() + std::min(deadline_duration_, std::chrono::duration_cast<duration>(revocation_drain_bound));
}

int shutdown_control::exit_status(int code, std::size_t pages_unacknowledged, std::size_t records_purged) noexcept {
  return pages_unacknowledged == 0 && records_purged == 0 ? code : std::max(code, 1);
}

shutdown_control::time_point signal_safe_now() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return shutdown_control::time_point(std::chrono::duration_cast<shutdown_control::duration>(
      std::chrono::nanoseconds(std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec)));
}

}  // namespace broadsheet::worker
