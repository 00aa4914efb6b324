"""The deployment files agree with the worker's real interface: every flag they pass exists in
the binary's help, every BROADSHEET_* variable and the ConfigMap's TOML pass `broadsheet config
--check`, ports and health paths match the metrics endpoint, topic names match the defaults, and
the grace period exceeds the shutdown deadline. A renamed flag breaks this test, not a deployment.
usage: check_deploy.py BROADSHEET SOURCE_DIR"""

import os
import re
import subprocess
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path

import yaml

BINARY = sys.argv.pop(1) if len(sys.argv) > 2 else "build/broadsheet"
SOURCE = Path(sys.argv.pop(1) if len(sys.argv) > 1 else ".")


def run(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    clean.update(env or {})
    return subprocess.run([BINARY, *args], capture_output=True, text=True, env=clean)


def defaults():
    return tomllib.loads(run("config", "--print").stdout)


def k8s(name):
    return list(yaml.safe_load_all((SOURCE / "deploy/k8s" / name).read_text()))


class DeployTest(unittest.TestCase):
    def setUp(self):
        self.compose = yaml.safe_load((SOURCE / "docker-compose.yml").read_text())
        self.deployment = k8s("deployment.yaml")[0]
        self.job = k8s("replay-job.yaml")[0]
        self.config = defaults()
        self.port = self.config["metrics"]["port"]

    def check_args(self, args):
        """Flags of `broadsheet <command> …` exist in that command's --help."""
        command, flags = args[0], [a for a in args[1:] if a.startswith("--")]
        help_text = run(command, "--help").stdout
        for flag in flags:
            self.assertIn(flag.split("=")[0], help_text, f"{command} {flag}")

    def check_env(self, env):
        """The variables are accepted by the worker (config --check validates without starting)."""
        env = {k: v for k, v in env.items() if k.startswith("BROADSHEET_")}
        result = run("config", "--check", env=env)
        self.assertEqual(result.returncode, 0, f"{env}: {result.stderr}")

    def test_compose_workers(self):
        workers = {n: s for n, s in self.compose["services"].items() if n.startswith("worker")}
        self.assertEqual(len(workers), 2)
        for name, service in workers.items():
            command = service.get("command") or self.compose["services"]["worker-1"]["command"]
            self.check_args(command)
            self.check_env(service["environment"])
            self.assertIn(f":{self.port}", " ".join(service["ports"]))
        self.assertIn("worker-1:%d" % self.port, (SOURCE / "deploy/prometheus/prometheus.yml").read_text())

    def test_compose_topics(self):
        script = "\n".join(self.compose["services"]["topics"]["command"])
        created = set(re.findall(r"--topic (\S+)", script))
        k = self.config["kafka"]
        self.assertEqual(created, {k["input_topic"], k["output_topic"], k["signatures_topic"], k["dlq_topic"]})
        for compacted in (k["output_topic"], k["signatures_topic"]):
            self.assertRegex(script, rf"--topic {re.escape(compacted)} .*cleanup.policy=compact")
        loader = "\n".join(self.compose["services"]["loader"]["command"])
        self.assertIn(f"--topic {k['input_topic']}", loader)

    def test_dockerfile(self):
        text = (SOURCE / "deploy/Dockerfile").read_text()
        self.assertIn(f"EXPOSE {self.port}", text)
        self.assertIn(f"127.0.0.1:{self.port}/healthz", text)
        self.assertRegex(text, r'ENTRYPOINT \["/usr/local/bin/broadsheet"\]')
        self.assertRegex(text, r"\nUSER \d+")
        cmd = re.search(r"\nCMD (\[.*\])", text).group(1)
        self.check_args(eval(cmd))  # a JSON array of strings
        for line in re.findall(r"\nENV (\S+)=(\S+)", text):
            self.check_env(dict([line]))

    def test_kubernetes_deployment(self):
        spec = self.deployment["spec"]["template"]["spec"]
        container = spec["containers"][0]
        self.check_args(container["args"])
        env_names = {e["name"] for e in container["env"]}
        self.check_env({n: "pod-0" for n in env_names})
        self.assertIn("BROADSHEET_GROUP_INSTANCE_ID", env_names, "static membership from the pod name")
        self.assertEqual(container["ports"][0]["containerPort"], self.port)
        self.assertEqual(container["livenessProbe"]["httpGet"]["path"], "/healthz")
        self.assertEqual(container["readinessProbe"]["httpGet"]["path"], "/readyz")
        configmap = tomllib.loads(k8s("configmap.yaml")[0]["data"]["broadsheet.toml"])
        deadline = configmap.get("worker", {}).get("shutdown_deadline_seconds",
                                                   self.config["worker"]["shutdown_deadline_seconds"])
        self.assertGreater(spec["terminationGracePeriodSeconds"], deadline)
        self.assertEqual(configmap.get("metrics", {}).get("port", self.port), self.port)

    def test_configmap_is_a_valid_configuration(self):
        text = k8s("configmap.yaml")[0]["data"]["broadsheet.toml"]
        with tempfile.NamedTemporaryFile("w", suffix=".toml") as f:
            f.write(text)
            f.flush()
            result = run("config", "--check", "--config", f.name)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_replay_job(self):
        container = self.job["spec"]["template"]["spec"]["containers"][0]
        self.check_args(container["args"])
        self.check_env({e["name"]: e["value"] for e in container.get("env", [])})

    def test_monitoring(self):
        service = k8s("service.yaml")[0]
        self.assertEqual(service["spec"]["ports"][0]["port"], self.port)
        monitor = k8s("podmonitor.yaml")[0]
        self.assertEqual(monitor["spec"]["podMetricsEndpoints"][0]["path"], "/metrics")
        scaled = k8s("keda-scaledobject.yaml")[0]["spec"]["triggers"][0]["metadata"]
        self.assertEqual(scaled["consumerGroup"], self.config["kafka"]["group_id"])
        self.assertEqual(scaled["topic"], self.config["kafka"]["input_topic"])
        kustomization = yaml.safe_load((SOURCE / "deploy/k8s/kustomization.yaml").read_text())
        for resource in kustomization["resources"]:
            self.assertTrue((SOURCE / "deploy/k8s" / resource).exists(), resource)

    def test_dashboard_and_alerts_use_existing_metrics(self):
        sys.path.insert(0, str(SOURCE / "tests/deploy"))
        import promql
        reference = run("reference").stdout
        known = set(re.findall(r"`((?:broadsheet|process)_[a-z_]+)`", reference))
        for where, expr in promql.expressions(SOURCE):
            for name in re.findall(r"\b((?:broadsheet|process)_[a-z_]+?)(?:_bucket|_count|_sum)?\b", expr):
                self.assertIn(name, known, f"{where}: {name}")


if __name__ == "__main__":
    unittest.main()
