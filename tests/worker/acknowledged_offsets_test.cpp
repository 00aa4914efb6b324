#include "worker/acknowledged_offsets.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

namespace broadsheet::worker {
namespace {

// A consumer's offset store that writes down what it was given.
class fake_store final : public offset_store {
 public:
  explicit fake_store(std::vector<std::map<std::int32_t, std::int64_t>>& calls) : calls_(calls) {}
  rd_kafka_resp_err_t store(const std::vector<offset_tracker::commit_point>& points) override {
    auto& call = calls_.emplace_back();
    for (const auto& p : points) call[p.partition] = p.next_offset;
    return RD_KAFKA_RESP_ERR_NO_ERROR;
  }

 private:
  std::vector<std::map<std::int32_t, std::int64_t>>& calls_;
};

struct fixture {
  explicit fixture(bool exactly_once) : offsets(tracker, std::make_unique<fake_store>(stored), exactly_once) {}
  offset_tracker tracker;
  std::vector<std::map<std::int32_t, std::int64_t>> stored;  // a map for each call of the store
  acknowledged_offsets offsets;
};

TEST(acknowledged_offsets, stores_the_end_of_each_acknowledged_prefix_for_the_next_commit) {
  // given pages of two partitions, some acknowledged
  fixture f(false);
  auto& [tracker, stored, offsets] = f;
  const auto e0 = tracker.begin(0, 10, 1);
  tracker.begin(0, 11, 1);
  const auto e1 = tracker.begin(1, 3, 1);
  tracker.finish(0, 10, e0);
  tracker.finish(1, 3, e1);

  // when
  offsets.advance();
  offsets.advance();  // nothing new

  // then one store, past what is acknowledged, and nothing for the transaction
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0], (std::map<std::int32_t, std::int64_t>{{0, 11}, {1, 4}}));
  EXPECT_TRUE(offsets.transaction().empty());
}

TEST(acknowledged_offsets, in_exactly_once_mode_keeps_them_for_the_transaction_instead) {
  // given
  fixture f(true);
  auto& [tracker, stored, offsets] = f;
  const auto epoch = tracker.begin(2, 5, 1);
  tracker.begin(2, 6, 1);

  // when the pages are acknowledged one by one
  tracker.finish(2, 5, epoch);
  offsets.advance();
  tracker.finish(2, 6, epoch);
  offsets.advance();

  // then the transaction holds the latest, nothing is stored, and its end forgets them
  EXPECT_TRUE(stored.empty());
  EXPECT_EQ(offsets.transaction(), (std::map<std::int32_t, std::int64_t>{{2, 7}}));
  offsets.transaction_ended();
  EXPECT_TRUE(offsets.transaction().empty());
}

}  // namespace
}  // namespace broadsheet::worker
