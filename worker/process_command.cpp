#include "worker/process_command.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <sys/types.h>

#include "pipeline/article_decider.h"
#include "pipeline/article_json.h"
#include "worker/text_render.h"

namespace broadsheet::worker {

namespace {

using pipeline::append_json_string;

// Near-duplicate decisions over the whole run. The articles written stay in a cache bounded in
// bytes, as the worker's: a correction of one still held is written again; of one no longer
// held, it is counted (a rerun over fewer pages, or a larger cache, writes it).
class dedup_stage {
 public:
  struct correction {
    pipeline::dedup_correction decision;
    std::shared_ptr<const pipeline::article_json> json;
  };

  dedup_stage(const pipeline::dedup_options& options, std::size_t cache_bytes)
      : signer_(options), decider_(options), written_(cache_bytes) {}

  // Decides the page's articles in place; returns the changed decisions of earlier articles.
  std::vector<pipeline::dedup_correction> decide(std::vector<pipeline::article>& articles,
                                                 const pipeline::page_record& page, process_stats& stats) {
    const std::int32_t day = pipeline::page_event_day(page.edition_date, page.fetched_at, 0);
    std::vector<pipeline::signature_record> records;
    records.reserve(articles.size());
    for (const auto& a : articles)
      records.push_back(signer_.sign(a.article_id, pipeline::order_key{day, a.page_id, a.ordinal}, a.body));
    auto corrections = decider_.decide(articles, records);
    for (const auto& a : articles) stats.duplicates += a.duplicate_of ? 1 : 0;
    return corrections;
  }

  // Holds a written article's JSON.
  void written(const pipeline::article& a, std::shared_ptr<const pipeline::article_json> json) {
    written_.remember(a.article_id, pipeline::published_article{a.page_id, std::move(json)});
  }

  // The corrections of the articles still held, with their corrected JSON.
  std::vector<correction> corrected(const std::vector<pipeline::dedup_correction>& corrections, process_stats& stats) {
    std::vector<correction> out;
    for (const auto& c : corrections) {
      if (auto held = written_.correct(c))
        out.push_back({c, std::move(held->json)});
      else
        ++stats.corrections_missed;
    }
    stats.corrections += out.size();
    return out;
  }

 private:
  pipeline::signer signer_;
  pipeline::article_decider decider_;
  pipeline::article_cache written_;
};

struct sink {
  std::FILE* out;
  std::FILE* err;
  bool pretty;
  bool explain;
  std::string buffer;

  // {"page_id":…,"paragraphs":[{"text":…,"blanks_before":…},…],"choices":[{"first":…,"last":…,
  //  "choice":…,"score":…,"evidence":…},…],"items":[{"kind":…,"title":…,"first_paragraph":…}…]}
  void write_explanation(std::string_view page_id, const pipeline::page_explanation& e) {
    buffer = "{\"page_id\":";
    append_json_string(buffer, page_id);
    buffer += ",\"paragraphs\":[";
    for (std::size_t i = 0; i < e.reflowed.paragraphs.size(); ++i) {
      const auto& p = e.reflowed.paragraphs[i];
      buffer += i == 0 ? "{\"text\":" : ",{\"text\":";
      append_json_string(buffer, p.text);
      buffer += ",\"blanks_before\":" + std::to_string(p.blanks_before) +
                ",\"furniture_before\":" + std::to_string(p.furniture_before) +
                ",\"md_level\":" + std::to_string(p.md_level) + "}";
    }
    buffer += "],\"choices\":[";
    char score[32];
    for (std::size_t i = 0; i < e.trace.size(); ++i) {
      const auto& t = e.trace[i];
      std::snprintf(score, sizeof score, "%.3f", t.score);
      buffer += (i == 0 ? "{\"first\":" : ",{\"first\":") + std::to_string(t.first) +
                ",\"last\":" + std::to_string(t.last) + ",\"choice\":";
      append_json_string(buffer, t.choice);
      buffer += ",\"score\":";
      buffer += score;
      buffer += ",\"evidence\":";
      append_json_string(buffer, t.evidence);
      buffer += "}";
    }
    buffer += "],\"items\":[";
    for (std::size_t i = 0; i < e.items.size(); ++i) {
      const auto& a = e.items[i];
      buffer += i == 0 ? "{\"kind\":" : ",{\"kind\":";
      append_json_string(buffer, pipeline::to_string(a.kind));
      buffer += ",\"title\":";
      if (a.title)
        append_json_string(buffer, *a.title);
      else
        buffer += "null";
      buffer += ",\"chars\":" + std::to_string(a.char_count) + "}";
    }
    buffer += "]}\n";
    std::fwrite(buffer.data(), 1, buffer.size(), out);
  }

  void write_articles(const std::vector<pipeline::article>& articles) {
    buffer.clear();
    for (const auto& a : articles) {
      if (pretty) {
        append_readable(buffer, a);
      } else {
        pipeline::append_article_json(buffer, a);
        buffer.push_back('\n');
      }
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out);
  }

  // Articles with dedup: each one's JSON is made once, written and handed to the cache.
  void write_articles(const std::vector<pipeline::article>& articles, dedup_stage& dedup) {
    buffer.clear();
    for (const auto& a : articles) {
      auto json = std::make_shared<const pipeline::article_json>(pipeline::make_article_json(a));
      if (pretty) {
        append_readable(buffer, a);
      } else {
        buffer += json->text;
        buffer.push_back('\n');
      }
      dedup.written(a, std::move(json));
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out);
  }

  void write_corrections(const std::vector<dedup_stage::correction>& corrections) {
    buffer.clear();
    for (const auto& c : corrections) {
      if (pretty) {
        append_readable(buffer, c.decision);
      } else {
        buffer += c.json->text;
        buffer.push_back('\n');
      }
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out);
  }

  void write_error(std::string_view page_id, const pipeline::error& e, std::string_view input) {
    std::string line = "{\"page_id\":";
    if (page_id.empty())
      line += "null";
    else
      append_json_string(line, page_id);
    line += ",\"error\":";
    append_json_string(line, pipeline::to_string(e.code));
    line += ",\"message\":";
    append_json_string(line, e.message);
    line += ",\"input\":";
    append_json_string(line, input);
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), err);
  }
};

// Lines of a C stream, read through stdio's buffer with POSIX getline (which keeps NUL bytes,
// as std::getline does). std::cin, synchronised with stdio, read a byte at a time instead: a
// getc and an ungetc per byte were 37 % of a run's CPU in perf.
class line_reader {
 public:
  explicit line_reader(std::FILE* in) : in_(in) {}
  ~line_reader() { std::free(buffer_); }
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  // The next line without its '\n'; false at the end of the stream.
  bool next(std::string& line) {
    const ssize_t n = ::getline(&buffer_, &capacity_, in_);
    if (n < 0) return false;
    const auto length = static_cast<std::size_t>(n);
    line.assign(buffer_, length > 0 && buffer_[length - 1] == '\n' ? length - 1 : length);
    return true;
  }

  // Everything not read yet.
  std::string rest() {
    std::string out;
    char chunk[1 << 16];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, in_)) > 0;) out.append(chunk, n);
    return out;
  }

 private:
  std::FILE* in_;
  char* buffer_ = nullptr;  // getline's, grown by it with realloc
  std::size_t capacity_ = 0;
};

// Closes a stream this command opened.
struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Runs one parsed page through the pipeline (and dedup) and writes what comes out.
void process_page(pipeline::page_processor& processor, dedup_stage* dedup, sink& s, process_stats& stats,
                  const pipeline::page_record& page, const std::string& input) {
  if (s.explain) {
    auto explained = processor.explain(page);
    if (!explained) {
      ++stats.rejected;
      s.write_error(page.page_id, explained.error(), input);
      return;
    }
    s.write_explanation(page.page_id, *explained);
    return;
  }
  auto result = processor.process(page);
  if (!result) {
    ++stats.rejected;
    s.write_error(page.page_id, result.error(), input);
    return;
  }
  stats.items += result->size();
  if (dedup != nullptr) {
    const auto corrections = dedup->decide(*result, page, stats);
    s.write_articles(*result, *dedup);
    s.write_corrections(dedup->corrected(corrections, stats));
    return;
  }
  s.write_articles(*result);
}

void process_text_page(pipeline::page_processor& processor, dedup_stage* dedup, sink& s, process_stats& stats,
                       std::string page_id, std::string text, const std::string& input) {
  ++stats.pages;
  pipeline::page_record page;
  page.page_id = std::move(page_id);
  page.text = std::move(text);
  process_page(processor, dedup, s, stats, page, input);
}

void process_jsonl(pipeline::page_processor& processor, dedup_stage* dedup, sink& s, process_stats& stats,
                   line_reader& in, const std::string& name, std::string first_line = {}, bool have_first = false) {
  std::string line;
  std::size_t number = 0;
  while (have_first || in.next(line)) {
    if (have_first) {
      line = std::move(first_line);
      have_first = false;
    }
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++stats.pages;
    const std::string where = name + ":" + std::to_string(number);
    auto page = processor.parse(line);
    if (!page) {
      ++stats.rejected;
      s.write_error({}, page.error(), where);
      continue;
    }
    process_page(processor, dedup, s, stats, *page, where);
  }
}

}  // namespace

process_stats run_process(const process_options& options, std::FILE* out, std::FILE* err) {
  pipeline::page_processor processor(options.pipeline);
  std::unique_ptr<dedup_stage> dedup;
  if (options.dedup) dedup = std::make_unique<dedup_stage>(options.dedup_options, options.cache_bytes);
  sink s{out, err, options.pretty, options.explain, {}};
  process_stats stats;
  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) inputs.emplace_back("-");
  for (const auto& input : inputs) {
    if (input == "-") {
      line_reader in(stdin);
      std::string first;
      if (!in.next(first)) continue;
      const auto start = first.find_first_not_of(" \t\r\xEF\xBB\xBF");
      if (start != std::string::npos && first[start] == '{') {
        process_jsonl(processor, dedup.get(), s, stats, in, "stdin", std::move(first), true);
      } else {
        process_text_page(processor, dedup.get(), s, stats, "stdin", first + "\n" + in.rest(), "stdin");
      }
      continue;
    }
    const std::unique_ptr<std::FILE, file_closer> file(std::fopen(input.c_str(), "rb"));
    if (!file) {
      std::fprintf(err, "broadsheet process: cannot read %s\n", input.c_str());
      stats.input_missing = true;
      continue;
    }
    line_reader in(file.get());
    if (input.ends_with(".txt")) {
      process_text_page(processor, dedup.get(), s, stats, base_name(input), in.rest(), input);
    } else {
      process_jsonl(processor, dedup.get(), s, stats, in, input);
    }
  }
  std::fflush(out);
  return stats;
}

}  // namespace broadsheet::worker
