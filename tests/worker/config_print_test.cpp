#include "worker/config_print.h"

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/config_loading.h"
#include "tests/support/scratch_dir.h"
#include "worker/config.h"
#include "worker/config_settings.h"

namespace broadsheet::worker {
namespace {

using testing::load;
using testing::scratch_dir;

TEST(config_print, print_masks_secrets) {
  const auto config = load({"-X", "sasl.password=hunter2", "-X", "ssl.key.password=k3y", "-X",
                            "sasl.oauthbearer.config=principal=me", "-X", "sasl.username=alice"});
  ASSERT_TRUE(config) << config.error();
  const auto printed = print_config(*config);
  EXPECT_EQ(printed.find("hunter2"), std::string::npos);
  EXPECT_EQ(printed.find("k3y"), std::string::npos);
  EXPECT_EQ(printed.find("principal=me"), std::string::npos);
  EXPECT_NE(printed.find("\"sasl.password\" = \"********\""), std::string::npos) << printed;
  EXPECT_NE(printed.find("\"sasl.username\" = \"alice\""), std::string::npos) << printed;
}

TEST(config_print, printed_config_parses_back_to_the_same_config) {
  // given: every kind of setting away from its default, and text that needs escaping
  scratch_dir dir;
  const auto config =
      load({"--brokers=k1:9092,k2:9092", "--worker-id=w \"one\"\\\t", "--threshold=0.45", "--shutdown-deadline=7",
            "--no-dedup", "--shingle-words", "--max-inflight-bytes=3000000", "--log-format=json", "--metrics-port=0",
            "-X", "linger.ms=7", "-X", "security.protocol=ssl"});
  ASSERT_TRUE(config) << config.error();
  // when
  const auto printed = print_config(*config);
  const auto reloaded = load({"--config", dir.write("printed.toml", printed)});
  // then
  ASSERT_TRUE(reloaded) << reloaded.error() << "\n" << printed;
  EXPECT_EQ(print_config(*reloaded), printed);
  EXPECT_EQ(reloaded->worker_id, "w \"one\"\\\t");
  EXPECT_DOUBLE_EQ(reloaded->shutdown_deadline_seconds, 7);
  EXPECT_EQ(reloaded->kafka_properties, config->kafka_properties);
  EXPECT_DOUBLE_EQ(reloaded->dedup_options.threshold, 0.45);
}

TEST(config_print, flags_help_names_each_flag_with_its_variable) {
  const auto help = config_flags_help();
  for (const auto* expected : {"--brokers", "BROADSHEET_BROKERS", "--no-dedup", "BROADSHEET_DEDUP", "--metrics-address",
                               "--config PATH", "-X PROPERTY=VALUE", "--threshold X", "dedup.threshold = 0.5"})
    EXPECT_NE(help.find(expected), std::string::npos) << expected;
}

TEST(config_print, reals_print_as_toml_floats) {
  EXPECT_NE(print_config(worker_config{}).find("\nshutdown_deadline_seconds = 20.0\n"), std::string::npos);
}

TEST(config_print, reference_has_a_row_per_setting_and_per_property_table) {
  const auto reference = config_reference_markdown();
  std::size_t rows = 0;
  for (std::size_t at = reference.find("\n| `"); at != std::string::npos; at = reference.find("\n| `", at + 1)) ++rows;
  EXPECT_EQ(rows, settings().size() + property_scopes().size());
  EXPECT_NE(reference.find("| `dedup.threshold` | `BROADSHEET_THRESHOLD` | `--threshold` | `0.5` | "),
            std::string::npos)
      << reference;
}

TEST(config_print, help_line_puts_the_help_in_one_column) {
  EXPECT_EQ(help_line("--x N", "what", ""), "  --x N" + std::string(25, ' ') + "what\n");
  EXPECT_EQ(help_line("--x", "what", "BROADSHEET_X"), "  --x" + std::string(27, ' ') + "what [BROADSHEET_X]\n");
  const std::string long_flag(40, 'x');
  EXPECT_EQ(help_line(long_flag, "what", ""), "  " + long_flag + "  what\n");
}

}  // namespace
}  // namespace broadsheet::worker
