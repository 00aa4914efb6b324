#include "worker/config.h"

#include <array>
#include <climits>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/config_loading.h"
#include "tests/support/scratch_dir.h"
#include "worker/config_print.h"
#include "worker/kafka.h"

namespace broadsheet::worker {
namespace {

using testing::error_of;
using testing::load;
using testing::scratch_dir;

// The keys of a TOML text as section.key, read line by line (print_config's layout: [section]
// headers and `key = value` lines); that the text is valid TOML is for load_config to say.
std::set<std::string> keys_of(const std::string& text) {
  std::set<std::string> keys;
  std::istringstream lines(text);
  std::string section;
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find(" = ");
    if (line.starts_with("[")) {
      section = line.substr(1, line.find(']') - 1);
    } else if (eq != std::string::npos && !line.starts_with("#")) {
      keys.insert(section + "." + line.substr(0, eq));
    }
  }
  return keys;
}

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  gethostname(name.data(), name.size() - 1);
  return name.data();
}

TEST(config, defaults_without_any_source) {
  const auto config = load({});
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->brokers, "");
  EXPECT_EQ(config->group_id, "broadsheet");
  EXPECT_EQ(config->input_topic, "pages.raw");
  EXPECT_EQ(config->dlq_topic, "pages.dlq");
  EXPECT_FALSE(config->exactly_once);
  EXPECT_TRUE(config->kafka_properties.empty());
  EXPECT_EQ(config->worker_id, host_name());
  EXPECT_EQ(config->max_inflight_bytes, 64u << 20);
  EXPECT_EQ(config->pipeline.parse.max_record_bytes, 1'000'000u) << "librdkafka's default message.max.bytes";
  EXPECT_TRUE(config->dedup);
  EXPECT_DOUBLE_EQ(config->dedup_options.threshold, 0.5);
  EXPECT_EQ(config->dedup_options.shingles.unit, pipeline::shingle_unit::chars);
  EXPECT_EQ(config->metrics_port, 9464);
  EXPECT_EQ(print_config(*config), print_config([] {
              worker_config c;
              c.worker_id = host_name();
              return c;
            }()));
}

TEST(config, flag_beats_environment_beats_file) {
  // given
  scratch_dir dir;
  const auto file = dir.write("a.toml", "[dedup]\nthreshold = 0.5\n[kafka]\ngroup_id = \"from-file\"\n");
  const std::map<std::string, std::string> env{{"BROADSHEET_THRESHOLD", "0.7"}, {"BROADSHEET_CONFIG", file}};
  // when
  const auto all_three = load({"--threshold", "0.8"}, env);
  const auto no_flag = load({}, env);
  const auto only_file = load({}, {}, file);
  // then
  ASSERT_TRUE(all_three && no_flag && only_file);
  EXPECT_DOUBLE_EQ(all_three->dedup_options.threshold, 0.8);
  EXPECT_DOUBLE_EQ(no_flag->dedup_options.threshold, 0.7);
  EXPECT_DOUBLE_EQ(only_file->dedup_options.threshold, 0.5);
  EXPECT_EQ(all_three->group_id, "from-file");
}

// `process` writes no records: the pipeline's own page limit, and none of the Kafka checks.
TEST(config, process_starts_from_the_pipeline_limits_and_skips_the_kafka_checks) {
  const auto process = [](std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return load_config(config_sources{{}, std::move(env), std::move(args), command::process});
  };
  const auto config = process({}, {{"BROADSHEET_REQUIRE_BROKERS", "true"}, {"BROADSHEET_OUTPUT_TOPIC", "pages.raw"}});
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->pipeline.parse.max_record_bytes, pipeline::parse_limits{}.max_record_bytes);
  EXPECT_NE(error_of(process({"--brokers", "a:1"})).find("unknown flag --brokers"), std::string::npos);
  EXPECT_NE(error_of(process({"-X", "acks=1"})).find("unknown flag -X"), std::string::npos);
  EXPECT_NE(error_of(process({"--hashes", "4"})).find("flag --hashes: must be between 16 and 1024"), std::string::npos);
}

TEST(config, rejects_two_roles_on_one_topic) {
  const auto message = error_of(load({"--output-topic", "pages.raw"}));
  EXPECT_NE(message.find("kafka.output_topic (flag --output-topic)"), std::string::npos) << message;
  EXPECT_NE(message.find("kafka.input_topic"), std::string::npos) << message;
}

// The repro of a partition stopped for good: pages of up to 8 MiB accepted, while the producer
// could write records of 1,000,000 bytes at most.
TEST(config, page_limit_over_the_producer_limit_is_refused_naming_both) {
  const auto message = error_of(load({"--max-record-bytes", "8388608"}));
  EXPECT_NE(message.find("pipeline.max_record_bytes (8388608)"), std::string::npos) << message;
  EXPECT_NE(message.find("message.max.bytes (1000000)"), std::string::npos) << message;
  // Agreeing limits are fine, from any source.
  const auto raised = load({"--max-record-bytes", "8388608"}, {{"BROADSHEET_KAFKA_MESSAGE_MAX_BYTES", "10000000"}});
  ASSERT_TRUE(raised) << raised.error();
  EXPECT_EQ(output_record_limit(*raised), 10'000'000u);
  EXPECT_TRUE(load({"--max-record-bytes", "500000", "-X", "message.max.bytes=500000"}));
}

TEST(config, producer_limit_too_small_for_a_dead_letter_is_refused) {
  const auto message = error_of(load({"--max-record-bytes", "1000", "-X", "message.max.bytes=10000"}));
  EXPECT_NE(message.find("message.max.bytes (10000) is below 65536"), std::string::npos) << message;
  EXPECT_TRUE(load({"--max-record-bytes", "1000", "-X", "message.max.bytes=65536"}));
}

// The image and the manifests run with require_brokers: a forgotten broker list must stop the
// start instead of running, healthy-looking, on the embedded broker.
TEST(config, missing_brokers_are_an_error_when_required) {
  const auto message = error_of(load({"--require-brokers"}));
  EXPECT_NE(message.find("kafka.brokers"), std::string::npos) << message;
  EXPECT_NE(message.find("kafka.require_brokers"), std::string::npos) << message;
  EXPECT_NE(message.find("flag --require-brokers"), std::string::npos) << message;
  EXPECT_FALSE(load({}, {{"BROADSHEET_REQUIRE_BROKERS", "true"}, {"BROADSHEET_BROKERS", ""}}));
  const auto given = load({"--require-brokers"}, {{"BROADSHEET_BROKERS", "kafka-1:9092"}});
  ASSERT_TRUE(given) << given.error();
  EXPECT_EQ(given->brokers, "kafka-1:9092");
  EXPECT_TRUE(load({}));  // a bare run on a workstation keeps the embedded broker
}

TEST(config, shipped_file_equals_the_defaults_and_names_every_setting) {
  const std::string shipped = std::string(BROADSHEET_SOURCE_DIR) + "/config/broadsheet.toml";
  const auto from_file = load({"--config", shipped});
  const auto defaults = load({});
  ASSERT_TRUE(from_file) << from_file.error();
  ASSERT_TRUE(defaults) << defaults.error();
  EXPECT_EQ(print_config(*from_file), print_config(*defaults));
  EXPECT_TRUE(from_file->kafka_properties.empty());
  // Every setting print_config knows is spelled out in the file.
  std::ifstream in(shipped);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(keys_of(text), keys_of(print_config(*defaults)));
}

}  // namespace
}  // namespace broadsheet::worker
