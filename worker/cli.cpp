#include "worker/cli.h"

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/version.h"
#include "worker/config.h"
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

constexpr const char* process_usage =
    "usage: broadsheet process [options] [FILE...]\n"
    "\n"
    "Reads page records and writes one JSON article record per line to stdout. Input files\n"
    "ending in .txt are one page each (page_id = the file name); other files are JSON Lines of\n"
    "page records; no FILE or '-' reads stdin (JSONL if it starts with '{', else one text page).\n"
    "A rejected record prints one JSON line to stderr: {\"page_id\":…,\"error\":\"<code>\",…}.\n"
    "The exit status is non-zero only for usage errors (bad options, unreadable files).\n"
    "\n"
    "options:\n"
    "  --pretty                  readable text for people instead of JSONL\n"
    "  --explain                 per page, one JSON line of how it was read: its paragraphs, the\n"
    "                            segmenter's choices with their scores and evidence, its items\n"
    "  --max-record-bytes N      reject larger records or pages (default 8388608)\n"
    "  --max-line-bytes N        reject pages with a longer line (default 65536)\n"
    "  --max-json-depth N        reject deeper JSON records (default 32)\n"
    "\n"
    "near-duplicates (across all pages of the run; corrections are written as extra lines):\n"
    "  --no-dedup                no near-duplicate detection\n"
    "  --threshold J             estimated Jaccard that makes a near-duplicate (default 0.6)\n"
    "  --shingle-size N          characters (or words) per shingle (default 5)\n"
    "  --shingle-words           word n-grams (ICU word break) instead of character n-grams\n"
    "  --hashes K                MinHash values per signature, 16 to 1024 (default 128)\n"
    "  --min-chars N             shorter texts are never linked as duplicates (default 50)\n"
    "  --capacity N              articles held in the index (default 1000000)\n"
    "  --cache-bytes N           bytes of written articles held to write them again corrected\n"
    "                            (default 134217728; corrections of older ones are counted)\n"
    "  --horizon-days N          event days held behind the newest (default 30)\n"
    "  --help, -h                this text\n";

std::optional<std::size_t> parse_size(std::string_view s) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0) return std::nullopt;
  return v;
}

std::optional<double> parse_fraction(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !(v > 0 && v <= 1)) return std::nullopt;
  return v;
}

int usage_error(const char* message, std::string_view arg, const char* usage) {
  std::fprintf(stderr, "broadsheet: %s%.*s\n\n%s", message, static_cast<int>(arg.size()), arg.data(), usage);
  return exit_usage;
}

int process_main(int argc, char** argv) {
  process_options options;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto size_option = [&](std::size_t& target) -> bool {
      if (i + 1 >= argc) return false;
      const auto v = parse_size(argv[++i]);
      if (!v) return false;
      target = *v;
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(process_usage, stdout);
      return 0;
    } else if (arg == "--pretty") {
      options.pretty = true;
    } else if (arg == "--explain") {
      options.explain = true;
    } else if (arg == "--max-record-bytes") {
      if (!size_option(options.pipeline.parse.max_record_bytes)) return usage_error("--max-record-bytes needs a positive number", "", process_usage);
    } else if (arg == "--max-line-bytes") {
      if (!size_option(options.pipeline.clean.max_line_bytes)) return usage_error("--max-line-bytes needs a positive number", "", process_usage);
    } else if (arg == "--max-json-depth") {
      if (!size_option(options.pipeline.parse.max_depth)) return usage_error("--max-json-depth needs a positive number", "", process_usage);
    } else if (arg == "--no-dedup") {
      options.dedup = false;
    } else if (arg == "--shingle-words") {
      options.dedup_options.shingles.unit = pipeline::shingle_unit::words;
    } else if (arg == "--threshold") {
      const auto v = i + 1 < argc ? parse_fraction(argv[++i]) : std::nullopt;
      if (!v) return usage_error("--threshold needs a number between 0 and 1", "", process_usage);
      options.dedup_options.threshold = *v;
    } else if (arg == "--shingle-size" || arg == "--hashes" || arg == "--min-chars" || arg == "--horizon-days") {
      std::size_t v = 0;
      if (!size_option(v) || v > 1024) return usage_error("needs a positive number: ", arg, process_usage);
      if (arg == "--shingle-size") options.dedup_options.shingles.n = static_cast<int>(v);
      if (arg == "--hashes") options.dedup_options.num_hashes = static_cast<int>(v);
      if (arg == "--min-chars") options.dedup_options.min_chars = static_cast<int>(v);
      if (arg == "--horizon-days") options.dedup_options.horizon_days = static_cast<int>(v);
    } else if (arg == "--cache-bytes") {
      if (!size_option(options.cache_bytes)) return usage_error("--cache-bytes needs a positive number", "", process_usage);
    } else if (arg == "--capacity") {
      if (!size_option(options.dedup_options.capacity)) return usage_error("--capacity needs a positive number", "", process_usage);
    } else if (arg.size() > 1 && arg[0] == '-' ) {
      return usage_error("unknown option ", arg, process_usage);
    } else {
      options.inputs.emplace_back(arg);
    }
  }
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
  return usage_error("unknown command ", command, top_usage);
}

}  // namespace broadsheet::worker
