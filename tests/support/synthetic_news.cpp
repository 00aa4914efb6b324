#include "tests/support/synthetic_news.h"

#include <algorithm>
#include <random>
#include <string_view>

#include "pipeline/article.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::testing {

namespace {
#include "tests/support/news_templates.inc"

template <class T, std::size_t N>
const T& pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

class writer {
 public:
  explicit writer(std::mt19937_64& rng) : rng_(rng) {}

  // Fills the slots of a template. The same writer keeps its place/person/org for a story, so
  // a story reads consistently; numbers change per slot.
  std::string fill(std::string_view tpl) {
    std::string out;
    for (std::size_t i = 0; i < tpl.size();) {
      if (tpl[i] != '{') { out.push_back(tpl[i++]); continue; }
      const std::size_t end = tpl.find('}', i);
      const std::string_view slot = tpl.substr(i + 1, end - i - 1);
      i = end + 1;
      if (slot == "place") out += place;
      else if (slot == "org") out += org;
      else if (slot == "person") out += person;
      else if (slot == "product") out += product;
      else if (slot == "num") out += std::to_string(std::uniform_int_distribution<int>(2, 980)(rng_));
      else if (slot == "pct") {
        const int tenths = std::uniform_int_distribution<int>(5, 600)(rng_);
        out += std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
      } else if (slot == "month") out += std::to_string(std::uniform_int_distribution<int>(1, 12)(rng_));
      else if (slot == "day") out += std::to_string(std::uniform_int_distribution<int>(1, 28)(rng_));
    }
    return out;
  }

  void new_cast() {
    place = pick(rng_, places);
    org = pick(rng_, organisations);
    person = std::string(pick(rng_, surnames)) + std::string(pick(rng_, given_names));
    product = pick(rng_, products);
  }

  std::string place, org, person, product;

 private:
  std::mt19937_64& rng_;
};

struct story_text {
  std::string title;
  std::vector<std::string> paragraphs;
};

std::string join(const std::vector<std::string>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out.push_back('\n');
    out += p;
  }
  return out;
}

// A base story: 3-5 paragraphs of 2-3 sentences: at most 5 from its own topic (its lead),
// the rest from other topics, so that two different stories of one topic share few sentence
// templates (as different real stories share few sentences), plus the given boilerplate
// sentences spread over the paragraphs.
story_text write_story(std::mt19937_64& rng, writer& w, const topic& t, const std::vector<std::string>& shared) {
  w.new_cast();
  story_text s;
  s.title = w.fill(pick(rng, t.headlines));
  std::vector<int> order(std::size(t.sentences));
  for (int i = 0; i < static_cast<int>(order.size()); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const int paragraphs = std::uniform_int_distribution<int>(3, 5)(rng);
  const std::size_t own = std::uniform_int_distribution<std::size_t>(3, 5)(rng);
  std::size_t next = 0;
  for (int p = 0; p < paragraphs; ++p) {
    std::string para;
    const int sentences = std::uniform_int_distribution<int>(2, 3)(rng);
    for (int k = 0; k < sentences; ++k) {
      if (next < own) {
        para += w.fill(t.sentences[order[next++]]);
      } else {
        const topic& other = pick(rng, topics);
        para += w.fill(pick(rng, other.sentences));
      }
    }
    s.paragraphs.push_back(std::move(para));
  }
  for (std::size_t b = 0; b < shared.size(); ++b) s.paragraphs[b % s.paragraphs.size()] += shared[b];
  return s;
}

std::string add_noise(std::mt19937_64& rng, const std::string& text, double rate) {
  std::u32string fillers;
  for (std::size_t i = 0; i < filler_chars.size();) fillers.push_back(pipeline::internal::next_code_point(filler_chars, i));
  std::string out;
  std::bernoulli_distribution hit(rate);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t c = pipeline::internal::next_code_point(text, i);
    if (c >= 0x4E00 && c <= 0x9FFF && hit(rng)) {
      pipeline::internal::append_utf8(out, fillers[std::uniform_int_distribution<std::size_t>(0, fillers.size() - 1)(rng)]);
    } else {
      out.append(text, start, i - start);
    }
  }
  return out;
}

story_text reprint(std::mt19937_64& rng, writer& w, const topic& t, const story_text& base, variant kind,
                   double max_noise) {
  story_text s = base;
  auto edit_sentence = [&] {
    // Replace one paragraph's text with a re-filled version of a topic sentence plus its tail.
    auto& p = s.paragraphs[std::uniform_int_distribution<std::size_t>(0, s.paragraphs.size() - 1)(rng)];
    const std::size_t cut = p.find("。");
    if (cut != std::string::npos) p = w.fill(pick(rng, t.sentences)) + p.substr(cut + 3);
  };
  switch (kind) {
    case variant::original: break;
    case variant::headline: s.title = w.fill(pick(rng, t.headlines)); break;
    case variant::drop_paragraph:
      if (s.paragraphs.size() > 3) s.paragraphs.erase(s.paragraphs.begin() + static_cast<std::ptrdiff_t>(
                                                          std::uniform_int_distribution<std::size_t>(1, s.paragraphs.size() - 1)(rng)));
      break;
    case variant::add_paragraph: s.paragraphs.push_back(w.fill(pick(rng, t.sentences)) + w.fill(pick(rng, t.sentences))); break;
    case variant::reorder: std::shuffle(s.paragraphs.begin() + 1, s.paragraphs.end(), rng); break;
    case variant::sentence_edit: edit_sentence(); break;
    case variant::noise: {
      const double rate = std::uniform_real_distribution<double>(0.01, max_noise)(rng);
      for (auto& p : s.paragraphs) p = add_noise(rng, p, rate);
      break;
    }
    case variant::mixed: {
      s.title = w.fill(pick(rng, t.headlines));
      edit_sentence();
      const double rate = std::uniform_real_distribution<double>(0.01, max_noise / 2)(rng);
      for (auto& p : s.paragraphs) p = add_noise(rng, p, rate);
      break;
    }
  }
  return s;
}

}  // namespace

const char* to_string(variant v) noexcept {
  switch (v) {
    case variant::original: return "original";
    case variant::headline: return "headline";
    case variant::drop_paragraph: return "drop_paragraph";
    case variant::add_paragraph: return "add_paragraph";
    case variant::reorder: return "reorder";
    case variant::sentence_edit: return "sentence_edit";
    case variant::noise: return "noise";
    case variant::mixed: return "mixed";
  }
  return "?";
}

corpus make_corpus(const corpus_options& o) {
  std::mt19937_64 rng(o.seed);
  writer w(rng);
  corpus c;
  int page_counter = 0;
  auto emit = [&](const story_text& s, int story, variant kind) {
    synthetic_article a;
    const int day = std::uniform_int_distribution<int>(0, o.days - 1)(rng);
    a.key.event_day = 19000 + day;
    a.key.page_id = "syn-" + std::to_string(19000 + day) + "-p" + std::to_string(page_counter++);
    a.key.ordinal = std::uniform_int_distribution<int>(1, 6)(rng);
    a.article_id = pipeline::make_article_id(a.key.page_id, a.key.ordinal);
    a.title = s.title;
    a.body = join(s.paragraphs);
    a.story = story;
    a.kind = kind;
    c.articles.push_back(std::move(a));
  };
  constexpr variant kinds[] = {variant::headline, variant::drop_paragraph, variant::add_paragraph, variant::reorder,
                               variant::sentence_edit, variant::noise, variant::mixed};
  for (int story = 0; story < o.stories; ++story) {
    const topic& t = pick(rng, topics);
    std::vector<std::string> shared;
    const bool in_pair = story < 2 * o.hard_negative_pairs;
    if (in_pair) {
      // Both stories of a pair share the same boilerplate word for word (same officials, same
      // place): a generator and a cast per pair.
      std::mt19937_64 pair_rng(o.seed * 1000003 + static_cast<std::uint64_t>(story / 2));
      writer pair_writer(pair_rng);
      pair_writer.new_cast();
      const int n = std::uniform_int_distribution<int>(2, 4)(pair_rng);
      for (int i = 0; i < n; ++i) shared.push_back(pair_writer.fill(pick(pair_rng, boilerplate)));
      if (story % 2 == 1) c.hard_negative_stories.emplace_back(story - 1, story);
    }
    const story_text base = write_story(rng, w, t, shared);
    emit(base, story, variant::original);
    if (std::bernoulli_distribution(o.reprinted)(rng)) {
      const int n = std::uniform_int_distribution<int>(1, o.max_reprints)(rng);
      for (int r = 0; r < n; ++r) {
        const variant kind = pick(rng, kinds);
        emit(reprint(rng, w, t, base, kind, o.max_noise), story, kind);
      }
    }
  }
  return c;
}

}  // namespace broadsheet::testing
