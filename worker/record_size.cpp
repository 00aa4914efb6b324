#include "worker/record_size.h"

#include <cstdint>

namespace broadsheet::worker {

namespace {

// Bytes of n as a zigzag varint, the encoding of header lengths.
std::size_t zigzag_varint_bytes(std::size_t n) noexcept {
  std::uint64_t v = static_cast<std::uint64_t>(n) << 1;
  std::size_t bytes = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++bytes;
  }
  return bytes;
}

}  // namespace

std::size_t header_bytes(std::string_view name, std::size_t value_bytes) noexcept {
  return zigzag_varint_bytes(name.size()) + name.size() + zigzag_varint_bytes(value_bytes) + value_bytes;
}

std::size_t headers_bytes(const rd_kafka_headers_t* headers) noexcept {
  if (headers == nullptr) return 0;
  std::size_t bytes = 0;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
    bytes += header_bytes(name, size);
  return bytes;
}

}  // namespace broadsheet::worker
