#pragma once
// A consumer_partitions (worker/backpressure.h) for tests of backpressure and rebalances: an
// assignment of its own, and every call written down ("pause 0,1": the call and its partitions).
// Header-only: only test executables include it.

#include <string>
#include <vector>

#include <fmt/format.h>

#include "worker/backpressure.h"

namespace broadsheet::testing {

// A partition list of the topic.
inline worker::partition_list partitions_of(const std::string& topic, const std::vector<int>& partitions) {
  worker::partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const int p : partitions) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  return list;
}

class fake_consumer_partitions final : public worker::consumer_partitions {
 public:
  std::vector<int> assigned;        // what assignment() answers
  bool assignment_readable = true;  // false: assignment() fails
  bool lost = false;                // what assignment_lost() answers
  std::vector<std::string> calls;

  worker::partition_list assignment() override {
    if (!assignment_readable) return nullptr;
    return partitions_of("pages.raw", assigned);
  }
  void pause(rd_kafka_topic_partition_list_t* partitions) override { note("pause", partitions); }
  void resume(rd_kafka_topic_partition_list_t* partitions) override { note("resume", partitions); }
  std::string assign(rd_kafka_topic_partition_list_t* partitions) override {
    note("assign", partitions);
    return {};
  }
  std::string unassign(rd_kafka_topic_partition_list_t* partitions) override {
    note("unassign", partitions);
    return {};
  }
  bool assignment_lost() override { return lost; }

 private:
  void note(const char* call, const rd_kafka_topic_partition_list_t* partitions) {
    std::string text = call;
    for (int i = 0; i < partitions->cnt; ++i)
      text += fmt::format("{}{}", i == 0 ? " " : ",", partitions->elems[i].partition);
    calls.push_back(std::move(text));
  }
};

}  // namespace broadsheet::testing
