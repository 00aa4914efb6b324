"""`make demo` as a newcomer runs it (scripts/demo.sh): with DEMO_KEEP=1 it prints the metrics URL
the worker really listens on, even when the default port 9464 is taken, and leaves the worker
and the broker up until Ctrl-C, which stops both. Run: python3 test_demo.py"""

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import unittest
import urllib.request
from pathlib import Path

from harness import BROADSHEET, SOURCE_DIR, clean_env, count_keys, wait_until


def lines_of(proc):
    """A queue of the process's stdout lines, read by a thread (None at the end)."""
    lines = queue.Queue()

    def read():
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except OSError:
        return 0, ""


class DemoTest(unittest.TestCase):
    def test_demo_keep_prints_the_real_metrics_url_and_stops_on_ctrl_c(self):
        # given: port 9464 taken by something that never answers HTTP (if it is free)
        squatter = socket.socket()
        try:
            squatter.bind(("127.0.0.1", 9464))
            squatter.listen()
        except OSError:
            pass  # taken already: the same situation
        env = {**clean_env(), "DEMO_KEEP": "1"}
        demo = subprocess.Popen(["bash", str(SOURCE_DIR / "scripts/demo.sh"), str(Path(BROADSHEET).resolve())],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                start_new_session=True)
        try:
            # when: the demo has published its articles
            lines, seen = lines_of(demo), []
            deadline = time.monotonic() + 150
            while not any("worker log:" in l for l in seen):
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
                self.assertIsNotNone(line, "the demo ended:\n" + "\n".join(seen))
                seen.append(line)
            # then: the URL it printed is the worker's, and everything is still up
            text = "\n".join(seen)
            url = re.search(r"metrics at (http://\S+/metrics)", text).group(1)
            self.assertNotIn(":9464/", url, "9464 is taken")
            status, body = get(url)
            self.assertEqual(status, 200, text)
            self.assertRegex(body, r"(?m)^broadsheet_articles_published_total\{")
            self.assertEqual(get(url.replace("/metrics", "/readyz"))[0], 200)
            bootstrap = re.search(r"articles:\s+kcat -C -b (\S+) -t articles", text).group(1)
            expected = int(re.search(r"expecting (\d+) articles", text).group(1))
            self.assertEqual(count_keys(bootstrap, "articles"), expected)
            time.sleep(2)
            self.assertIsNone(demo.poll(), "DEMO_KEEP=1 keeps running")
            self.assertEqual(get(url)[0], 200)

            # when: Ctrl-C
            demo.send_signal(signal.SIGINT)
            # then: the demo ends, and the worker (within its shutdown deadline) and broker with it
            self.assertEqual(demo.wait(30), 0)
            self.assertTrue(wait_until(lambda: get(url)[0] == 0, 30), "the worker is stopped")
            host, port = bootstrap.split(",")[0].rsplit(":", 1)
            with socket.socket() as s:
                self.assertNotEqual(s.connect_ex((host, int(port))), 0, "the broker is stopped")
        finally:
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
            demo.stdout.close()
            squatter.close()


if __name__ == "__main__":
    unittest.main()
