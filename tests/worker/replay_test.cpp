#include "worker/replay.h"

#include <gtest/gtest.h>

#include <optional>

#include "worker/embedded_broker.h"
#include "worker/kafka.h"

namespace broadsheet::worker {
namespace {

TEST(Replay, ParsesRfc3339Times) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-02T00:00:01.250Z"), 86'401'250);
  EXPECT_EQ(parse_rfc3339_ms("2025-03-18T08:00:00+08:00"), parse_rfc3339_ms("2025-03-18T00:00:00Z"));
  EXPECT_EQ(parse_rfc3339_ms("2025-03-17T19:00:00-05:00"), parse_rfc3339_ms("2025-03-18T00:00:00Z"));
  EXPECT_EQ(parse_rfc3339_ms("2025-03-18T00:00:00Z"), 1'742'256'000'000);
}

TEST(Replay, RejectsWhatIsNotATime) {
  for (const char* s : {"", "beginning", "42", "2025-03-18", "2025-02-30T00:00:00Z", "2025-03-18T00:00:00",
                        "2025-03-18T25:00:00Z", "2025-03-18T00:00:00+0800", "2025-03-18T00:00:00Zjunk"})
    EXPECT_FALSE(parse_rfc3339_ms(s).has_value()) << s;
}

// `replay --from yesterday` used to be found wrong only after a broker was started and asked.
TEST(Replay, ReadsOffsetSpecsWithoutABroker) {
  using form = offset_spec::form;
  EXPECT_EQ(parse_offset_spec("beginning")->what, form::beginning);
  EXPECT_EQ(parse_offset_spec("end")->what, form::end);
  EXPECT_EQ(parse_offset_spec("42")->value, 42);
  EXPECT_EQ(parse_offset_spec("2025-03-18T00:00:00Z")->value, 1'742'256'000'000);
  EXPECT_EQ(parse_offset_spec("0:4,2:7")->partitions, (std::map<std::int32_t, std::int64_t>{{0, 4}, {2, 7}}));
  for (const char* bad : {"yesterday", "", "-1", "0:", ":4", "0:4,x", "0:4;1:2", "2025-03-18", "99999999999:1"}) {
    const auto spec = parse_offset_spec(bad);
    ASSERT_FALSE(spec) << bad;
    EXPECT_NE(spec.error().find("bad offset spec"), std::string::npos) << spec.error();
  }
}

// Against the embedded broker over TCP: a partition with records at known timestamps.
class ReplayRange : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.broker_partitions = 2;
    auto b = embedded_broker::start(config_, 1);
    ASSERT_TRUE(b) << b.error();
    broker_.emplace(std::move(*b));
    kafka_conf conf(rd_kafka_conf_new());
    char err[256];
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", broker_->bootstrap().c_str(), err, sizeof err);
    auto p = make_client(std::move(conf), RD_KAFKA_PRODUCER);
    ASSERT_TRUE(p) << p.error();
    client_ = std::move(*p);
    // Partition 0: offsets 0..9 at times 1000, 2000, … 10000 ms; partition 1 stays empty.
    for (int i = 0; i < 10; ++i) {
      const std::string value = "page " + std::to_string(i);
      ASSERT_EQ(rd_kafka_producev(client_.get(), RD_KAFKA_V_TOPIC("pages.raw"), RD_KAFKA_V_PARTITION(0),
                                  RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP((i + 1) * 1000),
                                  RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(client_.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  offset_range range(std::string_view from, std::string_view to, offset_lookup& lookup) {
    auto r = resolve_range(client_.get(), "pages.raw", from, to, lookup);
    EXPECT_TRUE(r) << r.error();
    return r ? *r : offset_range{};
  }

  worker_config config_;
  std::optional<embedded_broker> broker_;
  kafka_handle client_;
};

TEST_F(ReplayRange, NamedOffsets) {
  auto lookup = kafka_offset_lookup(client_.get());
  EXPECT_EQ(range("beginning", "end", *lookup), (offset_range{{0, {0, 10}}, {1, {0, 0}}}));
  EXPECT_EQ(range("3", "end", *lookup), (offset_range{{0, {3, 10}}, {1, {0, 0}}}));
  EXPECT_EQ(range("0:4", "0:6", *lookup), (offset_range{{0, {4, 6}}, {1, {0, 0}}}));
  EXPECT_EQ(range("0:8", "0:2", *lookup), (offset_range{{0, {8, 8}}, {1, {0, 0}}})) << "an empty range, not a negative one";
  EXPECT_FALSE(resolve_range(client_.get(), "pages.raw", "yesterday", "end", *lookup));
  EXPECT_FALSE(resolve_range(client_.get(), "pages.raw", "9:1", "end", *lookup)) << "no partition 9";
}

// The embedded broker answers a ListOffsets by time with -1, so the time lookup is tested with
// the scan lookup (reads timestamps) and, for the seam itself, a fixed double.
TEST_F(ReplayRange, TimesThroughTheScanLookup) {
  auto lookup = scan_offset_lookup(client_.get());
  EXPECT_EQ(range("1970-01-01T00:00:03.500Z", "1970-01-01T00:00:07Z", *lookup),
            (offset_range{{0, {3, 6}}, {1, {0, 0}}}));
  EXPECT_EQ(range("1970-01-01T00:01:00Z", "end", *lookup), (offset_range{{0, {10, 10}}, {1, {0, 0}}}))
      << "a time after the last record is the end";
}

TEST_F(ReplayRange, TimesGoThroughTheLookupSeam) {
  struct fixed final : offset_lookup {
    tl::expected<std::map<std::int32_t, std::int64_t>, std::string> offsets_for_time(const std::string&, int,
                                                                                     std::int64_t ms) override {
      asked.push_back(ms);
      return std::map<std::int32_t, std::int64_t>{{0, 5}, {1, 0}};
    }
    std::vector<std::int64_t> asked;
  } lookup;
  EXPECT_EQ(range("2025-03-18T00:00:00Z", "end", lookup), (offset_range{{0, {5, 10}}, {1, {0, 0}}}));
  EXPECT_EQ(lookup.asked, (std::vector<std::int64_t>{1'742'256'000'000}));
}

TEST(Replay, RecordsPastTheirPartitionsEndOrOfNoPartitionInTheRangeAreNotProcessed) {
  const offset_range range{{0, {5, 10}}, {2, {0, 0}}};
  EXPECT_FALSE(past_range_end(range, 0, 5));
  EXPECT_FALSE(past_range_end(range, 0, 9));
  EXPECT_TRUE(past_range_end(range, 0, 10));
  EXPECT_TRUE(past_range_end(range, 2, 0)) << "an empty range";
  EXPECT_TRUE(past_range_end(range, 1, 0)) << "a partition not replayed";
}

TEST(Replay, ARangeIsConsumedWhenEveryPartitionWithRecordsIsAtItsEnd) {
  // partition 0: [5, 10); partition 1: empty, nothing to wait for
  const offset_range range{{0, {5, 10}}, {1, {7, 7}}};
  EXPECT_FALSE(range_consumed(range, {}));
  EXPECT_FALSE(range_consumed(range, {{0, RD_KAFKA_OFFSET_INVALID}, {1, RD_KAFKA_OFFSET_INVALID}}))
      << "not fetched yet";
  EXPECT_FALSE(range_consumed(range, {{0, 9}}));
  EXPECT_TRUE(range_consumed(range, {{0, 10}}));
  EXPECT_TRUE(range_consumed(range, {{0, 12}, {1, RD_KAFKA_OFFSET_INVALID}}));
}

}  // namespace
}  // namespace broadsheet::worker
