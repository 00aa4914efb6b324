#pragma once
// Little-endian binary writing and bounds-checked reading, for the signature record and the
// index snapshot. The reader never reads past its input: every get returns false instead.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "pipeline/internal/hash.h"

namespace broadsheet::pipeline::internal {

class binary_writer {
 public:
  explicit binary_writer(std::string& out) : out_(out) {}
  template <class T>
  void put(T v) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // the machines this runs on are little-endian (x86-64, arm64)
    out_.append(reinterpret_cast<const char*>(b), sizeof(T));
  }
  void put_bytes(std::string_view s) { out_.append(s); }
  void put_string16(std::string_view s) {
    put(static_cast<std::uint16_t>(s.size()));
    out_.append(s);
  }

 private:
  std::string& out_;
};

class binary_reader {
 public:
  explicit binary_reader(std::string_view in) : in_(in) {}
  template <class T>
  [[nodiscard]] bool get(T& v) {
    if (in_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  [[nodiscard]] bool get_bytes(std::size_t n, std::string_view& v) {
    if (in_.size() - pos_ < n) return false;
    v = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] bool get_string16(std::string& v) {
    std::uint16_t n = 0;
    std::string_view s;
    if (!get(n) || !get_bytes(n, s)) return false;
    v.assign(s);
    return true;
  }
  [[nodiscard]] std::size_t remaining() const noexcept { return in_.size() - pos_; }
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

// Checksum of a byte range: detects truncation and corruption, not tampering.
[[nodiscard]] inline std::uint64_t checksum64(std::string_view bytes) noexcept { return hash_bytes(bytes); }

}  // namespace broadsheet::pipeline::internal
