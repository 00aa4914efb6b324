#include "worker/config_sources.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/config_loading.h"
#include "tests/support/scratch_dir.h"
#include "worker/config.h"
#include "worker/config_print.h"

namespace broadsheet::worker {
namespace {

using testing::error_of;
using testing::load;
using testing::scratch_dir;

TEST(config_sources, config_file_from_flag_then_environment_then_sources) {
  scratch_dir dir;
  const auto a = dir.write("a.toml", "[worker]\nid = \"a\"\n");
  const auto b = dir.write("b.toml", "[worker]\nid = \"b\"\n");
  const auto c = dir.write("c.toml", "[worker]\nid = \"c\"\n");
  EXPECT_EQ(load({"--config", a}, {{"BROADSHEET_CONFIG", b}}, c)->worker_id, "a");
  EXPECT_EQ(load({"--config=" + a}, {}, c)->worker_id, "a");
  EXPECT_EQ(load({}, {{"BROADSHEET_CONFIG", b}}, c)->worker_id, "b");
  EXPECT_EQ(load({}, {}, c)->worker_id, "c");
}

TEST(config_sources, missing_config_file_is_an_error) {
  const auto message = error_of(load({"--config", "/nonexistent/broadsheet.toml"}));
  EXPECT_NE(message.find("/nonexistent/broadsheet.toml"), std::string::npos) << message;
}

TEST(config_sources, flags_take_the_next_argument_or_an_inline_value) {
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

TEST(config_sources, environment_sets_switches_with_true_or_false) {
  const auto config = load({}, {{"BROADSHEET_DEDUP", "false"}, {"BROADSHEET_EXACTLY_ONCE", "true"}, {"PATH", "/bin"}});
  ASSERT_TRUE(config) << config.error();
  EXPECT_FALSE(config->dedup);
  EXPECT_TRUE(config->exactly_once);
  EXPECT_NE(error_of(load({}, {{"BROADSHEET_DEDUP", "nope"}})).find("BROADSHEET_DEDUP"), std::string::npos);
}

TEST(config_sources, rejects_unknown_file_key_naming_it) {
  scratch_dir dir;
  const auto file = dir.write("typo.toml", "[dedup]\ntreshold = 0.5\n");
  const auto message = error_of(load({"--config", file}));
  EXPECT_NE(message.find("unknown key dedup.treshold in " + file), std::string::npos) << message;
  const auto table = dir.write("table.toml", "[dedupe]\nthreshold = 0.5\n");
  EXPECT_NE(error_of(load({"--config", table})).find("unknown key dedupe in "), std::string::npos);
}

TEST(config_sources, rejects_wrong_types_and_bad_syntax_in_the_file) {
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

TEST(config_sources, rejects_unknown_environment_variable_naming_it) {
  const auto message = error_of(load({}, {{"BROADSHEET_TRESHOLD", "0.5"}}));
  EXPECT_NE(message.find("unknown environment variable BROADSHEET_TRESHOLD"), std::string::npos) << message;
  EXPECT_TRUE(load({}, {{"BROADSHEET_CONFIG", ""}, {"OTHER_THRESHOLD", "x"}}));
}

// A Service named broadsheet or broadsheet-metrics with a cluster IP makes Kubernetes inject
// docker-style link variables into every pod of its namespace (unless enableServiceLinks is
// false); they are not settings, and must neither fail the start nor set anything.
TEST(config_sources, ignores_kubernetes_service_link_variables) {
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

TEST(config_sources, rejects_unknown_flags_and_arguments) {
  EXPECT_NE(error_of(load({"--treshold", "0.5"})).find("unknown flag --treshold"), std::string::npos);
  EXPECT_NE(error_of(load({"stray"})).find("stray"), std::string::npos);
  EXPECT_NE(error_of(load({"--threshold"})).find("--threshold needs a value"), std::string::npos);
  EXPECT_NE(error_of(load({"--no-dedup=true"})).find("--no-dedup"), std::string::npos);
}

TEST(config_sources, passes_kafka_properties_from_all_three_sources) {
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

TEST(config_sources, passes_input_and_output_properties_from_all_three_sources) {
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

TEST(config_sources, librdkafka_rejects_bogus_properties) {
  const auto message = error_of(load({"-X", "no.such.property=1"}));
  EXPECT_NE(message.find("No such configuration property: \"no.such.property\""), std::string::npos) << message;
  const auto bad_value = error_of(load({}, {{"BROADSHEET_KAFKA_SECURITY_PROTOCOL", "carrier-pigeon"}}));
  EXPECT_NE(bad_value.find("BROADSHEET_KAFKA_SECURITY_PROTOCOL"), std::string::npos) << bad_value;
  EXPECT_NE(bad_value.find("Invalid value"), std::string::npos) << bad_value;
  EXPECT_NE(error_of(load({"-X", "linger.ms"})).find("property=value"), std::string::npos);
  EXPECT_TRUE(load({"-X", "acks=all"}));  // topic-level properties are accepted too
}

TEST(config_sources, rejects_properties_the_worker_owns) {
  const auto message = error_of(load({"-X", "group.id=other"}));
  EXPECT_NE(message.find("group.id"), std::string::npos) << message;
  EXPECT_NE(message.find("kafka.group_id"), std::string::npos) << message;
  const auto from_env = error_of(load({}, {{"BROADSHEET_KAFKA_BOOTSTRAP_SERVERS", "x:9092"}}));
  EXPECT_NE(from_env.find("kafka.brokers"), std::string::npos) << from_env;
  EXPECT_FALSE(load({"-X", "enable.auto.offset.store=true"}));
  EXPECT_FALSE(load({"-X", "transactional.id=t"}));
}

TEST(config_sources, service_links_are_known_by_their_names_or_by_a_port_value) {
  EXPECT_TRUE(is_service_link("BROADSHEET_METRICS_SERVICE_HOST", "10.0.0.1"));
  EXPECT_TRUE(is_service_link("BROADSHEET_SERVICE_PORT_METRICS", "9464"));
  EXPECT_TRUE(is_service_link("BROADSHEET_PORT_9464_TCP_ADDR", "10.0.0.1"));
  EXPECT_TRUE(is_service_link("BROADSHEET_METRICS_PORT", "tcp://10.0.0.1:9464"));
  EXPECT_FALSE(is_service_link("BROADSHEET_METRICS_PORT", "9464"));
  EXPECT_FALSE(is_service_link("BROADSHEET_THRESHOLD", "tcp://10.0.0.1:9464"));
}

TEST(config_sources, loader_keeps_the_source_of_each_setting_and_refuses_bad_values) {
  // given
  worker_config config;
  config_loader into(config);
  const setting& threshold = *find_setting(&setting::key, "dedup.threshold");
  EXPECT_EQ(into.origin_of("dedup.threshold"), "the default");
  // when
  const auto set = into.set(threshold, value(0.5), "flag --threshold");
  const auto refused = into.set(threshold, value(2.0), "environment variable BROADSHEET_THRESHOLD");
  // then
  EXPECT_TRUE(set);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "environment variable BROADSHEET_THRESHOLD: must be greater than 0 and at most 1");
  EXPECT_DOUBLE_EQ(config.dedup_options.threshold, 0.5);
  EXPECT_EQ(into.origin_of("dedup.threshold"), "flag --threshold");
}

TEST(config_sources, a_setting_flag_takes_its_value_inline_or_from_the_next_argument) {
  const std::vector<std::string> args{"--threshold", "0.5", "--brokers=a:1", "--no-dedup", "-X", "acks=1"};
  std::size_t at = 0;
  const auto threshold = read_setting_flag(args, at, command::run);
  ASSERT_TRUE(threshold) << threshold.error();
  EXPECT_EQ(threshold->name, "--threshold");
  EXPECT_EQ(threshold->value, "0.5");
  EXPECT_EQ(at, 1u);
  at = 2;
  EXPECT_EQ(read_setting_flag(args, at, command::run)->value, "a:1");
  EXPECT_EQ(at, 2u);
  at = 3;
  EXPECT_EQ(read_setting_flag(args, at, command::run)->value, std::nullopt);
  at = 4;
  EXPECT_EQ(read_setting_flag(args, at, command::run)->value, "acks=1");
  EXPECT_EQ(at, 5u);
  at = 4;
  EXPECT_EQ(read_setting_flag(args, at, command::process).error(), "unknown flag -X");
}

}  // namespace
}  // namespace broadsheet::worker
