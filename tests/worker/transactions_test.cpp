#include "worker/transactions.h"

#include <deque>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "worker/acknowledged_offsets.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"

namespace broadsheet::worker {
namespace {

using namespace std::chrono_literals;

txn_outcome failure(rd_kafka_resp_err_t code, bool retriable = false, bool fatal = false) {
  txn_outcome outcome;
  outcome.code = code;
  outcome.retriable = retriable;
  outcome.fatal = fatal;
  outcome.message = rd_kafka_err2str(code);
  return outcome;
}

// The clients as a script: each call is written down ("commit 200": the call and its timeout) and
// answers with the next outcome queued for it, or success.
class fake_client final : public transaction_client {
 public:
  std::vector<std::string> calls;
  std::map<std::string, std::deque<txn_outcome>> outcomes;
  std::optional<std::vector<partition_offset>> assignment{std::vector<partition_offset>{}};
  std::vector<partition_offset> sought;
  std::function<void()> on_call;  // after each call is written down

  txn_outcome init(int ms) override { return answer("init", ms); }
  txn_outcome begin() override { return answer("begin", -1); }
  txn_outcome send_offsets(const std::map<std::int32_t, std::int64_t>& offsets, int ms) override {
    std::string name = "send_offsets";
    for (const auto& [p, o] : offsets) name += fmt::format(" {}:{}", p, o);
    return answer(name, ms);
  }
  txn_outcome commit(int ms) override { return answer("commit", ms); }
  txn_outcome abort(int ms) override { return answer("abort", ms); }
  std::optional<std::vector<partition_offset>> committed(int, const std::atomic<bool>&) override {
    calls.emplace_back("committed");
    return assignment;
  }
  std::string seek(const std::vector<partition_offset>& to, int) override {
    calls.emplace_back("seek");
    sought = to;
    return {};
  }

 private:
  txn_outcome answer(const std::string& name, int ms) {
    calls.push_back(ms < 0 ? name : fmt::format("{} {}", name, ms));
    if (on_call) on_call();
    auto& queued = outcomes[name];
    if (queued.empty()) return {};
    auto outcome = queued.front();
    queued.pop_front();
    return outcome;
  }
};

// A fake clock, a tracker and offsets of their own; the transactions begun at 1,000 s.
struct fixture {
  fixture() {
    auto owned = std::make_unique<fake_client>();
    client = owned.get();
    txn.emplace(std::move(owned), stop, offsets, tracker, metrics, fatal,
                [this](shutdown_control::time_point) { return drained; });
    EXPECT_TRUE(txn->init());
    EXPECT_TRUE(txn->begin());
    client->calls.clear();
  }

  // A page of the partition at the offset, acknowledged or not; its offset is then taken.
  void page(std::int32_t partition, std::int64_t offset, bool acknowledged) {
    const auto epoch = tracker.begin(partition, offset, 1);
    if (acknowledged) tracker.finish(partition, offset, epoch);
    offsets.advance();
  }

  // The count of broadsheet_commit_failures_total{code}.
  double commit_failures(const std::string& code) {
    const std::string text = metrics.scrape();
    const std::string series = "broadsheet_commit_failures_total{code=\"" + code + "\"} ";
    const auto at = text.find(series);
    return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
  }

  shutdown_control::time_point now{std::chrono::seconds(1000)};
  shutdown_control stop{5.0, [this] { return now; }};
  offset_tracker tracker;
  acknowledged_offsets offsets{tracker, nullptr, /*exactly_once=*/true};
  worker_metrics metrics;
  std::atomic<bool> fatal{false};
  bool drained = true;            // what the drain answers
  fake_client* client = nullptr;  // owned by txn
  std::optional<transactions> txn;
};

using calls = std::vector<std::string>;

TEST(transactions, a_barrier_commits_the_acknowledged_offsets_with_the_records_then_begins_the_next) {
  // given two acknowledged pages of partition 0 and one of partition 3
  fixture f;
  f.page(0, 10, true);
  f.page(0, 11, true);
  f.page(3, 4, true);

  // when
  f.txn->commit(f.now + 5s);

  // then the offsets past them go into the transaction, which commits, and the next begins
  EXPECT_EQ(f.client->calls, (calls{"send_offsets 0:12 3:5 200", "commit 200", "begin"}));
  EXPECT_EQ(f.metrics.commits.Value(), 1);
  EXPECT_TRUE(f.offsets.transaction().empty());
  EXPECT_FALSE(f.fatal);
}

TEST(transactions, a_barrier_with_nothing_acknowledged_commits_no_offsets_and_counts_no_commit) {
  fixture f;
  f.txn->commit(f.now + 5s);

  EXPECT_EQ(f.client->calls, (calls{"commit 200", "begin"}));
  EXPECT_EQ(f.metrics.commits.Value(), 0);
}

TEST(transactions, a_failed_delivery_aborts_it_and_rewinds_every_partition_to_its_committed_offset) {
  // given pages of partitions 0 and 1 in flight, one record of which failed
  fixture f;
  f.page(0, 10, true);
  f.page(0, 11, false);
  f.page(1, 3, false);
  f.client->assignment = std::vector<partition_offset>{{0, 7}, {1, RD_KAFKA_OFFSET_INVALID}};
  f.txn->abort_for(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
  EXPECT_TRUE(f.txn->abort_pending());

  // when the barrier comes
  f.txn->commit(f.now + 5s);

  // then nothing is committed: it aborts, each partition rewinds (one with no committed offset
  // to its beginning), its pages are forgotten, and the next transaction begins
  EXPECT_EQ(f.client->calls, (calls{"abort 200", "committed", "seek", "begin"}));
  ASSERT_EQ(f.client->sought.size(), 2u);
  EXPECT_EQ(f.client->sought[0].offset, 7);
  EXPECT_EQ(f.client->sought[1].offset, RD_KAFKA_OFFSET_BEGINNING);
  EXPECT_EQ(f.tracker.pending_pages(), 0u);
  EXPECT_TRUE(f.offsets.transaction().empty());
  EXPECT_FALSE(f.txn->abort_pending());
  EXPECT_EQ(f.commit_failures("_MSG_TIMED_OUT"), 1);
  EXPECT_EQ(f.metrics.commits.Value(), 0);
}

TEST(transactions, partitions_lost_make_the_next_barrier_due_and_abort_it) {
  // given a transaction begun at 1,000 s with nothing in it
  fixture f;
  f.now += 50ms;
  EXPECT_FALSE(f.txn->due(/*pages_in_flight=*/true)) << "too soon after its beginning";
  f.now += 50ms;
  EXPECT_TRUE(f.txn->due(true));
  EXPECT_FALSE(f.txn->due(false)) << "nothing to commit";

  // when partitions are lost
  f.txn->partitions_lost();

  // then the barrier is due, and aborts (no error of a call or a delivery: counted as timed out)
  EXPECT_TRUE(f.txn->due(false));
  f.txn->commit(f.now + 5s);
  EXPECT_EQ(f.client->calls, (calls{"abort 200", "committed", "seek", "begin"}));
  EXPECT_EQ(f.commit_failures("_TIMED_OUT"), 1);
  EXPECT_FALSE(f.txn->due(false)) << "the next transaction just began";
}

TEST(transactions, pages_not_acknowledged_by_the_deadline_abort_it) {
  fixture f;
  f.page(0, 10, true);
  f.drained = false;

  f.txn->commit(f.now + 5s);

  EXPECT_EQ(f.client->calls, (calls{"abort 200", "committed", "seek", "begin"}));
  EXPECT_EQ(f.commit_failures("_TIMED_OUT"), 1);
  EXPECT_TRUE(f.offsets.transaction().empty());
}

TEST(transactions, a_call_that_times_out_is_made_again_until_it_succeeds) {
  fixture f;
  f.client->outcomes["commit"] = {failure(RD_KAFKA_RESP_ERR__TIMED_OUT, /*retriable=*/true),
                                  failure(RD_KAFKA_RESP_ERR__TIMED_OUT, /*retriable=*/true)};

  f.txn->commit(f.now + 5s);

  EXPECT_EQ(f.client->calls, (calls{"commit 200", "commit 200", "commit 200", "begin"}));
  EXPECT_EQ(f.commit_failures("_TIMED_OUT"), 0);
}

TEST(transactions, a_call_still_timing_out_after_30_s_aborts_it_with_its_error) {
  // given a commit that times out every time, each attempt taking 10 s
  fixture f;
  const auto timed_out = failure(RD_KAFKA_RESP_ERR__TIMED_OUT, true);
  f.client->outcomes["commit"] = {timed_out, timed_out, timed_out};
  f.client->on_call = [&f] { f.now += 10s; };

  // when
  f.txn->commit(f.now + 5s);

  // then three attempts fill the 30 s, and the transaction aborts
  EXPECT_EQ(f.client->calls,
            (calls{"commit 200", "commit 200", "commit 200", "abort 200", "committed", "seek", "begin"}));
  EXPECT_EQ(f.commit_failures("_TIMED_OUT"), 1);
  EXPECT_FALSE(f.fatal);
}

TEST(transactions, a_fatal_error_stops_the_worker_without_an_abort_or_a_next_transaction) {
  fixture f;
  f.page(0, 10, true);
  f.client->outcomes["commit"] = {failure(RD_KAFKA_RESP_ERR__FENCED, false, /*fatal=*/true)};

  f.txn->commit(f.now + 5s);

  EXPECT_TRUE(f.fatal);
  EXPECT_EQ(f.client->calls, (calls{"send_offsets 0:11 200", "commit 200"}));
  EXPECT_EQ(f.commit_failures("_FENCED"), 1);
}

TEST(transactions, while_shutting_down_it_aborts_by_the_deadline_without_a_rewind) {
  // given a stop, and a shutdown with 50 ms left
  fixture f;
  f.page(0, 10, false);
  f.stop.request(f.now - 4950ms);
  const auto deadline = f.stop.begin();
  f.drained = false;

  // when its barrier cannot drain
  f.txn->commit(deadline);

  // then it aborts, with calls bounded by the deadline, and nothing more: the consumer closes and
  // the next start reads from the committed offsets
  EXPECT_EQ(f.client->calls, (calls{"abort 50"}));
  EXPECT_FALSE(f.fatal);
}

TEST(transactions, a_stop_asked_during_a_call_ends_it_and_the_shutdown_takes_over) {
  // given a commit that times out, and a stop asked meanwhile
  fixture f;
  f.client->outcomes["commit"] = {failure(RD_KAFKA_RESP_ERR__TIMED_OUT, true)};
  f.client->on_call = [&f] { f.stop.request(f.now); };

  // when
  f.txn->commit(f.now + 5s);

  // then it is not made again: the transaction aborts without a rewind, and no error is logged
  // for the interrupted call (its abort counts as timed out)
  EXPECT_EQ(f.client->calls, (calls{"commit 200", "abort 200"}));
  EXPECT_EQ(f.commit_failures("_TIMED_OUT"), 1);
  EXPECT_FALSE(f.fatal);
}

TEST(transactions, an_abort_with_no_assignment_to_rewind_still_begins_the_next) {
  fixture f;
  f.client->assignment.reset();
  f.txn->partitions_lost();

  f.txn->commit(f.now + 5s);

  EXPECT_EQ(f.client->calls, (calls{"abort 200", "committed", "begin"}));
}

TEST(transactions, init_fails_for_good_on_an_error_that_is_not_retriable) {
  // given a producer whose transactional initialisation times out once, then is refused
  auto owned = std::make_unique<fake_client>();
  auto& client = *owned;
  client.outcomes["init"] = {failure(RD_KAFKA_RESP_ERR__TIMED_OUT, true),
                             failure(RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED)};
  shutdown_control stop(5.0);
  offset_tracker tracker;
  acknowledged_offsets offsets(tracker, nullptr, true);
  worker_metrics metrics;
  std::atomic<bool> fatal{false};
  transactions txn(std::move(owned), stop, offsets, tracker, metrics, fatal,
                   [](shutdown_control::time_point) { return true; });

  // when, then
  EXPECT_FALSE(txn.init());
  EXPECT_EQ(client.calls, (calls{"init 200", "init 200"}));
  EXPECT_FALSE(fatal) << "not a fatal error: the run stops as a failed start";
}

}  // namespace
}  // namespace broadsheet::worker
