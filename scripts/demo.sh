#!/usr/bin/env bash
# make demo: the worker end to end on the embedded broker. Starts `broadsheet broker` (librdkafka's
# mock cluster, real Kafka protocol on loopback), loads the project's sample pages (our own
# writing: tests/data/sample_pages.jsonl and tests/data/pages/*.txt) into pages.raw with kcat,
# runs `broadsheet run` until every article is published, and prints the articles readably.
# The metrics endpoint listens on 127.0.0.1, on port 9464 when it is free, else on one the system
# gives; the URL printed is the one the worker reports listening on.
# usage: [DEMO_KEEP=1] demo.sh BROADSHEET_BINARY
#   DEMO_KEEP=1: the worker and the broker stay up after the articles are printed, with their
#   addresses, until Ctrl-C (SIGINT or SIGTERM), which stops the worker gracefully.
set -euo pipefail
bin=$(realpath "${1:-build/broadsheet}")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
broker_pid=""
worker_pid=""
cleanup() {
  # The worker first, and wait for it: its graceful stop commits through the broker.
  if [ -n "$worker_pid" ]; then
    kill "$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
  fi
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "== stopping the worker and the broker"; exit 0' INT TERM
keep="${DEMO_KEEP:-0}"

# The sample pages as page records, one JSON line each (key = page_id).
/usr/bin/python3 - "$root" > "$work/pages.jsonl" <<'PY'
import json, pathlib, sys
root = pathlib.Path(sys.argv[1]) / "tests" / "data"
for line in (root / "sample_pages.jsonl").read_text().splitlines():
    if line.strip():
        page = json.loads(line)
        # An undated page would take its record's timestamp (today) as event time, and the
        # index's 30-day horizon would then evict the 2025 editions (see README, near-duplicates).
        page.setdefault("fetched_at", "2025-03-18T09:00:00+08:00")
        print(json.dumps(page, ensure_ascii=False))
for path in sorted((root / "pages").glob("*.txt")):
    print(json.dumps({"page_id": "demo-" + path.stem, "source": "测试日报", "edition_date": "2025-04-01",
                      "page": path.stem[:2], "text": path.read_text()}, ensure_ascii=False))
PY
pages=$(wc -l < "$work/pages.jsonl")
expected=$("$bin" process "$work/pages.jsonl" 2>/dev/null | /usr/bin/python3 -c \
  'import json,sys; print(len({json.loads(l)["article_id"] for l in sys.stdin}))')

mkfifo "$work/control"
"$bin" broker --log-level warn < "$work/control" > "$work/broker.out" &
broker_pid=$!
exec 3> "$work/control"  # keeps the broker's control input open
for _ in $(seq 100); do [ -s "$work/broker.out" ] && break; sleep 0.1; done
bootstrap=$(head -n 1 "$work/broker.out")
echo "== embedded broker (librdkafka mock cluster) at $bootstrap"

# key<TAB>value per line; the page JSON holds no raw tab (JSON escapes it).
/usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["page_id"] + "\t" + line.rstrip("\n"))' < "$work/pages.jsonl" |
  kcat -P -b "$bootstrap" -t pages.raw -K $'\t' -z lz4
echo "== loaded $pages pages into pages.raw with kcat; expecting $expected articles"

# 9464 (the default) when it is free, else any free port.
metrics_port=$(/usr/bin/python3 -c '
import socket
for port in (9464, 0):
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
            print(s.getsockname()[1])
            break
    except OSError:
        pass')
"$bin" run --brokers "$bootstrap" --worker-id demo --log-level info --metrics-address 127.0.0.1 \
  --metrics-port "$metrics_port" 2> "$work/worker.log" &
worker_pid=$!
# The worker logs the address it listens on once it does (or exits when it cannot).
metrics_url=""
for _ in $(seq 100); do
  metrics_url=$(grep -o -m 1 'metrics on http://[^ ]*' "$work/worker.log" | sed 's/^metrics on //' || true)
  [ -n "$metrics_url" ] && break
  kill -0 "$worker_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$metrics_url" ]; then
  cat "$work/worker.log" >&2
  echo "== the worker did not start its metrics endpoint" >&2
  exit 1
fi
echo "== worker running (log: the first lines below); metrics at $metrics_url"
for _ in $(seq 120); do
  got=$(kcat -C -b "$bootstrap" -t articles -o beginning -e -q -f '%k\n' 2>/dev/null | sort -u | wc -l)
  [ "$got" -ge "$expected" ] && break
  sleep 0.5
done
sed -n '1,6p' "$work/worker.log"
if [ "$keep" = 1 ]; then
  echo "== worker published $got distinct articles and keeps running (DEMO_KEEP=1)"
else
  kill -TERM "$worker_pid"
  wait "$worker_pid" && status=0 || status=$?
  worker_pid=""
  echo "== worker stopped gracefully (exit $status) after publishing $got distinct articles"
fi
echo

# The articles as published (latest revision of each), read back with kcat.
kcat -C -b "$bootstrap" -t articles -o beginning -e -q -f '%s\n' | /usr/bin/python3 -c '
import json, sys
latest = {}
for line in sys.stdin:
    a = json.loads(line)
    if a["article_id"] not in latest or a["revision"] >= latest[a["article_id"]]["revision"]:
        latest[a["article_id"]] = a
dups = 0
for a in sorted(latest.values(), key=lambda a: (a["page_id"], a["ordinal"])):
    head = a["title"] or "(untitled)"
    aid, rev, kind = a["article_id"], a["revision"], a["kind"]
    print(f"[{aid} r{rev}] {kind:8} {head}")
    names = a["byline"]["reporters"] + a["byline"]["correspondents"]
    if names: print("    by " + "、".join(names))
    first = a["paragraphs"][0] if a["paragraphs"] else ""
    print("    " + (first[:60] + "…" if len(first) > 60 else first))
    if a["duplicate_of"]:
        dups += 1
        of, sim = a["duplicate_of"], a["similarity"]
        print(f"    ↳ near-duplicate of {of} (similarity {sim:.2f})")
print(f"== {len(latest)} articles from {sys.argv[1]} pages, {dups} marked as near-duplicates")
' "$pages"
signatures=$(kcat -C -b "$bootstrap" -t articles.signatures -o beginning -e -q -f '%k\n' | sort -u | wc -l)
dead=$(kcat -C -b "$bootstrap" -t pages.dlq -o beginning -e -q -f '%k\n' | wc -l)
echo "== $signatures signature records in articles.signatures, $dead dead letters in pages.dlq"
echo "== without Kafka: $bin process --pretty tests/data/pages/*.txt"

if [ "$keep" = 1 ]; then
  echo
  echo "== DEMO_KEEP=1: the worker and the broker stay up until Ctrl-C"
  echo "   metrics:    curl -s $metrics_url"
  echo "   health:     curl -s ${metrics_url%/metrics}/healthz ${metrics_url%/metrics}/readyz"
  echo "   articles:   kcat -C -b $bootstrap -t articles -o beginning -e"
  echo "   more pages: kcat -P -b $bootstrap -t pages.raw -K '|' (one page_id|page JSON per line)"
  echo "   worker log: $work/worker.log"
  while kill -0 "$worker_pid" 2>/dev/null; do sleep 1; done
  echo "== the worker exited; the end of its log:" >&2
  tail -n 20 "$work/worker.log" >&2
  exit 1
fi
