#include "worker/cli.h"

#include <array>
#include <cstdio>
#include <string_view>

#include "pipeline/version.h"
#include "worker/command_line.h"
#include "worker/config_command.h"
#include "worker/config_print.h"
#include "worker/metrics.h"
#include "worker/process_command.h"
#include "worker/run_command.h"

namespace broadsheet::worker {

namespace {

constexpr const char* top_usage =
    "usage: broadsheet <command> [options]\n"
    "\n"
    "commands:\n"
    "  process [FILE...]   clean and segment pages without Kafka: JSONL page records or .txt\n"
    "                      pages (page_id = file name), or stdin; article JSONL on stdout\n"
    "  run                 the Kafka worker (embedded broker when no brokers are configured)\n"
    "  broker              only the embedded broker; prints its bootstrap address\n"
    "  replay --from SPEC  reprocess a range of the input topic, then exit\n"
    "  config --print|--check   the effective configuration, or validate it\n"
    "  reference           the configuration and metrics references (Markdown, as in the README)\n"
    "\n"
    "options:\n"
    "  --help, -h          this text (also: broadsheet <command> --help)\n"
    "  --version           the pipeline version\n";

constexpr std::array process_options_own{
    command_option{"--pretty", "", "readable text for people instead of JSONL"},
    command_option{"--explain", "",
                   "per page, one JSON line of how it was read: its paragraphs, the segmenter's choices with their "
                   "scores and evidence, its items"},
};

constexpr command_spec process_command{
    command::process, "process",
    "usage: broadsheet process [options] [FILE...]\n"
    "\n"
    "Reads page records and writes one JSON article record per line to stdout. Input files\n"
    "ending in .txt are one page each (page_id = the file name); other files are JSON Lines of\n"
    "page records; no FILE or '-' reads stdin (JSONL if it starts with '{', else one text page).\n"
    "A rejected record prints one JSON line to stderr: {\"page_id\":…,\"error\":\"<code>\",…}.\n"
    "The exit status is non-zero only for usage errors (bad options, unreadable files).\n"
    "Near-duplicates are decided across all pages of the run; corrections are written as extra\n"
    "lines. The settings are the worker's (file, variables, flags), with 8 MiB pages by default.\n",
    process_options_own, true};

int process_main(int argc, char** argv) {
  const auto line = read_command_line(process_command, argc, argv);
  if (!line) return line.error();
  const worker_config& config = line->config;
  const process_options options{.inputs = line->operands,
                                .pretty = line->options.contains("--pretty"),
                                .explain = line->options.contains("--explain"),
                                .pipeline = config.pipeline,
                                .dedup = config.dedup,
                                .dedup_options = config.dedup_options,
                                .cache_bytes = config.cache_bytes};
  const process_stats stats = run_process(options, stdout, stderr);
  if (stats.corrections_missed > 0)
    std::fprintf(stderr, "broadsheet process: %zu corrections not written: their articles were beyond --cache-bytes\n",
                 stats.corrections_missed);
  return stats.input_missing ? exit_usage : 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(top_usage, stderr);
    return exit_usage;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(top_usage, stdout);
    return 0;
  }
  if (command == "--version" || command == "version") {
    std::printf("broadsheet %.*s\n", static_cast<int>(pipeline::pipeline_version.size()),
                pipeline::pipeline_version.data());
    return 0;
  }
  if (command == "process") return process_main(argc - 2, argv + 2);
  if (command == "run") return run_main(argc - 2, argv + 2);
  if (command == "broker") return broker_main(argc - 2, argv + 2);
  if (command == "replay") return replay_main(argc - 2, argv + 2);
  if (command == "config") return config_main(argc - 2, argv + 2);
  if (command == "reference") {
    std::printf("## Configuration reference\n\n%s\n## Metrics reference\n\n%s", config_reference_markdown().c_str(),
                metrics_reference_markdown().c_str());
    return 0;
  }
  std::fprintf(stderr, "broadsheet: unknown command %.*s\n\n%s", static_cast<int>(command.size()), command.data(),
               top_usage);
  return exit_usage;
}

}  // namespace broadsheet::worker
