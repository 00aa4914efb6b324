#pragma once
// A librdkafka producer with no brokers, for tests of what librdkafka accepts: produce only
// enqueues, after librdkafka's own checks (the record size against message.max.bytes). Purge
// what a test enqueued before the handle goes. Header-only: only test executables include it.

#include <string>

#include <gtest/gtest.h>

#include "worker/kafka.h"

namespace broadsheet::testing {

inline worker::kafka_handle brokerless_producer(std::size_t message_max_bytes) {
  worker::kafka_conf conf(rd_kafka_conf_new());
  char err[256];
  EXPECT_EQ(
      rd_kafka_conf_set(conf.get(), "message.max.bytes", std::to_string(message_max_bytes).c_str(), err, sizeof err),
      RD_KAFKA_CONF_OK)
      << err;
  rd_kafka_conf_set(conf.get(), "log_level", "0", err, sizeof err);  // no brokers, by design
  auto p = worker::make_client(std::move(conf), RD_KAFKA_PRODUCER);
  EXPECT_TRUE(p) << p.error();
  return std::move(*p);
}

}  // namespace broadsheet::testing
