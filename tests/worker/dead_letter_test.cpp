#include "worker/dead_letter.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/brokerless_producer.h"
#include "worker/record_size.h"

namespace broadsheet::worker {
namespace {

std::map<std::string, std::string> headers_of(const rd_kafka_headers_t* h) {
  std::map<std::string, std::string> out;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; rd_kafka_header_get_all(h, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
    out[name] = std::string(static_cast<const char*>(value), size);
  return out;
}

const std::vector<std::pair<std::string_view, std::string>> own{
    {"error.code", "record_too_large"}, {"error.message", "2000000 bytes, limit 1000000"}, {"worker.id", "w1"}};

kafka_headers input_headers(std::size_t bytes) {
  kafka_headers h(rd_kafka_headers_new(1));
  const std::string value(bytes, 't');
  rd_kafka_header_add(h.get(), "trace", -1, value.data(), static_cast<ssize_t>(value.size()));
  return h;
}

TEST(dead_letter, a_record_that_fits_is_kept_whole) {
  const std::string key = "page-1", value(1000, 'v');
  const auto input = input_headers(100);
  const auto d = make_dead_letter(100'000, key, value, input.get(), own);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->cut);
  EXPECT_EQ(d->key, key);
  EXPECT_EQ(d->value, value);
  const auto h = headers_of(d->headers.get());
  EXPECT_EQ(h.at("trace"), std::string(100, 't'));
  EXPECT_EQ(h.at("error.code"), "record_too_large");
  EXPECT_FALSE(h.contains("value.truncated"));
}

TEST(dead_letter, too_large_a_value_is_cut_with_its_size_and_digest) {
  // given: a value of 2 MB (a UTF-8 text) for records of at most 1,000,000 bytes
  std::string value;
  while (value.size() < 2'000'000) value += "字";
  const std::string key = "huge";
  const auto input = input_headers(100);
  // when
  const auto d = make_dead_letter(1'000'000, key, value, input.get(), own);
  // then: the head of the value, ending on a character, and headers saying so
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->cut);
  EXPECT_EQ(d->key, key);
  EXPECT_LE(record_bytes(d->key.size(), d->value.size(), headers_bytes(d->headers.get())), 1'000'000u);
  EXPECT_GT(d->value.size(), 990'000u);
  EXPECT_EQ(d->value, std::string_view(value).substr(0, d->value.size()));
  EXPECT_EQ(d->value.size() % 3, 0u) << "cut on a character boundary";
  const auto h = headers_of(d->headers.get());
  EXPECT_EQ(h.at("value.truncated"), "true");
  EXPECT_EQ(h.at("value.size"), std::to_string(value.size()));
  EXPECT_EQ(h.at("value.sha256"), sha256_hex(value));
  EXPECT_EQ(h.at("trace"), std::string(100, 't')) << "the input's headers kept";
  EXPECT_FALSE(h.contains("key.truncated"));
}

TEST(dead_letter, input_headers_too_large_to_keep_are_left_out_and_counted) {
  const auto input = input_headers(200'000);
  const auto d = make_dead_letter(100'000, "k", std::string(50'000, 'v'), input.get(), own);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->cut);
  EXPECT_EQ(d->value.size(), 50'000u) << "the value then fits whole";
  const auto h = headers_of(d->headers.get());
  EXPECT_FALSE(h.contains("trace"));
  EXPECT_EQ(h.at("headers.dropped"), "1");
  EXPECT_FALSE(h.contains("value.truncated"));
}

TEST(dead_letter, too_large_a_key_is_cut_last) {
  const std::string key(300'000, 'k');
  const auto d = make_dead_letter(100'000, key, "value", nullptr, own);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->value.empty());
  EXPECT_GT(d->key.size(), 99'000u);
  const auto h = headers_of(d->headers.get());
  EXPECT_EQ(h.at("key.size"), "300000");
  EXPECT_EQ(h.at("key.sha256"), sha256_hex(key));
  EXPECT_EQ(h.at("value.size"), "5");
}

TEST(dead_letter, own_headers_over_the_limit_make_none) {
  const std::vector<std::pair<std::string_view, std::string>> huge{{"worker.id", std::string(70'000, 'w')}};
  EXPECT_FALSE(make_dead_letter(65'536, "k", "v", nullptr, huge));
}

TEST(dead_letter, every_fitted_dead_letter_is_accepted_by_librdkafka) {
  // given: records around the limit, with and without input headers, large keys and values
  constexpr std::size_t limit = 70'000;
  const auto rk = testing::brokerless_producer(limit);
  for (const std::size_t key : {0, 100, 60'000, 200'000}) {
    for (const std::size_t value : {0, 69'000, 70'000, 500'000}) {
      for (const std::size_t input : {0, 1'000, 69'500, 300'000}) {
        const std::string k(key, 'k'), v(value, 'v');
        const auto headers = input_headers(input);
        // when
        auto d = make_dead_letter(limit, k, v, input > 0 ? headers.get() : nullptr, own);
        // then
        ASSERT_TRUE(d);
        const auto err = rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC("pages.dlq"), RD_KAFKA_V_PARTITION(0),
                                           RD_KAFKA_V_KEY(d->key.data(), d->key.size()),
                                           RD_KAFKA_V_VALUE(const_cast<char*>(d->value.data()), d->value.size()),
                                           RD_KAFKA_V_HEADERS(d->headers.get()), RD_KAFKA_V_END);
        ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << key << " " << value << " " << input;
        (void)d->headers.release();  // owned by the record now
        std::size_t whole = (input > 0 ? header_bytes("trace", input) : 0);
        for (const auto& [name, v] : own) whole += header_bytes(name, v.size());
        EXPECT_EQ(d->cut, record_bytes(key, value, whole) > limit) << "cut only when the whole does not fit";
      }
    }
  }
  rd_kafka_purge(rk.get(), RD_KAFKA_PURGE_F_QUEUE);
}

TEST(dead_letter, a_cut_never_splits_a_character) {
  const std::string text = "a字b";  // 字 is three bytes, at 1..3
  EXPECT_EQ(cut_point(text, 10), text.size());
  EXPECT_EQ(cut_point(text, 1), 1u);
  EXPECT_EQ(cut_point(text, 2), 1u);
  EXPECT_EQ(cut_point(text, 3), 1u);
  EXPECT_EQ(cut_point(text, 4), 4u);
  EXPECT_EQ(cut_point("\x80\x80\x80\x80\x80", 4), 4u) << "not UTF-8: cut where asked";
}

TEST(dead_letter, error_messages_quoting_the_input_are_kept_short) {
  EXPECT_EQ(short_error_message("a line has 70000 bytes"), "a line has 70000 bytes");
  std::string key;
  while (key.size() < 5000) key += "键";
  const auto message = short_error_message(key + " nests deeper than 32");
  EXPECT_LE(message.size(), max_error_message_bytes + std::string("…").size());
  EXPECT_TRUE(message.ends_with("键…")) << "cut on a character";
}

TEST(dead_letter, sha256_is_the_standard_digest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Issue 14, item 5: input headers named error.*, source.*, worker.id or failed_at were copied into
// the dead letter before the real ones, so a reader taking the first of a name read the input's.
TEST(dead_letter, input_headers_named_like_its_own_are_kept_as_original) {
  // given: an input whose headers pose as the worker's
  const std::vector<std::pair<std::string_view, std::string>> all_own{{"error.code", "invalid_json"},
                                                                      {"error.message", "record: TAPE_ERROR"},
                                                                      {"source.topic", "pages.raw"},
                                                                      {"source.partition", "2"},
                                                                      {"source.offset", "41"},
                                                                      {"worker.id", "w1"},
                                                                      {"failed_at", "2026-12-05T05:00:00Z"}};
  kafka_headers input(rd_kafka_headers_new(8));
  for (const char* name : {"error.code", "error.hint", "source.offset", "worker.id", "failed_at", "value.truncated",
                           "headers.dropped", "trace"})
    rd_kafka_header_add(input.get(), name, -1, "forged", 6);
  // when
  const auto d = make_dead_letter(100'000, "k", "v", input.get(), all_own);
  // then: every header of the worker once, with its value; the input's kept, renamed where they pose
  ASSERT_TRUE(d);
  std::multimap<std::string, std::string> all;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(d->headers.get(), i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
    all.emplace(name, std::string(static_cast<const char*>(value), size));
  for (const auto& [own_name, own_value] : all_own) {
    EXPECT_EQ(all.count(std::string(own_name)), 1u) << own_name;
    EXPECT_EQ(all.find(std::string(own_name))->second, own_value) << own_name;
  }
  for (const char* renamed :
       {"original.error.code", "original.error.hint", "original.source.offset", "original.worker.id",
        "original.failed_at", "original.value.truncated", "original.headers.dropped"}) {
    ASSERT_EQ(all.count(renamed), 1u) << renamed;
    EXPECT_EQ(all.find(renamed)->second, "forged");
  }
  EXPECT_EQ(all.count("trace"), 1u) << "other headers keep their names";
  EXPECT_FALSE(all.contains("error.hint")) << "no error.* of the input's";
  EXPECT_FALSE(all.contains("value.truncated"));
  EXPECT_FALSE(d->cut);
}

// The renamed headers are weighed as they are written: a dead letter made to fill its limit
// exactly with them still fits.
TEST(dead_letter, renamed_input_headers_count_in_its_size) {
  kafka_headers input(rd_kafka_headers_new(4));
  for (const char* name : {"error.a", "error.b", "source.c", "source.d"})
    rd_kafka_header_add(input.get(), name, -1, "x", 1);
  const std::string value(10'000, 'v');
  std::size_t own_bytes = 0;
  for (const auto& [n, v] : own) own_bytes += header_bytes(n, v.size());
  std::size_t renamed_bytes = 0;
  for (const char* name : {"original.error.a", "original.error.b", "original.source.c", "original.source.d"})
    renamed_bytes += header_bytes(name, 1);
  const std::size_t limit = record_bytes(3, value.size(), own_bytes + renamed_bytes);
  const auto d = make_dead_letter(limit, "key", value, input.get(), own);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->cut);
  EXPECT_LE(record_bytes(d->key.size(), d->value.size(), headers_bytes(d->headers.get())), limit);
  const auto smaller = make_dead_letter(limit - 1, "key", value, input.get(), own);
  ASSERT_TRUE(smaller);
  EXPECT_TRUE(smaller->cut);
  EXPECT_LE(record_bytes(smaller->key.size(), smaller->value.size(), headers_bytes(smaller->headers.get())), limit - 1);
}

}  // namespace
}  // namespace broadsheet::worker
