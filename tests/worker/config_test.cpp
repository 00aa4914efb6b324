#include "worker/config.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <filesystem>
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

TEST(Config, defaults_without_any_source) {
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
  EXPECT_DOUBLE_EQ(config->dedup_options.threshold, 0.6);
  EXPECT_EQ(config->dedup_options.shingles.unit, pipeline::shingle_unit::chars);
  EXPECT_EQ(config->metrics_port, 9464);
  EXPECT_EQ(print_config(*config), print_config([] {
              worker_config c;
              c.worker_id = host_name();
              return c;
            }()));
}

TEST(Config, flag_beats_environment_beats_file) {
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
TEST(Config, process_starts_from_the_pipeline_limits_and_skips_the_kafka_checks) {
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

TEST(Config, config_file_from_flag_then_environment_then_sources) {
  scratch_dir dir;
  const auto a = dir.write("a.toml", "[worker]\nid = \"a\"\n");
  const auto b = dir.write("b.toml", "[worker]\nid = \"b\"\n");
  const auto c = dir.write("c.toml", "[worker]\nid = \"c\"\n");
  EXPECT_EQ(load({"--config", a}, {{"BROADSHEET_CONFIG", b}}, c)->worker_id, "a");
  EXPECT_EQ(load({"--config=" + a}, {}, c)->worker_id, "a");
  EXPECT_EQ(load({}, {{"BROADSHEET_CONFIG", b}}, c)->worker_id, "b");
  EXPECT_EQ(load({}, {}, c)->worker_id, "c");
}

TEST(Config, missing_config_file_is_an_error) {
  const auto message = error_of(load({"--config", "/nonexistent/broadsheet.toml"}));
  EXPECT_NE(message.find("/nonexistent/broadsheet.toml"), std::string::npos) << message;
}

TEST(Config, flags_take_the_next_argument_or_an_inline_value) {
  const auto config =
      load({"--threshold=0.9", "--brokers=a:1,b:2", "--group", "g=1", "--exactly-once", "--no-dedup", "--shingle-words",
            "--no-restore-index", "--max-json-depth=20", "--shutdown-deadline", "2.5"});
  ASSERT_TRUE(config) << config.error();
  EXPECT_DOUBLE_EQ(config->dedup_options.threshold, 0.9);
  EXPECT_EQ(config->brokers, "a:1,b:2");
  EXPECT_EQ(config->group_id, "g=1");
  EXPECT_TRUE(config->exactly_once);
  EXPECT_FALSE(config->dedup);
  EXPECT_EQ(config->dedup_options.shingles.unit, pipeline::shingle_unit::words);
  EXPECT_FALSE(config->restore_index);
  EXPECT_EQ(config->pipeline.parse.max_depth, 20u);
  EXPECT_DOUBLE_EQ(config->shutdown_deadline_seconds, 2.5);
  EXPECT_FALSE(load({"--exactly-once", "--exactly-once=false"})->exactly_once);
}

TEST(Config, environment_sets_switches_with_true_or_false) {
  const auto config = load({}, {{"BROADSHEET_DEDUP", "false"}, {"BROADSHEET_EXACTLY_ONCE", "true"}, {"PATH", "/bin"}});
  ASSERT_TRUE(config) << config.error();
  EXPECT_FALSE(config->dedup);
  EXPECT_TRUE(config->exactly_once);
  EXPECT_NE(error_of(load({}, {{"BROADSHEET_DEDUP", "nope"}})).find("BROADSHEET_DEDUP"), std::string::npos);
}

TEST(Config, rejects_unknown_file_key_naming_it) {
  scratch_dir dir;
  const auto file = dir.write("typo.toml", "[dedup]\ntreshold = 0.5\n");
  const auto message = error_of(load({"--config", file}));
  EXPECT_NE(message.find("unknown key dedup.treshold in " + file), std::string::npos) << message;
  const auto table = dir.write("table.toml", "[dedupe]\nthreshold = 0.5\n");
  EXPECT_NE(error_of(load({"--config", table})).find("unknown key dedupe in "), std::string::npos);
}

TEST(Config, rejects_wrong_types_and_bad_syntax_in_the_file) {
  scratch_dir dir;
  const auto message = error_of(load({"--config", dir.write("a.toml", "[dedup]\nhashes = \"many\"\n")}));
  EXPECT_NE(message.find("dedup.hashes"), std::string::npos) << message;
  EXPECT_NE(message.find("expected an integer"), std::string::npos) << message;
  EXPECT_FALSE(load({"--config", dir.write("b.toml", "[log]\nlevel = 3\n")}));
  EXPECT_FALSE(load({"--config", dir.write("c.toml", "[kafka]\nbrokers = [\"a\"]\n")}));
  EXPECT_FALSE(load({"--config", dir.write("d.toml", "[kafka\n")}));
  // A whole number is a fine number of seconds.
  const auto config = load({"--config", dir.write("e.toml", "[worker]\nshutdown_deadline_seconds = 3\n")});
  ASSERT_TRUE(config) << config.error();
  EXPECT_DOUBLE_EQ(config->shutdown_deadline_seconds, 3);
}

TEST(Config, rejects_unknown_environment_variable_naming_it) {
  const auto message = error_of(load({}, {{"BROADSHEET_TRESHOLD", "0.5"}}));
  EXPECT_NE(message.find("unknown environment variable BROADSHEET_TRESHOLD"), std::string::npos) << message;
  EXPECT_TRUE(load({}, {{"BROADSHEET_CONFIG", ""}, {"OTHER_THRESHOLD", "x"}}));
}

// A Service named broadsheet or broadsheet-metrics with a cluster IP makes Kubernetes inject
// docker-style link variables into every pod of its namespace (unless enableServiceLinks is
// false); they are not settings, and must neither fail the start nor set anything.
TEST(Config, ignores_kubernetes_service_link_variables) {
  const std::map<std::string, std::string> links = {
      {"BROADSHEET_PORT", "tcp://10.96.0.7:9464"},
      {"BROADSHEET_PORT_9464_TCP", "tcp://10.96.0.7:9464"},
      {"BROADSHEET_PORT_9464_TCP_PROTO", "tcp"},
      {"BROADSHEET_PORT_9464_TCP_PORT", "9464"},
      {"BROADSHEET_PORT_9464_TCP_ADDR", "10.96.0.7"},
      {"BROADSHEET_SERVICE_HOST", "10.96.0.7"},
      {"BROADSHEET_SERVICE_PORT", "9464"},
      {"BROADSHEET_SERVICE_PORT_METRICS", "9464"},
      {"BROADSHEET_METRICS_PORT", "tcp://10.96.0.8:9464"},  // Service broadsheet-metrics
      {"BROADSHEET_METRICS_SERVICE_HOST", "10.96.0.8"},
      {"BROADSHEET_KAFKA_SERVICE_HOST", "10.96.0.9"},  // Service broadsheet-kafka: no property
      {"BROADSHEET_KAFKA_PORT_9092_TCP_ADDR", "10.96.0.9"},
  };
  const auto config = load({}, links);
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->metrics_port, 9464);
  EXPECT_TRUE(config->kafka_properties.empty());
  // The setting itself still reads a number, and a near miss is still an unknown variable.
  EXPECT_EQ(load({}, {{"BROADSHEET_METRICS_PORT", "9500"}})->metrics_port, 9500);
  EXPECT_NE(error_of(load({}, {{"BROADSHEET_METRICS_PORT", "http://x:1"}})).find("BROADSHEET_METRICS_PORT"),
            std::string::npos);
  EXPECT_NE(error_of(load({}, {{"BROADSHEET_PORTS", "tcp://10.96.0.7:9464"}})).find("BROADSHEET_PORTS"),
            std::string::npos);
}

TEST(Config, rejects_unknown_flags_and_arguments) {
  EXPECT_NE(error_of(load({"--treshold", "0.5"})).find("unknown flag --treshold"), std::string::npos);
  EXPECT_NE(error_of(load({"stray"})).find("stray"), std::string::npos);
  EXPECT_NE(error_of(load({"--threshold"})).find("--threshold needs a value"), std::string::npos);
  EXPECT_NE(error_of(load({"--no-dedup=true"})).find("--no-dedup"), std::string::npos);
}

TEST(Config, rejects_two_roles_on_one_topic) {
  const auto message = error_of(load({"--output-topic", "pages.raw"}));
  EXPECT_NE(message.find("kafka.output_topic (flag --output-topic)"), std::string::npos) << message;
  EXPECT_NE(message.find("kafka.input_topic"), std::string::npos) << message;
}

// The repro of a partition stopped for good: pages of up to 8 MiB accepted, while the producer
// could write records of 1,000,000 bytes at most.
TEST(Config, page_limit_over_the_producer_limit_is_refused_naming_both) {
  const auto message = error_of(load({"--max-record-bytes", "8388608"}));
  EXPECT_NE(message.find("pipeline.max_record_bytes (8388608)"), std::string::npos) << message;
  EXPECT_NE(message.find("message.max.bytes (1000000)"), std::string::npos) << message;
  // Agreeing limits are fine, from any source.
  const auto raised = load({"--max-record-bytes", "8388608"}, {{"BROADSHEET_KAFKA_MESSAGE_MAX_BYTES", "10000000"}});
  ASSERT_TRUE(raised) << raised.error();
  EXPECT_EQ(output_record_limit(*raised), 10'000'000u);
  EXPECT_TRUE(load({"--max-record-bytes", "500000", "-X", "message.max.bytes=500000"}));
}

TEST(Config, producer_limit_too_small_for_a_dead_letter_is_refused) {
  const auto message = error_of(load({"--max-record-bytes", "1000", "-X", "message.max.bytes=10000"}));
  EXPECT_NE(message.find("message.max.bytes (10000) is below 65536"), std::string::npos) << message;
  EXPECT_TRUE(load({"--max-record-bytes", "1000", "-X", "message.max.bytes=65536"}));
}

TEST(Config, passes_kafka_properties_from_all_three_sources) {
  // given
  scratch_dir dir;
  const auto file = dir.write("k.toml",
                              "[kafka.properties]\n"
                              "\"socket.timeout.ms\" = 30000\n"
                              "linger.ms = \"10\"\n"  // unquoted dots: a nested table, the same property
                              "\"enable.idempotence\" = true\n");
  const std::map<std::string, std::string> env{{"BROADSHEET_KAFKA_SECURITY_PROTOCOL", "ssl"},
                                               {"BROADSHEET_KAFKA_LINGER_MS", "20"}};
  // when
  const auto config = load({"-X", "linger.ms=30", "-X", "client.rack=r1", "--config", file}, env);
  // then: one entry per property, first-seen order, the later source's value
  ASSERT_TRUE(config) << config.error();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"enable.idempotence", "true"}, {"linger.ms", "30"},   {"socket.timeout.ms", "30000"},
      {"security.protocol", "ssl"},   {"client.rack", "r1"},
  };
  EXPECT_EQ(config->kafka_properties, expected);
}

TEST(Config, passes_input_and_output_properties_from_all_three_sources) {
  // given properties for the consumer of pages and for the producer, apart from the shared ones
  scratch_dir dir;
  const auto file = dir.write("io.toml",
                              "[input.properties]\n"
                              "\"fetch.wait.max.ms\" = 100\n"
                              "[output.properties]\n"
                              "\"batch.num.messages\" = 5000\n");
  const std::map<std::string, std::string> env{{"BROADSHEET_INPUT_KAFKA_FETCH_MIN_BYTES", "1024"},
                                               {"BROADSHEET_OUTPUT_KAFKA_LINGER_MS", "20"}};
  // when
  const auto config = load({"--config", file, "--input-property", "fetch.wait.max.ms=200",
                            "--output-property=compression.type=zstd", "-X", "client.rack=r1"},
                           env);
  // then each goes to its own list, with the later source's value
  ASSERT_TRUE(config) << config.error();
  using list = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(config->input_properties, (list{{"fetch.wait.max.ms", "200"}, {"fetch.min.bytes", "1024"}}));
  EXPECT_EQ(config->output_properties,
            (list{{"batch.num.messages", "5000"}, {"linger.ms", "20"}, {"compression.type", "zstd"}}));
  EXPECT_EQ(config->kafka_properties, (list{{"client.rack", "r1"}}));
  // and they print back under their own tables (a TOML table's keys come back sorted)
  const auto reloaded = load({"--config", dir.write("printed.toml", print_config(*config))});
  ASSERT_TRUE(reloaded) << reloaded.error();
  const auto sorted = [](list l) {
    std::sort(l.begin(), l.end());
    return l;
  };
  EXPECT_EQ(sorted(reloaded->input_properties), sorted(config->input_properties));
  EXPECT_EQ(sorted(reloaded->output_properties), sorted(config->output_properties));
  // the worker's own properties stay its own on either side
  EXPECT_FALSE(load({"--input-property", "group.id=other"}));
  EXPECT_FALSE(load({"--output-property", "transactional.id=t"}));
  EXPECT_FALSE(load({"--input-property", "no.such.property=1"}));
}

TEST(Config, librdkafka_rejects_bogus_properties) {
  const auto message = error_of(load({"-X", "no.such.property=1"}));
  EXPECT_NE(message.find("No such configuration property: \"no.such.property\""), std::string::npos) << message;
  const auto bad_value = error_of(load({}, {{"BROADSHEET_KAFKA_SECURITY_PROTOCOL", "carrier-pigeon"}}));
  EXPECT_NE(bad_value.find("BROADSHEET_KAFKA_SECURITY_PROTOCOL"), std::string::npos) << bad_value;
  EXPECT_NE(bad_value.find("Invalid value"), std::string::npos) << bad_value;
  EXPECT_NE(error_of(load({"-X", "linger.ms"})).find("property=value"), std::string::npos);
  EXPECT_TRUE(load({"-X", "acks=all"}));  // topic-level properties are accepted too
}

// The image and the manifests run with require_brokers: a forgotten broker list must stop the
// start instead of running, healthy-looking, on the embedded broker.
TEST(Config, missing_brokers_are_an_error_when_required) {
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

TEST(Config, rejects_properties_the_worker_owns) {
  const auto message = error_of(load({"-X", "group.id=other"}));
  EXPECT_NE(message.find("group.id"), std::string::npos) << message;
  EXPECT_NE(message.find("kafka.group_id"), std::string::npos) << message;
  const auto from_env = error_of(load({}, {{"BROADSHEET_KAFKA_BOOTSTRAP_SERVERS", "x:9092"}}));
  EXPECT_NE(from_env.find("kafka.brokers"), std::string::npos) << from_env;
  EXPECT_FALSE(load({"-X", "enable.auto.offset.store=true"}));
  EXPECT_FALSE(load({"-X", "transactional.id=t"}));
}

TEST(Config, shipped_file_equals_the_defaults_and_names_every_setting) {
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

TEST(Config, process_environment_holds_the_variables) {
  ::setenv("BROADSHEET_CONFIG_TEST_PROBE", "a=b", 1);
  const auto env = process_environment();
  ::unsetenv("BROADSHEET_CONFIG_TEST_PROBE");
  ASSERT_TRUE(env.contains("BROADSHEET_CONFIG_TEST_PROBE"));
  EXPECT_EQ(env.at("BROADSHEET_CONFIG_TEST_PROBE"), "a=b");
}

}  // namespace
}  // namespace broadsheet::worker
