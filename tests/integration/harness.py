"""Processes and clients for the integration tests: the embedded broker (`broadsheet broker`),
workers (`broadsheet run`), and an independent Kafka client (python3-confluent-kafka) that loads
pages and reads what the workers wrote. Everything talks the Kafka protocol over TCP on loopback,
and every wait is bounded."""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import socket
import time
import urllib.request
from pathlib import Path

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

BROADSHEET = os.environ.get("BROADSHEET", "build/broadsheet")
SOURCE_DIR = Path(__file__).resolve().parents[2]
DATA = SOURCE_DIR / "tests" / "data"


# The embedded broker finishes a cooperative rebalance only when a member's session times out,
# and a killed member is noticed only then: a short session keeps those waits to seconds.
SESSION = ["-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def log_stacks(pid):
    """Every thread's stack of a process that does not stop, into the test's report (gdb)."""
    if shutil.which("gdb") is None:
        log(f"---- no stacks of process {pid}: gdb is not installed ----")
        return
    try:
        out = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"], capture_output=True,
                             text=True, timeout=120)
        log(f"---- stacks of process {pid} ----\n{out.stdout}{out.stderr}")
    except subprocess.TimeoutExpired:
        log(f"---- no stacks of process {pid}: gdb did not finish in 120 s ----")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env():
    """The environment without BROADSHEET_* variables: the test's own (BROADSHEET_TEST_LOGS)
    would be rejected as unknown settings, and a developer's must not leak into a test."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}


class Broker:
    """`broadsheet broker`: the mock cluster in a process of its own, driven by control lines."""

    def __init__(self, partitions=4):
        self.proc = subprocess.Popen(
            [BROADSHEET, "broker", "--partitions", str(partitions), "--log-level", "warn"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=clean_env())
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            raise RuntimeError("broker printed no bootstrap address")

    def control(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().strip()
        if reply != "ok":
            raise RuntimeError(f"broker control {line!r}: {reply}")

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


class Worker:
    """`broadsheet run` against a broker; its log goes to a file for the test's report."""

    def __init__(self, bootstrap, name, *extra, log_dir=None, metrics=False):
        self.name = name
        self.metrics_port = free_port() if metrics else 0
        log_dir = Path(log_dir or os.environ.get("BROADSHEET_TEST_LOGS", "/tmp"))
        self.log_path = log_dir / f"{name}-{os.getpid()}.log"  # tests run in parallel
        self.log_file = open(self.log_path, "w")
        env = clean_env()
        self.proc = subprocess.Popen(
            [BROADSHEET, "run", "--brokers", bootstrap, "--worker-id", name, "--metrics-port", str(self.metrics_port),
             "--metrics-address", "127.0.0.1",
             "--shutdown-deadline", "15", *SESSION, *extra],
            stdout=self.log_file, stderr=subprocess.STDOUT, env=env)

    def metric(self, name):
        """The value of an unlabelled series on the worker's /metrics, or 0 before it answers."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith(name + " "):
                        return float(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self, timeout=30):
        """SIGTERM, then the exit status (graceful shutdown must finish within timeout)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log_stacks(self.proc.pid)
            raise
        self.log_file.close()
        return code

    def kill(self):
        self.proc.kill()
        self.proc.wait(10)
        self.log_file.close()

    def log_text(self):
        return self.log_path.read_text()


def fixture_pages(copies=1):
    """(The embedded broker keeps at most 5 MB per partition and drops older records beyond that,
    so a test keeps well below: 150 copies are 11 MB over 4 partitions.)
    Page records of the project's own fixture pages (tests/data/pages), `copies` editions each
    on consecutive days, plus tests/data/sample_pages.jsonl."""
    pages = [json.loads(line) for line in (DATA / "sample_pages.jsonl").read_text().splitlines() if line.strip()]
    for p in pages:
        # An undated page takes the record's timestamp (now) as its event time in the worker, but
        # day 0 in `broadsheet process`; either way the 30-day horizon would then evict the other
        # pages' 2025 editions. Dated here, so both runs decide alike.
        if "edition_date" not in p and "fetched_at" not in p:
            p["fetched_at"] = "2025-03-18T09:00:00+08:00"
    for copy in range(copies):
        day = datetime.date(2025, 4, 1) + datetime.timedelta(days=copy % 25)  # within the 30-day horizon
        for path in sorted((DATA / "pages").glob("*.txt")):
            pages.append({
                "page_id": f"fixture-{copy:03d}-{path.stem}",
                "source": "测试日报",
                "edition_date": day.isoformat(),
                "page": path.stem[:2],
                "text": path.read_text(),
            })
    return pages


def produce(bootstrap, topic, records, partition=None, **settings):
    """records: (key, value-bytes-or-str) pairs, or (key, value, headers) with headers a list of
    (name, value) pairs. Waits for every delivery. settings: more producer properties, with '_'
    for '.' (message_max_bytes=10_000_000)."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5,
                         **{k.replace("_", "."): v for k, v in settings.items()}})
    failures = []

    def report(err, _msg):
        if err is not None:
            failures.append(err)

    for key, value, *headers in records:
        kwargs = {"partition": partition} if partition is not None else {}
        if headers:
            kwargs["headers"] = headers[0]
        producer.produce(topic, key=key, value=value, on_delivery=report, **kwargs)
        producer.poll(0)
    remaining = producer.flush(30)
    if remaining or failures:
        raise RuntimeError(f"{remaining} undelivered, failures: {failures[:3]}")


def produce_pages(bootstrap, pages, topic="pages.raw"):
    produce(bootstrap, topic, [(p["page_id"], json.dumps(p, ensure_ascii=False)) for p in pages])


def read_topic(bootstrap, topic, until=None, timeout=60, idle=3.0):
    """Every record of topic from the beginning, as dicts with key, value, headers, partition,
    offset. Stops when until(records) is true (then after `idle` quiet seconds, to catch
    duplicates) or at timeout."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"reader-{time.time_ns()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    # Assigned, not subscribed: no group join (the embedded broker delays a first join by 3 s).
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    records = []
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            if until is not None and until(records):
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= idle:
                    break
            continue
        quiet_since = None
        records.append({
            "key": msg.key().decode() if msg.key() is not None else None,
            "value": msg.value(),
            "headers": {k: (v.decode() if v is not None else None) for k, v in (msg.headers() or [])},
            "partition": msg.partition(),
            "offset": msg.offset(),
        })
    consumer.close()
    return records


def committed(bootstrap, group, topic, partitions):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    result = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=10)
    consumer.close()
    return {tp.partition: tp.offset for tp in result}


def expected_articles(pages, *extra):
    """`broadsheet process` over the same pages: the reference output (latest revision per id)."""
    data = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages)
    out = subprocess.run([BROADSHEET, "process", *extra], input=data, capture_output=True, text=True, check=True,
                         env=clean_env())
    return latest([json.loads(line) for line in out.stdout.splitlines()])


def latest(articles):
    """article_id → its record with the highest revision."""
    by_id = {}
    for a in articles:
        if a["article_id"] not in by_id or a["revision"] >= by_id[a["article_id"]]["revision"]:
            by_id[a["article_id"]] = a
    return by_id


def revisions_out_of_order(records):
    """article_ids whose records, in offset order within their partition, go down in revision:
    compaction keeps an article's last record, so its corrections must follow it."""
    last, wrong = {}, set()
    for r in sorted(records, key=lambda r: (r["partition"], r["offset"])):
        revision = json.loads(r["value"])["revision"]
        if revision < last.get(r["key"], -1):
            wrong.add(r["key"])
        last[r["key"]] = revision
    return sorted(wrong)


def articles_of(records):
    return [json.loads(r["value"]) for r in records]


def page_positions(bootstrap, count, topic="pages.raw"):
    """page key → (partition, offset) of every record in the input topic."""
    records = read_topic(bootstrap, topic, until=lambda rs: len(rs) >= count, timeout=60, idle=0.5)
    return {r["key"]: (r["partition"], r["offset"]) for r in records}


def wait_until(predicate, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def count_keys(bootstrap, topic):
    return len({r["key"] for r in read_topic(bootstrap, topic, timeout=10, until=lambda rs: True, idle=0.3)})
