"""A real Prometheus server (Debian's `prometheus`) scrapes a running worker on loopback: the key
series exist with sensible values, and every PromQL expression of the Grafana dashboard and the
alert rules parses and evaluates against them. Run: python3 test_prometheus.py"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from harness import SOURCE_DIR, Broker, Worker, free_port, expected_articles, fixture_pages, log, produce_pages, wait_until

sys.path.insert(0, str(SOURCE_DIR / "tests" / "deploy"))
import promql  # noqa: E402  (the dashboard's and alert rules' expressions)


def get(url):
    """(status, body); a connection refused is status 0."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


class PrometheusScrapeTest(unittest.TestCase):
    def setUp(self):
        prometheus = shutil.which("prometheus")
        if prometheus is None:
            self.fail("Debian's prometheus package is required (scripts/install-deps.sh)")
        self.broker = Broker(4)
        self.metrics_port = free_port()
        self.worker = Worker(self.broker.bootstrap, "scraped", "--metrics-port", str(self.metrics_port),
                             "--metrics-address", "127.0.0.1")
        self.dir = Path(tempfile.mkdtemp(prefix="broadsheet-prometheus-"))
        self.prom_port = free_port()
        (self.dir / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: broadsheet\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{self.metrics_port}']\n")
        self.prometheus = subprocess.Popen(
            [prometheus, f"--config.file={self.dir / 'prometheus.yml'}", f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.prom_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def tearDown(self):
        self.prometheus.terminate()
        self.prometheus.wait(20)
        if self.worker.proc.poll() is None:
            self.worker.stop()
        self.broker.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def query(self, expr):
        url = f"http://127.0.0.1:{self.prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        status, body = get(url)  # 400: the expression does not parse
        return json.loads(body) if body else {"status": "error", "error": f"HTTP {status}"}

    def value(self, expr):
        result = self.query(expr)["data"]["result"]
        return float(result[0]["value"][1]) if result else None

    def test_prometheus_scrapes_the_worker(self):
        pages = fixture_pages()
        expected = expected_articles(pages)
        produce_pages(self.broker.bootstrap, pages)
        base = f"http://127.0.0.1:{self.metrics_port}"
        self.assertTrue(wait_until(lambda: get(base + "/readyz")[0] == 200, 60, step=0.5), "ready")
        self.assertEqual(get(base + "/healthz")[0], 200)
        self.assertTrue(wait_until(lambda: self.value("sum(broadsheet_articles_published_total)") == len(expected),
                                   90, step=1), "Prometheus sees every article published")
        self.assertTrue(wait_until(lambda: self.value("count(broadsheet_consumer_lag)") == 4, 30, step=1),
                        "lag per assigned partition, from librdkafka statistics")
        checks = {
            "broadsheet_build_info": lambda v: v == 1,
            "broadsheet_ready": lambda v: v == 1,  # as /readyz
            'broadsheet_broker_info{kind="kafka"}': lambda v: v == 1,
            # Every partition of the input topic, from the group's committed offsets.
            "count(broadsheet_group_lag)": lambda v: v == 4,
            "broadsheet_pages_consumed_total": lambda v: v == len(pages),
            "broadsheet_pages_processed_total": lambda v: v == len(pages),
            "sum(broadsheet_dead_letters_total)": lambda v: v == 0,
            "sum(broadsheet_consumer_lag)": lambda v: v == 0,
            # Every partition that had pages has an age, and caught up it is 0.
            "count(broadsheet_consumer_lag_seconds)": lambda v: v >= 1,
            "max(broadsheet_consumer_lag_seconds)": lambda v: v == 0,
            "broadsheet_index_articles": lambda v: v == len(expected),
            "broadsheet_index_bytes": lambda v: v > 0,
            "broadsheet_index_restored": lambda v: v == 1,
            "broadsheet_assigned_partitions": lambda v: v == 4,
            "broadsheet_inflight_bytes_limit": lambda v: v == 64 << 20,
            "broadsheet_input_bytes_total": lambda v: v > 50_000,
            "broadsheet_output_bytes_total": lambda v: v > 50_000,
            "sum(broadsheet_stage_duration_seconds_count)": lambda v: v >= 6 * len(pages) - 1,
            "count(broadsheet_stage_duration_seconds_count)": lambda v: v == 6,
            "broadsheet_end_to_end_latency_seconds_count": lambda v: v == len(pages),
            # Over the cumulative buckets, not a rate: a rate over a window with no new
            # observations is 0/0 (NaN), which says nothing about the histogram.
            "histogram_quantile(0.99, sum by (le) (broadsheet_stage_duration_seconds_bucket{stage=\"segment\"}))":
                lambda v: 0 < v < 1,
            "process_resident_memory_bytes": lambda v: v > 1e6,
            "sum(broadsheet_duplicates_total)": lambda v: v == sum(1 for a in expected.values() if a["duplicate_of"]),
        }
        for expr, ok in checks.items():
            v = self.value(expr)
            self.assertTrue(v is not None and ok(v), f"{expr} = {v}")
        failures = []
        expressions = promql.expressions(SOURCE_DIR)
        self.assertGreater(len(expressions), 10)
        for where, expr in expressions:
            result = self.query(expr)
            if result.get("status") != "success":
                failures.append(f"{where}: {expr}: {result.get('error')}")
        self.assertEqual(failures, [])
        log(f"{len(checks)} series checked, {len(expressions)} dashboard and alert expressions evaluated")
        self.assertEqual(self.worker.stop(), 0)


if __name__ == "__main__":
    unittest.main()
