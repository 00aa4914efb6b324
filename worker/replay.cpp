#include "worker/replay.h"

#include <charconv>
#include <chrono>
#include <climits>
#include <set>
#include <vector>

#include "worker/kafka.h"

namespace broadsheet::worker {

namespace {

constexpr int timeout_ms = 10000;

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

int digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

class kafka_lookup final : public offset_lookup {
 public:
  explicit kafka_lookup(rd_kafka_t* client) : client_(client) {}
  tl::expected<std::map<std::int32_t, std::int64_t>, std::string> offsets_for_time(const std::string& topic,
                                                                                   int partitions,
                                                                                   std::int64_t ms) override {
    partition_list list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = ms;
    if (const auto err = rd_kafka_offsets_for_times(client_, list.get(), timeout_ms); err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return tl::make_unexpected(std::string("offsets for time: ") + rd_kafka_err2str(err));
    std::map<std::int32_t, std::int64_t> out;
    tl::expected<std::vector<watermarks>, std::string> marks;  // asked for when first needed
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) return tl::make_unexpected(std::string(rd_kafka_err2str(e.err)));
      if (e.offset < 0) {  // no record that late: the end
        if (marks && marks->empty()) marks = query_watermarks(client_, topic, partitions, timeout_ms);
        if (!marks) return tl::make_unexpected(marks.error());
        out[e.partition] = (*marks)[static_cast<std::size_t>(e.partition)].high;
      } else {
        out[e.partition] = e.offset;
      }
    }
    return out;
  }

 private:
  rd_kafka_t* client_;
};

// Reads each partition from the beginning through a short-lived consumer of its own.
class scan_lookup final : public offset_lookup {
 public:
  explicit scan_lookup(rd_kafka_t* client) : client_(client) {}
  tl::expected<std::map<std::int32_t, std::int64_t>, std::string> offsets_for_time(const std::string& topic,
                                                                                   int partitions,
                                                                                   std::int64_t ms) override {
    const auto all = query_watermarks(client_, topic, partitions, timeout_ms);
    if (!all) return tl::make_unexpected(all.error());
    std::map<std::int32_t, std::int64_t> out;
    for (int p = 0; p < partitions; ++p) {
      const watermarks& w = (*all)[static_cast<std::size_t>(p)];
      out[p] = w.high;
      if (w.high > w.low) {
        auto found = scan(topic, p, w.low, w.high, ms);
        if (!found) return tl::make_unexpected(found.error());
        out[p] = *found;
      }
    }
    return out;
  }

 private:
  tl::expected<std::int64_t, std::string> scan(const std::string& topic, int partition, std::int64_t low,
                                              std::int64_t high, std::int64_t ms) {
    const char* bootstrap_name = "bootstrap.servers";
    char bootstrap[1024];
    std::size_t size = sizeof bootstrap;
    rd_kafka_conf_get(rd_kafka_conf(client_), bootstrap_name, bootstrap, &size);
    kafka_conf conf(rd_kafka_conf_new());
    char err[256];
    rd_kafka_conf_set(conf.get(), bootstrap_name, bootstrap, err, sizeof err);
    rd_kafka_conf_set(conf.get(), "group.id", "broadsheet.replay.scan", err, sizeof err);
    rd_kafka_conf_set(conf.get(), "enable.auto.commit", "false", err, sizeof err);
    auto consumer = make_client(std::move(conf), RD_KAFKA_CONSUMER);
    if (!consumer) return tl::make_unexpected(consumer.error());
    partition_list list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = low;
    rd_kafka_assign(consumer->get(), list.get());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::int64_t next = low;
    while (next < high && std::chrono::steady_clock::now() < deadline) {
      kafka_message m(rd_kafka_consumer_poll(consumer->get(), 100));
      if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      rd_kafka_timestamp_type_t type;
      if (rd_kafka_message_timestamp(m.get(), &type) >= ms) {
        rd_kafka_consumer_close(consumer->get());
        return m->offset;
      }
      next = m->offset + 1;
    }
    rd_kafka_consumer_close(consumer->get());
    if (next < high) return tl::make_unexpected("timed out scanning " + topic + " partition " + std::to_string(partition));
    return high;
  }

  rd_kafka_t* client_;
};

// Offsets per partition for one spec; `end` says which side of the range it is.
tl::expected<std::map<std::int32_t, std::int64_t>, std::string> resolve_spec(
    const std::string& topic, int partitions, const offset_spec& spec,
    const std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>>& marks, offset_lookup& lookup, bool end) {
  std::map<std::int32_t, std::int64_t> out;
  for (const auto& [p, m] : marks) out[p] = end ? m.second : m.first;
  switch (spec.what) {
    case offset_spec::form::beginning:
      for (const auto& [p, m] : marks) out[p] = m.first;
      return out;
    case offset_spec::form::end: return out;
    case offset_spec::form::offset:
      for (auto& [p, o] : out) o = std::clamp(spec.value, marks.at(p).first, marks.at(p).second);
      return out;
    case offset_spec::form::time: return lookup.offsets_for_time(topic, partitions, spec.value);
    case offset_spec::form::per_partition:
      for (const auto& [p, o] : spec.partitions) {
        const auto m = marks.find(p);
        if (m == marks.end())
          return tl::make_unexpected("bad offset spec: topic " + topic + " has no partition " + std::to_string(p));
        out[p] = std::clamp(o, m->second.first, m->second.second);
      }
      return out;
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  std::size_t at = 19;
  std::int64_t millis = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int scale = 100;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      millis += (s[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
  }
  std::int64_t offset_minutes = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) {
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    const int oh = digits(s, at + 1, 2), om = digits(s, at + 4, 2);
    if (oh < 0 || om < 0) return std::nullopt;
    offset_minutes = (s[at] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

tl::expected<offset_spec, std::string> parse_offset_spec(std::string_view spec) {
  if (spec == "beginning") return offset_spec{.what = offset_spec::form::beginning};
  if (spec == "end") return offset_spec{.what = offset_spec::form::end};
  if (const auto n = parse_int(spec)) return offset_spec{.what = offset_spec::form::offset, .value = *n};
  if (const auto ms = parse_rfc3339_ms(spec)) return offset_spec{.what = offset_spec::form::time, .value = *ms};
  // P:N,P:N…
  offset_spec out{.what = offset_spec::form::per_partition};
  std::size_t at = 0;
  do {
    const auto comma = std::min(spec.find(',', at), spec.size());
    const auto item = spec.substr(at, comma - at);
    const auto colon = item.find(':');
    const auto p = colon == std::string_view::npos ? std::nullopt : parse_int(item.substr(0, colon));
    const auto o = colon == std::string_view::npos ? std::nullopt : parse_int(item.substr(colon + 1));
    if (!p || !o || *p > INT32_MAX)
      return tl::make_unexpected("bad offset spec \"" + std::string(spec) +
                                 "\": expected beginning, end, N, P:N,… or an RFC 3339 time");
    out.partitions[static_cast<std::int32_t>(*p)] = *o;
    at = comma + 1;
  } while (at < spec.size());
  return out;
}

std::unique_ptr<offset_lookup> kafka_offset_lookup(rd_kafka_t* client) { return std::make_unique<kafka_lookup>(client); }
std::unique_ptr<offset_lookup> scan_offset_lookup(rd_kafka_t* client) { return std::make_unique<scan_lookup>(client); }

tl::expected<offset_range, std::string> resolve_range(rd_kafka_t* client, const std::string& topic,
                                                      std::string_view from, std::string_view to,
                                                      offset_lookup& lookup) {
  const auto from_spec = parse_offset_spec(from);
  if (!from_spec) return tl::make_unexpected(from_spec.error());
  const auto to_spec = parse_offset_spec(to);
  if (!to_spec) return tl::make_unexpected(to_spec.error());
  const auto partitions = partition_count(client, topic, timeout_ms);
  if (!partitions) return tl::make_unexpected(partitions.error());
  const auto all = query_watermarks(client, topic, *partitions, timeout_ms);
  if (!all) return tl::make_unexpected(all.error());
  std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>> marks;
  for (int p = 0; p < *partitions; ++p) marks[p] = {(*all)[static_cast<std::size_t>(p)].low, (*all)[static_cast<std::size_t>(p)].high};
  auto start = resolve_spec(topic, *partitions, *from_spec, marks, lookup, false);
  if (!start) return tl::make_unexpected(start.error());
  auto end = resolve_spec(topic, *partitions, *to_spec, marks, lookup, true);
  if (!end) return tl::make_unexpected(end.error());
  // With --from P:N,… only the named partitions are replayed.
  std::set<std::int32_t> named;
  for (const auto& [p, o] : from_spec->partitions) named.insert(p);
  offset_range range;
  for (const auto& [p, m] : marks) {
    const std::int64_t first = named.empty() || named.contains(p) ? (*start)[p] : m.second;
    range[p] = {first, std::max(first, (*end)[p])};
  }
  return range;
}

tl::expected<void, std::string> assign_range(rd_kafka_t* consumer, const std::string& topic,
                                             const offset_range& range) {
  partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(range.size())));
  for (const auto& [partition, span] : range)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = span.first;
  if (const auto err = rd_kafka_assign(consumer, list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return tl::make_unexpected(std::string(rd_kafka_err2str(err)));
  return {};
}

bool past_range_end(const offset_range& range, std::int32_t partition, std::int64_t offset) {
  const auto it = range.find(partition);
  return it == range.end() || offset >= it->second.second;
}

std::map<std::int32_t, std::int64_t> range_positions(rd_kafka_t* consumer, const std::string& topic,
                                                     const offset_range& range) {
  partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(range.size())));
  for (const auto& [partition, span] : range) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  rd_kafka_position(consumer, list.get());
  std::map<std::int32_t, std::int64_t> positions;
  for (int i = 0; i < list->cnt; ++i) positions[list->elems[i].partition] = list->elems[i].offset;
  return positions;
}

bool range_consumed(const offset_range& range, const std::map<std::int32_t, std::int64_t>& positions) {
  for (const auto& [partition, span] : range) {
    const auto [start, end] = span;
    const auto at = positions.find(partition);
    const std::int64_t position = at == positions.end() ? -1 : at->second;
    if (end > start && (position < 0 || position < end)) return false;
  }
  return true;
}

}  // namespace broadsheet::worker
