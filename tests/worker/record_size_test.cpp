#include "worker/record_size.h"

#include <climits>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/article_json.h"
#include "tests/support/brokerless_producer.h"

namespace broadsheet::worker {
namespace {

rd_kafka_resp_err_t produce(rd_kafka_t* rk, const std::string& key, const std::string& value,
                            const std::string& header_name, const std::string& header_value) {
  rd_kafka_headers_t* h = rd_kafka_headers_new(1);
  rd_kafka_header_add(h, header_name.data(), static_cast<ssize_t>(header_name.size()), header_value.data(),
                      static_cast<ssize_t>(header_value.size()));
  const auto err = rd_kafka_producev(
      rk, RD_KAFKA_V_TOPIC("t"), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_headers_destroy(h);
  return err;
}

TEST(record_size, weighs_a_record_as_librdkafka_does_to_the_byte) {
  constexpr std::size_t limit = 4096;
  const auto rk = testing::brokerless_producer(limit);
  // Header lengths on both sides of a varint's step (63 and 64 take one and two bytes zigzagged).
  for (const std::size_t name : {1, 63, 64, 200}) {
    for (const std::size_t header_value : {0, 63, 64, 1000}) {
      for (const std::size_t key : {0, 10, 300}) {
        const std::string n(name, 'n'), hv(header_value, 'h'), k(key, 'k');
        const std::size_t headers = header_bytes(n, hv.size());
        ASSERT_LE(record_bytes(key, 0, headers), limit);
        const std::string fits(limit - record_bytes(key, 0, headers), 'v');
        // when / then
        EXPECT_EQ(produce(rk.get(), k, fits, n, hv), RD_KAFKA_RESP_ERR_NO_ERROR) << name << " " << header_value;
        EXPECT_EQ(produce(rk.get(), k, fits + "v", n, hv), RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
            << name << " " << header_value << " " << key;
      }
    }
  }
  rd_kafka_purge(rk.get(), RD_KAFKA_PURGE_F_QUEUE);
}

TEST(record_size, headers_bytes_sums_each_header) {
  const kafka_headers h(rd_kafka_headers_new(2));
  rd_kafka_header_add(h.get(), "page_id", -1, "p1", 2);
  rd_kafka_header_add(h.get(), "content-type", -1, "application/json", 16);
  EXPECT_EQ(headers_bytes(h.get()), header_bytes("page_id", 2) + header_bytes("content-type", 16));
  EXPECT_EQ(headers_bytes(nullptr), 0u);
  EXPECT_EQ(header_bytes("page_id", 2), 1 + 7 + 1 + 2u);
}

TEST(record_size, deciding_an_article_adds_no_more_than_the_room_kept_for_it) {
  // given: the undecided article, and the longest decision: revision INT_MAX, a duplicate_of of
  // the longest article_id, a similarity of 1
  pipeline::article a;
  a.page_id = "p";
  a.ordinal = 1;
  a.article_id = pipeline::make_article_id(a.page_id, a.ordinal);
  a.body = "正文";
  a.paragraphs = {a.body};
  const auto undecided = pipeline::make_article_json(a);
  // when
  const auto decided = pipeline::with_decision(undecided, INT_MAX, pipeline::make_article_id("q", INT_MAX), 1.0);
  // then
  EXPECT_LE(decided.text.size(), undecided.text.size() + decision_room_bytes);
}

}  // namespace
}  // namespace broadsheet::worker
