#include "worker/shutdown.h"

#include <chrono>

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

using namespace std::chrono_literals;
using time_point = shutdown_control::time_point;

// A steady clock that moves only when the test moves it; starts at 1,000 s.
struct fake_clock {
  time_point at{std::chrono::seconds(1000)};
  shutdown_control::now_function function() {
    return [this] { return at; };
  }
};

time_point seconds_at(double s) {
  return time_point(std::chrono::duration_cast<shutdown_control::duration>(std::chrono::duration<double>(s)));
}

TEST(shutdown_control, the_deadline_counts_from_the_signal_not_from_when_the_shutdown_begins) {
  // given a 5 s deadline and a signal at 1,000 s
  fake_clock clock;
  shutdown_control stop(5.0, clock.function());
  stop.request(clock.at);

  // when the poll loop turns to it 2 s later
  clock.at += 2s;
  const time_point deadline = stop.begin();

  // then 3 s are left, and the closing must be over 300 ms after the deadline
  EXPECT_EQ(deadline, seconds_at(1005));
  EXPECT_EQ(stop.ms_until(deadline), 3000);
  EXPECT_EQ(stop.close_by(), seconds_at(1005.3));
}

TEST(shutdown_control, the_first_signal_counts_and_a_stop_the_worker_asks_itself_counts_from_the_shutdown) {
  fake_clock clock;
  shutdown_control signalled(10.0, clock.function());
  signalled.request(clock.at);
  signalled.request(clock.at + 4s);  // a second SIGTERM does not move the deadline
  shutdown_control by_itself(10.0, clock.function());
  by_itself.request();  // a fatal error, the end of a range: no time of its own

  clock.at += 1s;

  EXPECT_EQ(signalled.begin(), seconds_at(1010));
  EXPECT_EQ(by_itself.begin(), seconds_at(1011));
}

TEST(shutdown_control, a_signal_stamped_after_now_counts_from_now) {
  // the signal's reading of the clock is later than the shutdown's own (another thread's clock)
  fake_clock clock;
  shutdown_control stop(2.0, clock.function());
  stop.request(clock.at + 500ms);

  EXPECT_EQ(stop.begin(), seconds_at(1002));
}

TEST(shutdown_control, a_stop_interrupts_the_waits_outside_the_shutdown_but_not_the_shutdowns_own) {
  // given a running worker waiting until 1,003 s
  fake_clock clock;
  shutdown_control stop(5.0, clock.function());
  const time_point until = seconds_at(1003);
  EXPECT_FALSE(stop.expired(until));

  // when a stop is asked: the wait ends at once
  stop.request(clock.at);
  EXPECT_TRUE(stop.interrupted());
  EXPECT_TRUE(stop.expired(until));

  // then, shutting down, its own waits go on until their deadline, and not past it
  const time_point deadline = stop.begin();
  EXPECT_TRUE(stop.shutting_down());
  EXPECT_FALSE(stop.interrupted());
  clock.at += 4999ms;
  EXPECT_FALSE(stop.expired(deadline));
  EXPECT_EQ(stop.ms_until(deadline), 1);
  clock.at += 1ms;
  EXPECT_TRUE(stop.expired(deadline));
  EXPECT_EQ(stop.ms_until(deadline), 0);
  clock.at += 1h;
  EXPECT_EQ(stop.ms_until(deadline), 0);
}

TEST(shutdown_control, a_run_that_fails_before_its_poll_loop_closes_within_the_allowance_from_now) {
  fake_clock clock;
  shutdown_control stop(30.0, clock.function());
  stop.request();

  clock.at += 7s;

  EXPECT_FALSE(stop.shutting_down());
  EXPECT_EQ(stop.close_by(), seconds_at(1007.3));
  EXPECT_EQ(stop.close_budget(), 30300ms);
}

TEST(shutdown_control, a_revocation_drains_and_commits_while_running_and_does_nothing_once_shutting_down) {
  fake_clock clock;
  shutdown_control stop(5.0, clock.function());

  EXPECT_EQ(stop.revocation(/*lost=*/false, /*exactly_once=*/false), revocation_step::drain_and_commit);
  EXPECT_EQ(stop.revocation(/*lost=*/true, /*exactly_once=*/false), revocation_step::nothing);
  EXPECT_EQ(stop.revocation(/*lost=*/false, /*exactly_once=*/true), revocation_step::commit_transaction);
  EXPECT_EQ(stop.revocation(/*lost=*/true, /*exactly_once=*/true), revocation_step::abort_transaction);

  // a stop asked, the shutdown not begun: a rebalance still finishes its partitions' pages
  stop.request(clock.at);
  EXPECT_EQ(stop.revocation(false, false), revocation_step::drain_and_commit);

  // the consumer's close, after the shutdown's own drain and commit
  stop.begin();
  for (const bool lost : {false, true})
    for (const bool exactly_once : {false, true})
      EXPECT_EQ(stop.revocation(lost, exactly_once), revocation_step::nothing) << lost << exactly_once;
}

TEST(shutdown_control, a_revocation_drains_for_the_shutdown_deadline_at_most_10_s_then_waits_5_s_for_its_commit) {
  fake_clock clock;
  shutdown_control quick(3.0, clock.function());
  shutdown_control patient(60.0, clock.function());

  EXPECT_EQ(quick.revocation_drain_until(), seconds_at(1003));
  EXPECT_EQ(patient.revocation_drain_until(), seconds_at(1010));
  EXPECT_EQ(patient.revocation_commit_until(), seconds_at(1005));
  EXPECT_EQ(patient.deadline_from_now(), seconds_at(1060));
}

TEST(shutdown_control, the_exit_status_is_1_when_anything_was_left_undelivered) {
  EXPECT_EQ(shutdown_control::exit_status(0, 0, 0), 0);  // graceful, everything acknowledged
  EXPECT_EQ(shutdown_control::exit_status(0, 3, 0), 1);  // pages not acknowledged by the deadline
  EXPECT_EQ(shutdown_control::exit_status(0, 0, 2), 1);  // records purged at the deadline
  EXPECT_EQ(shutdown_control::exit_status(1, 0, 0), 1);  // fatal, whatever was delivered
  EXPECT_EQ(shutdown_control::exit_status(1, 4, 4), 1);
}

TEST(shutdown_control, the_signal_safe_clock_reads_the_steady_clock) {
  const auto before = std::chrono::steady_clock::now();
  const auto read = signal_safe_now();
  const auto after = std::chrono::steady_clock::now();
  EXPECT_LE(before, read);
  EXPECT_LE(read, after);
}

}  // namespace
}  // namespace broadsheet::worker
