#pragma once
// A record_producer for tests of what produces through the publisher (worker/publisher.h): it
// writes down each record and keeps it in flight until the test reports on it. Header-only: only
// test executables include it.

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/publisher.h"

namespace broadsheet::testing {

// A producer that holds what it is given and answers as told: records produced stay in flight
// until the test reports on them.
class fake_record_producer final : public worker::record_producer {
 public:
  std::deque<rd_kafka_resp_err_t> produce_answers;        // then success
  std::deque<rd_kafka_resp_err_t> produce_again_answers;  // then success
  std::vector<worker::delivery*> in_flight;               // in the order produced
  struct record {
    std::string topic;
    std::optional<std::string> key, value;  // nothing: null
    std::map<std::string, std::string> headers;
  };
  std::vector<record> produced;
  int produced_again = 0, polls = 0;

  ~fake_record_producer() override {
    for (worker::delivery* record : in_flight) delete record;  // never reported: the fake's, as librdkafka's would be
  }

  rd_kafka_resp_err_t produce(const std::string& topic, std::string_view key, bool has_key, worker::delivery& d,
                              worker::kafka_headers& headers) override {
    const auto err = next(produce_answers);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return err;
    record r;
    r.topic = topic;
    if (has_key) r.key = std::string(key);
    if (d.payload() != nullptr) r.value = std::string(d.bytes());
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0;
         rd_kafka_header_get_all(headers.get(), i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
      r.headers[name] = std::string(static_cast<const char*>(value), size);
    headers.reset();  // taken, as librdkafka takes them
    produced.push_back(std::move(r));
    in_flight.push_back(&d);
    return err;
  }
  rd_kafka_resp_err_t produce_again(const worker::delivery_report& report) override {
    ++produced_again;
    const auto err = next(produce_again_answers);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) in_flight.push_back(report.record);
    return err;
  }
  void poll(int) override { ++polls; }

  // The delivery report of the oldest record in flight.
  worker::delivery_report report(rd_kafka_resp_err_t err) {
    worker::delivery* record = in_flight.front();
    in_flight.erase(in_flight.begin());
    return {err, record, "articles"};
  }

 private:
  static rd_kafka_resp_err_t next(std::deque<rd_kafka_resp_err_t>& answers) {
    if (answers.empty()) return RD_KAFKA_RESP_ERR_NO_ERROR;
    const auto err = answers.front();
    answers.pop_front();
    return err;
  }
};

}  // namespace broadsheet::testing
