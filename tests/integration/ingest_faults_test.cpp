// The worker in this process against the embedded broker (librdkafka's mock cluster over TCP),
// with a fault probe that throws in chosen steps of chosen pages (issue 14, item 7): any
// exception of a step is a dead letter, committed like any page; std::bad_alloc stops the worker
// (exit status 1) without acknowledging its page, so that the next start processes it again.

#include <atomic>
#include <chrono>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "worker/embedded_broker.h"
#include "worker/ingest.h"
#include "worker/kafka.h"

namespace broadsheet::worker {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view step_names[] = {"parse", "clean", "sign", "decide", "publish"};

std::string page(std::string_view id) {
  return R"({"page_id":")" + std::string(id) +
         R"(","edition_date":"2025-04-01","text":"临河县召开推进会\n\n本报讯（记者林晓雨）昨日，全县推进会召开，)"
         R"(会议部署了今年的重点工作。"})";
}

struct dead_letter_seen {
  std::string key, code, message;
};

class ingest_faults : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.broker_partitions = 1;  // one partition: offsets say which page is committed
    config_.worker_id = "faults";
    config_.shutdown_deadline_seconds = 5;
    // A member that stopped on a fault is replaced within seconds, not the default 45 s.
    config_.kafka_properties = {{"log_level", "3"}, {"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
    auto b = embedded_broker::start(config_, 1);
    ASSERT_TRUE(b) << b.error();
    broker_.emplace(std::move(*b));
    bootstrap_ = broker_->bootstrap();
  }

  kafka_handle client(rd_kafka_type_t type, std::vector<std::pair<const char*, const char*>> properties = {}) {
    kafka_conf conf(rd_kafka_conf_new());
    char err[256];
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", bootstrap_.c_str(), err, sizeof err);
    for (const auto& [name, value] : properties)
      EXPECT_EQ(rd_kafka_conf_set(conf.get(), name, value, err, sizeof err), RD_KAFKA_CONF_OK) << err;
    auto c = make_client(std::move(conf), type, client_log::none);
    EXPECT_TRUE(c) << c.error();
    return std::move(*c);
  }

  void produce(const std::vector<std::string>& keys) {
    auto producer = client(RD_KAFKA_PRODUCER);
    for (const auto& key : keys) {
      const std::string value = page(key);
      ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(config_.input_topic.c_str()),
                                  RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_KEY(key.data(), key.size()),
                                  RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  // The dead letters, until `count` are read or 60 s pass.
  std::vector<dead_letter_seen> dead_letters(std::size_t count, std::chrono::seconds wait = 60s) {
    auto reader = client(RD_KAFKA_CONSUMER, {{"group.id", "faults-reader"}, {"enable.auto.commit", "false"}});
    partition_list list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), config_.dlq_topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(reader.get(), list.get());
    std::vector<dead_letter_seen> seen;
    for (const auto until = std::chrono::steady_clock::now() + wait;
         seen.size() < count && std::chrono::steady_clock::now() < until;) {
      kafka_message m(rd_kafka_consumer_poll(reader.get(), 100));
      if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      dead_letter_seen d;
      d.key.assign(static_cast<const char*>(m->key), m->key_len);
      rd_kafka_headers_t* h = nullptr;
      if (rd_kafka_message_headers(m.get(), &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const void* v = nullptr;
        std::size_t size = 0;
        if (rd_kafka_header_get_last(h, "error.code", &v, &size) == RD_KAFKA_RESP_ERR_NO_ERROR)
          d.code.assign(static_cast<const char*>(v), size);
        if (rd_kafka_header_get_last(h, "error.message", &v, &size) == RD_KAFKA_RESP_ERR_NO_ERROR)
          d.message.assign(static_cast<const char*>(v), size);
      }
      seen.push_back(std::move(d));
    }
    rd_kafka_consumer_close(reader.get());
    return seen;
  }

  // The group's committed offset of the input partition (-1001: none), once it reaches `at_least`
  // or `wait` passes.
  std::int64_t committed(std::int64_t at_least, std::chrono::seconds wait) {
    auto reader = client(RD_KAFKA_CONSUMER, {{"group.id", config_.group_id.c_str()}});
    std::int64_t offset = RD_KAFKA_OFFSET_INVALID;
    for (const auto until = std::chrono::steady_clock::now() + wait;;) {
      partition_list list(rd_kafka_topic_partition_list_new(1));
      rd_kafka_topic_partition_list_add(list.get(), config_.input_topic.c_str(), 0);
      if (rd_kafka_committed(reader.get(), list.get(), 5000) == RD_KAFKA_RESP_ERR_NO_ERROR)
        offset = list->elems[0].offset;
      if (offset >= at_least || std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(200ms);
    }
    rd_kafka_consumer_close(reader.get());
    return offset;
  }

  worker_config config_;
  std::optional<embedded_broker> broker_;
  std::string bootstrap_;
};

// Before: an exception in parse, clean or sign was a dead letter, one in decide or publish
// terminated the process.
TEST_F(ingest_faults, an_exception_in_any_step_is_a_dead_letter_and_committed) {
  // given: a page whose key names the step that throws, between good pages
  std::vector<std::string> keys{"good-1"};
  for (const auto name : step_names) keys.emplace_back(name);
  keys.emplace_back("good-2");
  produce(keys);
  ingest_worker worker(config_, bootstrap_, nullptr, [](page_step s, std::string_view key) {
    if (key == step_names[static_cast<int>(s)]) throw std::runtime_error("injected fault in " + std::string(key));
  });
  // when
  int code = -1;
  std::thread run([&] { code = worker.run_group(); });
  const auto letters = dead_letters(std::size(step_names));
  const auto offset = committed(static_cast<std::int64_t>(keys.size()), 60s);
  worker.stop();
  run.join();
  // then
  EXPECT_EQ(code, 0);
  std::map<std::string, dead_letter_seen> by_key;
  for (const auto& d : letters) by_key[d.key] = d;
  for (const auto name : step_names) {
    ASSERT_TRUE(by_key.contains(std::string(name))) << name << ": no dead letter";
    EXPECT_EQ(by_key[std::string(name)].code, "internal_error") << name;
    EXPECT_NE(by_key[std::string(name)].message.find("injected fault in"), std::string::npos) << name;
  }
  EXPECT_EQ(letters.size(), std::size(step_names)) << "good pages are not dead letters";
  EXPECT_EQ(offset, static_cast<std::int64_t>(keys.size())) << "every page committed, the dead letters too";
}

// Before: std::bad_alloc in parse, clean or sign was a dead letter whose offset was committed.
TEST_F(ingest_faults, out_of_memory_stops_the_worker_without_committing_its_page) {
  for (const auto failing : {page_step::parse, page_step::decide}) {
    SCOPED_TRACE(step_names[static_cast<int>(failing)]);
    // given: the second page of this round fails to allocate
    const std::string round = std::string(step_names[static_cast<int>(failing)]);
    const std::int64_t first = failing == page_step::parse ? 0 : 3;
    produce({"good-" + round, "oom-" + round, "after-" + round});
    ingest_worker worker(config_, bootstrap_, nullptr, [&](page_step s, std::string_view key) {
      if (s == failing && key == "oom-" + round) throw std::bad_alloc();
    });
    // when: it stops by itself
    int code = -1;
    std::atomic<bool> returned{false};
    std::thread run([&] {
      code = worker.run_group();
      returned = true;
    });
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (!returned && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
    const bool stopped_by_itself = returned;
    worker.stop();
    run.join();
    // then
    EXPECT_TRUE(stopped_by_itself);
    EXPECT_EQ(code, 1);
    EXPECT_LE(committed(first + 1, 1s), first + 1) << "nothing committed from the page that failed on";
    for (const auto& d : dead_letters(1, 3s)) EXPECT_NE(d.key, "oom-" + round) << "no dead letter: it is retried";
    // the next start processes it again (no fault now), and the partition moves on
    ingest_worker again(config_, bootstrap_);
    std::thread rerun([&] { code = again.run_group(); });
    EXPECT_EQ(committed(first + 3, 60s), first + 3);
    again.stop();
    rerun.join();
    EXPECT_EQ(code, 0);
  }
}

}  // namespace
}  // namespace broadsheet::worker
