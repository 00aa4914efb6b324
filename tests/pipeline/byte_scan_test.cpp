#include "pipeline/internal/byte_scan.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using namespace broadsheet::pipeline::internal;

// The one-byte-per-step search each function replaces.
template <class IsHit>
std::size_t reference_find(std::string_view s, std::size_t i, IsHit is_hit) {
  for (; i < s.size(); ++i) {
    if (is_hit(static_cast<unsigned char>(s[i]))) return i;
  }
  return s.size();
}

// Every byte value at every offset of a 40-byte text (so that it falls in the first or second
// sixteen-byte step or in the tail), the rest filler that is no hit, searched from every start.
template <class Find, class IsHit>
void expect_same_as_reference(Find find, IsHit is_hit, char filler) {
  ASSERT_FALSE(is_hit(static_cast<unsigned char>(filler)));
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string text(40, filler);
      text[at] = static_cast<char>(value);
      for (std::size_t from = 0; from <= text.size(); ++from) {
        ASSERT_EQ(find(text, from), reference_find(text, from, is_hit))
            << "byte " << value << " at " << at << ", from " << from;
      }
    }
  }
}

TEST(byte_scan, find_any_of_matches_a_byte_by_byte_search) {
  expect_same_as_reference([](std::string_view s, std::size_t i) { return find_any_of<' ', ',', 0xEF>(s, i); },
                           [](unsigned char b) { return b == ' ' || b == ',' || b == 0xEF; }, '\xE5');
}

TEST(byte_scan, rfind_any_of_matches_a_byte_by_byte_search_backwards) {
  const auto is_hit = [](unsigned char b) { return b == '(' || b == 0xEF; };
  for (const char filler : {'a', '\xE5'}) {
    for (int value = 0; value < 256; ++value) {
      for (std::size_t at = 0; at < 40; ++at) {
        std::string text(40, filler);
        text[at] = static_cast<char>(value);
        for (std::size_t end = 0; end <= text.size(); ++end) {
          std::size_t expected = std::string_view::npos;
          for (std::size_t i = end; i-- > 0;) {
            if (is_hit(static_cast<unsigned char>(text[i]))) {
              expected = i;
              break;
            }
          }
          ASSERT_EQ((rfind_any_of<'(', 0xEF>(text, end)), expected)
              << "byte " << value << " at " << at << ", end " << end;
        }
      }
    }
  }
}

// The filler '0' lies between the smallest and the largest byte searched for without being one:
// the step that looks closer and finds nothing.
TEST(byte_scan, find_rare_any_of_matches_a_byte_by_byte_search) {
  const auto find = [](std::string_view s, std::size_t i) {
    return find_rare_any_of<' ', ',', ';', ':', '?', '!', '.', '(', ')'>(s, i);
  };
  const auto reference = [](unsigned char b) {
    return b == ' ' || b == ',' || b == ';' || b == ':' || b == '?' || b == '!' || b == '.' || b == '(' || b == ')';
  };
  expect_same_as_reference(find, reference, 'a');
  expect_same_as_reference(find, reference, '0');
  expect_same_as_reference(find, reference, '\xE5');
}

TEST(byte_scan, next_json_escape_matches_a_byte_by_byte_search) {
  const auto reference = [](unsigned char b) { return b < 0x20 || b == '"' || b == '\\'; };
  expect_same_as_reference([](std::string_view s, std::size_t i) { return next_json_escape(s, i); }, reference, 'a');
  expect_same_as_reference([](std::string_view s, std::size_t i) { return next_json_escape(s, i); }, reference, '\xE5');
}

TEST(byte_scan, plain_run_end_matches_a_byte_by_byte_search) {
  expect_same_as_reference([](std::string_view s, std::size_t i) { return plain_run_end(s, i); }, ends_plain_run, 'a');
  expect_same_as_reference([](std::string_view s, std::size_t i) { return plain_run_end(s, i); }, ends_plain_run,
                           '\x80');
}

TEST(byte_scan, next_other_lead_or_any_of_matches_a_byte_by_byte_search) {
  const auto find = [](std::string_view s, std::size_t i) { return next_other_lead_or_any_of<' ', '.'>(s, i); };
  const auto is_hit = [](unsigned char b) { return is_other_lead(b) || b == ' ' || b == '.'; };
  expect_same_as_reference(find, is_hit, '\xE4');
  expect_same_as_reference(find, is_hit, 'a');
}

// Every byte value at every offset of a 40-byte text of filler, each suffix of it (so that a
// text ends in the first or second sixteen-byte step or in the tail) handed to check with a note
// of where it came from.
struct probe {
  int value;
  std::size_t at, from;
  friend std::ostream& operator<<(std::ostream& out, const probe& p) {
    return out << "byte " << p.value << " at " << p.at << ", from " << p.from;
  }
};

template <class Check>
void for_each_probe(char filler, Check check) {
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string text(40, filler);
      text[at] = static_cast<char>(value);
      for (std::size_t from = 0; from <= text.size(); ++from)
        check(std::string_view(text).substr(from), probe{value, at, from});
    }
  }
}

// Counted against the byte loop, on every probe.

template <class Count, class IsCounted>
void expect_count_as_reference(Count count, IsCounted is_counted, char filler) {
  for_each_probe(filler, [&](std::string_view part, const probe& where) {
    std::size_t expected = 0;
    for (const char c : part) expected += is_counted(static_cast<unsigned char>(c));
    ASSERT_EQ(count(part), expected) << where;
  });
}

TEST(byte_scan, count_visible_matches_a_byte_by_byte_count) {
  for (const char filler : {'a', ' ', '\x80', '\xE5'}) {
    expect_count_as_reference([](std::string_view s) { return count_visible(s); }, starts_visible, filler);
  }
  EXPECT_EQ(count_visible("新 闻 AB"), 4u);
}

TEST(byte_scan, counts_past_255_sixteen_byte_steps) {
  // given: more steps than a byte-wide lane counter holds
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "新 a";
  // when / then
  EXPECT_EQ(count_visible(text), 6000u);
  EXPECT_EQ((count_in_range<0xE4, 0xE9>(text)), 3000u);
  EXPECT_EQ(count_continuation_bytes(text), 6000u);
}

TEST(byte_scan, count_in_range_matches_a_byte_by_byte_count) {
  for (const char filler : {'a', '\xE3', '\xE4', '\xE9', '\xEA'}) {
    expect_count_as_reference([](std::string_view s) { return count_in_range<0xE4, 0xE9>(s); },
                              [](unsigned char b) { return b >= 0xE4 && b <= 0xE9; }, filler);
  }
}

TEST(byte_scan, count_continuation_bytes_matches_a_byte_by_byte_count) {
  for (const char filler : {'a', '\x7F', '\x80', '\xBF', '\xC0', '\xE5'}) {
    expect_count_as_reference([](std::string_view s) { return count_continuation_bytes(s); }, is_continuation, filler);
  }
  EXPECT_EQ(count_continuation_bytes("新闻 AB"), 4u);
}

TEST(byte_scan, scan_line_matches_three_byte_by_byte_passes) {
  for (const char filler : {'a', ' ', '\x80', '\xE3', '\xE5', '\xEF'}) {
    for_each_probe(filler, [](std::string_view part, const probe& where) {
      line_bytes expected;
      std::vector<std::size_t> expected_others, others;
      for (std::size_t i = 0; i < part.size(); ++i) {
        const auto b = static_cast<unsigned char>(part[i]);
        expected.visible += starts_visible(b);
        expected.wide_leads += b >= 0xE4 && b <= 0xE9;
        if (is_other_lead(b)) expected_others.push_back(i);
      }
      const line_bytes got = scan_line(part, [&](std::size_t i) { others.push_back(i); });
      ASSERT_EQ(got.visible, expected.visible) << where;
      ASSERT_EQ(got.wide_leads, expected.wide_leads) << where;
      ASSERT_EQ(others, expected_others) << where;
    });
  }
}

TEST(byte_scan, scan_line_counts_past_255_sixteen_byte_steps) {
  // given: more steps than a byte-wide lane counter holds, a wide comma in each piece
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "新 a，";
  // when
  std::size_t others = 0;
  const line_bytes got = scan_line(text, [&](std::size_t) { ++others; });
  // then
  EXPECT_EQ(got.visible, 9000u);
  EXPECT_EQ(got.wide_leads, 3000u);
  EXPECT_EQ(others, 3000u);
}

TEST(byte_scan, holds_three_bytes_between_matches_a_byte_by_byte_search) {
  // 社 and 台, and their first two bytes alone (no hit), at every offset of texts of every length
  // up to 40, searched between every start and every end at most sixteen after it.
  const auto reference = [](std::string_view s, std::size_t from, std::size_t to) {
    for (std::size_t p = from; p < to && p + 3 <= s.size(); ++p) {
      const std::string_view at = s.substr(p, 3);
      if (at == "社" || at == "台") return true;
    }
    return false;
  };
  for (const std::string_view piece : {"社", "台", "\xE7\xA4", "\xE5\x8F"}) {
    for (std::size_t size = 0; size <= 40; ++size) {
      for (std::size_t at = 0; at + piece.size() <= size; ++at) {
        std::string text(size, '\xE5');
        text.replace(at, piece.size(), piece);
        for (std::size_t from = 0; from <= size; ++from) {
          for (std::size_t to = from; to <= from + 16; ++to) {
            ASSERT_EQ((holds_three_bytes_between<0xE7A4BE, 0xE58FB0>(text, from, to)), reference(text, from, to))
                << "piece of " << piece.size() << " bytes at " << at << " of " << size << ", from " << from << " to "
                << to;
          }
        }
      }
    }
  }
}

TEST(byte_scan, plain_runs_stop_at_spaces_controls_and_other_scripts) {
  EXPECT_TRUE(ends_plain_run(' '));
  EXPECT_TRUE(ends_plain_run('\t'));
  EXPECT_TRUE(ends_plain_run(0x7F));
  EXPECT_TRUE(ends_plain_run(0xE3));  // 。
  EXPECT_TRUE(ends_plain_run(0xEF));  // ，
  EXPECT_FALSE(ends_plain_run(0xE4));
  EXPECT_FALSE(ends_plain_run(0xE9));
  EXPECT_FALSE(ends_plain_run('~'));
  EXPECT_EQ(plain_run_end("新闻ABC，后", 0), std::string_view("新闻ABC").size());
}

}  // namespace
