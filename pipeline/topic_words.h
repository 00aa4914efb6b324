#pragma once
// topic_words: how much two texts of a page share, by their Han character bigrams. A headline
// shares its words with the lead of its own story; an in-body subhead shares them with the text
// around it; the text after a story boundary brings new words. shared_fraction measures all three.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace broadsheet::pipeline {

// An allocator whose vectors leave the elements that resize adds uninitialised instead of
// zero-filling them: number_bigrams sizes its lists for the most bigrams a text could hold and
// writes each one before it is read, so the zero-fill was a second pass over their memory (and
// memset's branches on the size).
template <typename T>
struct uninitialized_allocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = uninitialized_allocator<U>;
  };
  uninitialized_allocator() noexcept = default;
  template <typename U>
  uninitialized_allocator(const uninitialized_allocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// The Han character bigrams of one page's texts, each numbered the first time it is read, and
// sets of them ("bags"): bitsets over those numbers, built without sorting and joined word by
// word; a small bag is compared with another by looking its numbers up in the other's bits, a
// large one word by word. The bags of a page live in one pool that start_page empties (keeping
// its memory for the next page), so a bag is a handle into it. Not thread-safe.
class topic_words {
 public:
  struct bag {
    static constexpr std::uint32_t none = ~std::uint32_t{0};
    std::uint32_t at = none;  // index of the bag in the page's pool
    [[nodiscard]] bool exists() const noexcept { return at != none; }
  };

  // Forgets the last page's bigrams and bags and makes room for a page of text_bytes bytes.
  void start_page(std::size_t text_bytes);

  [[nodiscard]] bag new_bag();
  // The numbers of a text's bigrams, and its Han characters up to each (number_bigrams).
  using number_list = std::vector<std::uint16_t, uninitialized_allocator<std::uint16_t>>;
  using han_end_list = std::vector<std::uint32_t, uninitialized_allocator<std::uint32_t>>;
  // A text's bigrams in reading order, each numbered (text: a text of the page start_page was
  // told of). Appends each bigram's number to numbers and, to han_ends, how many of the text's Han
  // characters come up to and including its second one; returns the text's Han characters. A
  // bag of the first (or last) n Han characters is then the bag of a prefix (suffix) of numbers.
  std::size_t number_bigrams(std::string_view text, number_list& numbers, han_end_list& han_ends);
  // The bag of bigrams numbered by number_bigrams.
  [[nodiscard]] bag bag_of(std::span<const std::uint16_t> numbers);
  // The bigrams of base (none: no bag) and those numbered, as a bag that keeps its bits and no
  // list of its numbers, as add leaves one: cheaper to build, for a bag that is only ever added
  // to others.
  [[nodiscard]] bag joined_bag(bag base, std::span<const std::uint16_t> numbers);
  // A bag's words come in blocks of block_words, which add and shared_fraction read whole: a bag's
  // words past its used ones are zero, so ORing or counting them changes nothing, and a loop over
  // whole blocks has no last odd word to test for (whether a bag's words are odd in number is a
  // coin toss the processor cannot predict) and takes two sixteen-byte steps a turn.
  static constexpr std::size_t block_words = 4;
  static constexpr std::size_t whole_blocks(std::size_t words) noexcept {
    return (words + block_words - 1) / block_words * block_words;
  }
  // Adds the bigrams of from to into. Inline: the segmenter's windows add a unit's bag for each
  // unit they read, a few dozen words each.
  void add(bag into, bag from) noexcept {
    const std::uint32_t used = used_[from.at];
    or_blocks(words(into), words(from), whole_blocks(used));
    used_[into.at] = std::max(used_[into.at], used);
    listed_[into.at] = 0;
    sizes_[into.at] = unknown_size;
  }
  // The share of a's bigrams that b holds too: 0 when a is empty.
  [[nodiscard]] double shared_fraction(bag a, bag b);

 private:
  // Words [0, n) of from ORed into to, n a whole number of blocks.
  static void or_blocks(std::uint64_t* __restrict to, const std::uint64_t* __restrict from, std::size_t n) noexcept {
    for (std::size_t w = 0; w < n; w += block_words) {
      for (std::size_t k = 0; k < block_words; ++k) to[w + k] |= from[w + k];
    }
  }
  std::uint64_t* words(bag b) noexcept { return pool_.data() + std::size_t{b.at} * bag_words_; }
  const std::uint64_t* words(bag b) const noexcept { return pool_.data() + std::size_t{b.at} * bag_words_; }

  // Numbers by a 16-bit hash of the bigram, one slot each: two bigrams of a page that share a hash
  // share a number. A page holds a few thousand bigrams, so a bigram shares its number with
  // another of the page 2 % to 5 % of the time and two leads of 120 characters seem to share a
  // quarter of a bigram more than they do: noise far below what the weights act on. A slot
  // holds the generation (page) that numbered it and the number; one of another generation is
  // free.
  static constexpr std::size_t hash_bits = 16;
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(std::size_t{1} << hash_bits);
  std::uint32_t count_ = 0;
  std::uint16_t generation_ = 0;
  std::size_t bag_words_ = 0;            // words of a bag: enough bits for every number of the page, in whole blocks
  std::vector<std::uint64_t> pool_;      // the page's bags' bits, bag_words_ words each
  std::uint32_t bags_ = 0;               // the page's bags: the first bags_ * bag_words_ words of pool_
  std::vector<std::uint32_t, uninitialized_allocator<std::uint32_t>> slots_of_;  // number_bigrams' slots of a text's bigrams
  // Each bag's numbers, a list shared_fraction walks for a small bag; listed_ says whether it is
  // whole (add adds bits only).
  std::vector<std::vector<std::uint16_t>> members_;
  std::vector<std::uint8_t> listed_;  // bytes: a vector<bool> costs a shift and a mask each time
  // Each bag's count of numbers where its list is not whole, counted when first compared.
  static constexpr std::uint32_t unknown_size = ~std::uint32_t{0};
  std::vector<std::uint32_t> sizes_;
  // Each bag's words in use: its bits lie in words [0, used_[b]). Numbers are given in reading
  // order, so the bags of the text read first stay low; add and shared_fraction stop there.
  std::vector<std::uint32_t> used_;
};

}  // namespace broadsheet::pipeline
