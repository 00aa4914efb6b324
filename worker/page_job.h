#pragma once
// One consumed page record on its way through the worker: made by the poll loop, filled by a pool
// thread, decided and published in its partition's order by the sequencer. Shared by each of
// them and by the delivery reports of its records, and freed with the last of them (its input
// record, a consumer's message, with it: before the consumer's handle, which outlives them all).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/article_json.h"
#include "pipeline/dedup.h"
#include "worker/kafka.h"
#include "worker/logging.h"
#include "worker/reject_reason.h"

namespace broadsheet::worker {

struct page_job {
  kafka_message message;  // the input record, kept until published (a dead letter copies it)
  // Its key and value, views into `message`: nothing for a null key, or a null value (a
  // tombstone). (Tests make pages of views into what they hold, with no message.)
  std::optional<std::string_view> key, value;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::uint64_t epoch = 0;  // of the partition in the offset tracker
  std::size_t bytes = 0;
  std::int64_t timestamp_ms = 0;                          // the record's timestamp, for end-to-end latency
  std::chrono::steady_clock::time_point publish_started;  // first produce, for the produce_ack stage

  // Filled by the pool.
  bool processed = false;  // guarded by the sequencer's lanes mutex
  std::string page_id;
  std::optional<reject_reason> rejection;  // set when the page is rejected, with error_message
  std::string error_message;
  std::vector<pipeline::article> articles;
  // articles[i]'s JSON as it was before deciding (revision 0, no duplicate), made on the pool.
  std::vector<std::shared_ptr<const pipeline::article_json>> jsons;
  std::vector<pipeline::signature_record> signatures;
  std::vector<std::string> encoded_signatures;  // signatures[i].encode(), made on the pool

  // Filled by the sequencer.
  std::vector<pipeline::dedup_correction> corrections;  // earlier articles this page's decisions changed
  bool learned = false;  // no page: corrections from another worker's signature, not tracked

  // Records produced and not yet delivered, plus one held while producing.
  std::atomic<int> pending{1};
  std::atomic<bool> failed{false};
};

// The log fields of a page's input record (log_record), read from input_topic; job null: a record
// of no page, with only the code.
[[nodiscard]] inline record_fields page_fields(const page_job* job, std::string_view input_topic,
                                               std::string_view code = {}) {
  if (job == nullptr) return {.code = code};
  return {input_topic, job->partition, job->offset, job->page_id, code};
}

}  // namespace broadsheet::worker
