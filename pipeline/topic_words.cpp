#include "pipeline/topic_words.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;

namespace {

// The characters of a bigram key: a Han character of U+4000-U+9FFF (lead byte E4-E9, nearly
// all of a Chinese page) by its three UTF-8 bytes, read without decoding (0xE40000 and up); any
// other Han character by its code point (below 0x110000); 0 for a character that is not Han.

// The hexagram symbols U+4DC0-U+4DFF are the only characters of lead bytes E4-E9 that are not Han.
constexpr bool han_bytes(std::uint32_t bytes) noexcept { return (bytes & ~0x3Fu) != 0xE4B780u; }

// The key of a three-byte character by its bytes (0xE00000 and up): those of E4-E9 as they are;
// the others (the wide punctuation "，" "。" "、" of every sentence, kana, hangul) by their code
// point, looked up in the class table (bmp_class_table(), loaded once by the caller).
inline std::uint32_t key_of_three(std::uint32_t bytes, const std::uint8_t* classes) noexcept {
  if (bytes - 0xE40000u < 0xEA0000u - 0xE40000u) return han_bytes(bytes) ? bytes : 0;
  const std::uint32_t c = ((bytes >> 4) & 0xF000u) | ((bytes >> 2) & 0xFC0u) | (bytes & 0x3Fu);
  return (classes[c] & cc::han) != 0 ? c : 0;
}

// The key of the character that starts at text[i]; i moves past it.
inline std::uint32_t han_key_at(std::string_view text, std::size_t& i, const std::uint8_t* classes) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned b0 = s[i];
  if (b0 < 0x80) {
    ++i;
    return 0;
  }
  if ((b0 >> 4) == 0xEu) {
    const std::uint32_t bytes = (b0 << 16) | (std::uint32_t{s[i + 1]} << 8) | s[i + 2];
    i += 3;
    return key_of_three(bytes, classes);
  }
  const char32_t c = next_code_point(text, i);
  return is_han(c) ? static_cast<std::uint32_t>(c) : 0;
}

// The same where the four bytes from s[i] are the text's (i + 4 <= its size), read as one number
// whose first three are a three-byte character's bytes as the key wants them, for the characters
// of one byte or three: none of them needs a call (a call anywhere in the loop had its pointers
// kept on the stack), and U+4E00-U+9FFF, nearly every character of a page, takes one range
// check. False for a character of two or four bytes, i left where it was.
inline bool han_key_of_four(const unsigned char* s, std::size_t& i, const std::uint8_t* classes, std::uint32_t& key) {
  std::uint32_t four;
  std::memcpy(&four, s + i, sizeof four);
  if constexpr (std::endian::native == std::endian::little) four = __builtin_bswap32(four);
  const std::uint32_t bytes = four >> 8;
  if (bytes - 0xE4B880u < 0xEA0000u - 0xE4B880u) {  // U+4E00-U+9FFF: no hexagram among them
    i += 3;
    key = bytes;
    return true;
  }
  if (bytes < 0x800000u) {
    ++i;
    key = 0;
    return true;
  }
  if ((bytes >> 20) == 0xEu) {
    i += 3;
    key = key_of_three(bytes, classes);
    return true;
  }
  return false;
}

// What number_bigrams' numbering leaves in a bigram's slot: the slot as it is if this
// generation (page) numbered it, else next, which then moves on by one. On x86 a compare, a
// conditional move and an add of the carry: GCC makes any conditional select of it a branch (a
// coin toss the processor cannot predict: x0.90), and masks cost seven instructions more.
inline std::uint32_t numbered_slot(std::uint32_t slot, std::uint32_t generation, std::uint32_t& next) noexcept {
  const std::uint32_t stamp = slot ^ generation;  // above 0xFFFF: another generation's
#if defined(__x86_64__)
  // top - stamp borrows (sets the carry) where stamp > top: a new bigram. (Every x86-64 has CMOV;
  // not every 32-bit x86 has.)
  asm("cmpl %[stamp], %[top]\n\t"
      "cmovbl %[next], %[slot]\n\t"
      "adcl $0, %[next]"
      : [slot] "+r"(slot), [next] "+r"(next)
      : [stamp] "r"(stamp), [top] "r"(0xFFFFu)
      : "cc");
  return slot;
#else
  const std::uint32_t fresh = stamp > 0xFFFFu ? 1u : 0u;
  const std::uint32_t now = slot ^ ((slot ^ next) & (0u - fresh));
  next += fresh;
  return now;
#endif
}

// Counting bits: std::popcount without -mpopcnt is a library call per word, so each word's bits
// are counted in its bytes instead (at most 8 a byte), and the bytes of up to 28 words (seven
// blocks of four) summed before they are added up.
constexpr std::uint64_t ones = 0x5555555555555555ull, twos = 0x3333333333333333ull, nibbles = 0x0F0F0F0F0F0F0F0Full;

inline std::uint64_t byte_counts(std::uint64_t v) noexcept {
  v -= (v >> 1) & ones;
  v = (v & twos) + ((v >> 2) & twos);
  return (v + (v >> 4)) & nibbles;
}

inline std::size_t sum_of_bytes(std::uint64_t bytes) noexcept {
  constexpr std::uint64_t byte_pairs = 0x00FF00FF00FF00FFull, halves = 0x0001000100010001ull;
  const std::uint64_t pairs = (bytes & byte_pairs) + ((bytes >> 8) & byte_pairs);  // four sums under 2,000
  return static_cast<std::size_t>((pairs * halves) >> 48);
}

// The bits set in both x and y, words [0, n), n a whole number of blocks (topic_words::block_words);
// with count_x, also those set in x there, added to in_x (a bag's size is counted in
// the pass that first compares it).
template <bool count_x>
std::size_t bits_in_common(const std::uint64_t* x, const std::uint64_t* y, std::size_t n,
                           std::size_t* in_x = nullptr) noexcept {
  constexpr std::size_t chunk = 7 * topic_words::block_words;  // each byte at most 8 * 28
  n -= n % topic_words::block_words;  // no change: tells the compiler that no odd last word is left
  std::size_t total = 0;
  for (std::size_t w = 0; w < n;) {
    std::uint64_t bytes = 0, x_bytes = 0;
    for (const std::size_t stop = std::min(n, w + chunk); w < stop; ++w) {
      bytes += byte_counts(x[w] & y[w]);
      if constexpr (count_x) x_bytes += byte_counts(x[w]);
    }
    total += sum_of_bytes(bytes);
    if constexpr (count_x) *in_x += sum_of_bytes(x_bytes);
  }
  return total;
}

}  // namespace

void topic_words::start_page(std::size_t text_bytes) {
  count_ = 0;
  // A Han character takes three bytes: the page has fewer bigrams than text_bytes / 3, and no
  // more numbers than slots.
  const std::size_t most = std::min(text_bytes / 3 + 1, slots_.size());
  bag_words_ = (most / 64 + block_words) / block_words * block_words;
  bags_ = 0;
  if (++generation_ == 0) {  // the generations ran out: clear the table once
    std::fill(slots_.begin(), slots_.end(), 0u);
    generation_ = 1;
  }
}

topic_words::bag topic_words::new_bag() {
  // The pool keeps the size of the largest page's bags (as its capacity was kept before), so a
  // new bag is zeroed in place, without the vector's growth checks.
  const bag b{bags_++};
  const std::size_t end = std::size_t{bags_} * bag_words_;
  if (pool_.size() < end) pool_.resize(end);
  std::memset(words(b), 0, bag_words_ * sizeof(std::uint64_t));
  if (members_.size() <= b.at) {
    members_.emplace_back();
    listed_.push_back(1);
    sizes_.push_back(0);
    used_.push_back(0);
  }
  members_[b.at].clear();  // keeps its memory from earlier pages
  listed_[b.at] = 1;
  sizes_[b.at] = unknown_size;
  used_[b.at] = 0;
  return b;
}

std::size_t topic_words::number_bigrams(std::string_view text, number_list& numbers, han_end_list& han_ends) {
  // First the slots of the text's bigrams in reading order (a Han character takes at least three
  // bytes, so there are fewer than text.size() / 3), then their numbers: the table is too large
  // for the nearest cache, so the first loop asks for each slot as soon as it knows it: the slot
  // has the rest of the first loop to arrive (asked for eight bigrams ahead in the second loop,
  // a text's first eight had no time to).
  slots_of_.resize(text.size() / 3 + 1);
  const std::size_t first = numbers.size();
  han_ends.resize(first + text.size() / 3 + 1);
  std::uint32_t* const at = slots_of_.data();
  std::uint32_t* const ends = han_ends.data() + first;
  std::uint32_t* const slots = slots_.data();
  std::size_t bigrams = 0;
  std::uint32_t han = 0;
  std::uint32_t neighbour = 0;  // the Han character before this one, 0 after a non-Han one
  const auto take = [&](std::uint32_t c) {
    han += c != 0 ? 1 : 0;
    if (c != 0 && neighbour != 0) {
      const std::uint64_t bigram = (std::uint64_t{neighbour} << 24) | c;
      const auto slot = static_cast<std::uint32_t>((bigram * 0x9E3779B97F4A7C15ull) >> (64 - hash_bits));
      __builtin_prefetch(slots + slot);
      at[bigrams] = slot;
      ends[bigrams] = han;
      ++bigrams;
    }
    neighbour = c;
  };
  // Four bytes at a time while four are left; a character of two or four bytes, and the last
  // few, one by one.
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::uint8_t* const classes = bmp_class_table();
  const std::size_t four_left = text.size() < 4 ? 0 : text.size() - 3;  // below it, i + 4 <= size
  std::size_t i = 0;
  while (i < text.size()) {
    for (std::uint32_t c = 0; i < four_left && han_key_of_four(bytes, i, classes, c);) take(c);
    if (i < text.size()) take(han_key_at(text, i, classes));
  }
  han_ends.resize(first + bigrams);
  // Without branches: whether a bigram is new to the page is a coin toss the processor cannot
  // predict.
  numbers.resize(first + bigrams);
  std::uint16_t* const out = numbers.data() + first;
  const std::uint32_t generation = std::uint32_t{generation_} << 16;
  // The slot a new bigram takes, its generation and number in one: its number is not ORed in
  // for each bigram. (It passes the generation's bits only when all 65,536 slots are the page's,
  // and then no bigram is new.) A slot of another generation differs from it in the high half.
  std::uint32_t next = generation + count_;
  for (std::size_t k = 0; k < bigrams; ++k) {
    std::uint32_t& slot = slots[at[k]];
    const std::uint32_t now = numbered_slot(slot, generation, next);
    slot = now;
    out[k] = static_cast<std::uint16_t>(now);
  }
  count_ = next - generation;
  return han;
}

topic_words::bag topic_words::bag_of(std::span<const std::uint16_t> numbers) {
  const bag b = new_bag();
  // Without branches, as above: whether a bigram is new to the bag is as hard to predict.
  std::vector<std::uint16_t>& members = members_[b.at];
  members.resize(numbers.size());
  std::uint16_t* const out = members.data();
  std::uint64_t* const bits = words(b);
  std::size_t count = 0;
  std::uint16_t highest = 0;
  for (const std::uint16_t n : numbers) {
    std::uint64_t& word = bits[n / 64];
    const std::uint64_t bit = std::uint64_t{1} << (n % 64);
    out[count] = n;
    count += (word & bit) == 0 ? 1 : 0;
    word |= bit;
    highest = std::max(highest, n);
  }
  members.resize(count);
  used_[b.at] = count == 0 ? 0 : highest / 64 + 1u;
  return b;
}

topic_words::bag topic_words::joined_bag(bag base, std::span<const std::uint16_t> numbers) {
  const bag b = new_bag();
  if (base.exists()) add(b, base);
  std::uint64_t* const bits = words(b);
  // The highest number is found in a loop of its own, which the compiler makes sixteen bytes at
  // a time; the loop that sets the bits (about three hundred a wide bag) is left a few
  // instructions shorter.
  for (const std::uint32_t n : numbers) bits[n / 64] |= std::uint64_t{1} << (n % 64);
  std::uint16_t highest = 0;
  for (const std::uint16_t n : numbers) highest = std::max(highest, n);
  if (!numbers.empty()) used_[b.at] = std::max(used_[b.at], highest / 64 + 1u);
  listed_[b.at] = 0;
  return b;
}

// A small bag whose list is whole looks its numbers up in b's bits; any other is compared word by
// word (a bag joined by add would have to be listed again, and a large one holds more numbers
// than a bag has words), its size counted once.
double topic_words::shared_fraction(bag a, bag b) {
  const std::vector<std::uint16_t>& mine = members_[a.at];
  const std::uint64_t* x = words(a);
  const std::uint64_t* y = words(b);
  std::size_t shared = 0;
  if (listed_[a.at] != 0 && mine.size() < bag_words_) {
    for (const std::uint16_t n : mine) shared += (y[n / 64] >> (n % 64)) & 1u;
  } else {
    const std::size_t both = whole_blocks(std::min(used_[a.at], used_[b.at]));
    if (sizes_[a.at] == unknown_size) {
      std::size_t size = 0;
      shared = bits_in_common<true>(x, y, both, &size);
      size += bits_in_common<false>(x + both, x + both, whole_blocks(used_[a.at]) - both);
      sizes_[a.at] = static_cast<std::uint32_t>(size);
    } else {
      shared = bits_in_common<false>(x, y, both);
    }
  }
  const std::size_t size = listed_[a.at] != 0 ? mine.size() : sizes_[a.at];
  return size == 0 ? 0 : static_cast<double>(shared) / static_cast<double>(size);
}

}  // namespace broadsheet::pipeline
