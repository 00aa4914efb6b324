"""The deployment files agree with the worker's real interface, asked of the binary itself.

- Every flag in a command line (Dockerfile CMD, compose, the StatefulSet, the replay Job) is in
  that command's --help, and the whole command line with its BROADSHEET_* environment passes
  `broadsheet config --check` (configuration files mapped to the repository's copies: the image's
  /etc/broadsheet/broadsheet.toml is config/broadsheet.toml, Kubernetes' is the ConfigMap's).
- The ConfigMap's TOML uses only keys of config/broadsheet.toml and passes `config --check`.
- Ports, probe and health-check paths, scrape paths and targets match the effective metrics port
  and /healthz, /readyz, /metrics; the Dockerfile's HEALTHCHECK command and every path are tried
  against a running worker, which must also stop within its shutdown deadline on SIGTERM.
- Topic names (compose's topic creator and loader, KEDA) are the effective ones; grace periods
  exceed the shutdown deadline; labels, selectors and named ports line up; a worker whose
  group.instance.id is its pod name runs in a StatefulSet (stable names), scaled by KEDA.
- The image's runtime packages provide every library the binary links (readelf, dpkg), its build
  packages the libraries of scripts/install-deps.sh.
- promtool: the rules and the scrape configuration check, the alert unit tests pass, and every
  dashboard and alert expression parses; every metric and `by` label they use is in
  `broadsheet reference`.
- The objects kustomize renders, and the replay Job, pass the JSON schemas of the Kubernetes API,
  KEDA and the Prometheus Operator (tests/deploy/k8s-schema: npm packages, offline), and the
  built-in ones hold no field the API lacks (python3-kubernetes' models).
Tools that are absent (promtool, kubectl/kustomize, docker compose, node and the schema packages,
readelf/dpkg) skip their test, saying what to install.

usage: /usr/bin/python3 check_deploy.py BROADSHEET SOURCE_DIR [unittest options]
Needs python3-yaml (Debian) and Python 3.11 (tomllib)."""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import unittest
import urllib.error
import urllib.request
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check_deploy.py needs PyYAML: apt-get install python3-yaml")

BINARY = str(Path(sys.argv.pop(1) if len(sys.argv) > 2 else "build/broadsheet").resolve())
SOURCE = Path(sys.argv.pop(1) if len(sys.argv) > 1 else ".").resolve()
sys.path.insert(0, str(SOURCE / "tests" / "deploy"))
import promql  # noqa: E402

IMAGE_BINARY = "/usr/local/bin/broadsheet"
HEALTH, READY, METRICS = "/healthz", "/readyz", "/metrics"
POD_NAME = "broadsheet-0"  # what a fieldRef to metadata.name gives a StatefulSet's first pod
SUBCOMMANDS = ("run", "replay")


# ---- the binary ----

def run(*args, env=None, timeout=60):
    """`broadsheet ARGS` with no BROADSHEET_* variable from this process, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    clean.update(env or {})
    return subprocess.run([BINARY, *args], capture_output=True, text=True, env=clean, timeout=timeout)


_help_cache = {}


def help_flags(command):
    """The flags `broadsheet COMMAND --help` lists."""
    if command not in _help_cache:
        result = run(command, "--help")
        assert result.returncode == 0, f"broadsheet {command} --help: {result.stderr}"
        _help_cache[command] = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-X)(?![\w-])", result.stdout))
    return _help_cache[command]


def flag_takes_value(command, flag):
    """Whether FLAG of COMMAND takes a value: its option line (`  --name TEXT   help`) or, for a
    flag of the command itself, its usage lines (`--from SPEC`) name one."""
    text = run(command, "--help").stdout
    option = re.search(rf"(?m)^  {re.escape(flag)}(?: (\S+))?\s{{2,}}", text)
    if option:
        return option.group(1) is not None
    usage = text.split("\n\n")[0]
    used = re.search(rf"(?<![\w-]){re.escape(flag)}(?: ([^\s\]\[]+))?", usage)
    assert used, f"broadsheet {command} --help shows no option line or usage for {flag}"
    return used.group(1) is not None and not used.group(1).startswith("-")


def reference_metrics():
    """{metric: (type, {labels})} from `broadsheet reference`."""
    text = run("reference").stdout
    metrics = {}
    for name, kind, labels in re.findall(r"(?m)^\| `([a-z_:][a-z0-9_:]*)` \|\s*(\w+)\s*\|([^|]*)\|", text):
        metrics[name] = (kind, {l.strip() for l in labels.split(",") if l.strip()})
    assert metrics, "no metrics table in `broadsheet reference`"
    return metrics


def unknown_fields(value, type_name, models, path):
    """The paths of keys in value that the Kubernetes API type type_name (a python3-kubernetes
    model name, or its list[...] / dict(str, ...) of one) does not have: a misspelt field, which
    the API server would refuse or, worse, ignore."""
    if match := re.fullmatch(r"list\[(.+)\]", type_name):
        for i, item in enumerate(value or []):
            yield from unknown_fields(item, match.group(1), models, f"{path}[{i}]")
        return
    if match := re.fullmatch(r"dict\(str, (.+)\)", type_name):
        for key, item in (value or {}).items():
            yield from unknown_fields(item, match.group(1), models, f"{path}.{key}")
        return
    model = getattr(models, type_name, None)
    if model is None or not isinstance(value, dict):
        return  # str, int, bool, object (int-or-string, quantities), datetime
    known = {json_key: model.openapi_types[attr] for attr, json_key in model.attribute_map.items()}
    for key, item in value.items():
        if key not in known:
            yield f"{path}.{key}"
        else:
            yield from unknown_fields(item, known[key], models, f"{path}.{key}")


def toml_keys(table, prefix=""):
    keys = set()
    for key, value in table.items():
        if isinstance(value, dict):
            keys |= {prefix + key + "."} | toml_keys(value, prefix + key + ".")
        else:
            keys.add(prefix + key)
    return keys


# ---- the files ----

def load_yaml(relative):
    return yaml.safe_load((SOURCE / relative).read_text(encoding="utf-8"))


def k8s_documents(generated=True):
    """(file name, document) of every deploy/k8s/*.yaml except the kustomization, and (with
    `generated`) the ConfigMaps of its configMapGenerator, as ("kustomization.yaml", ConfigMap)."""
    docs = []
    for path in sorted((SOURCE / "deploy/k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [(path.name, d) for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    if generated:
        kustomization = load_yaml("deploy/k8s/kustomization.yaml")
        for kind, generators in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
            for generator in kustomization.get(generators, []):
                data = {}
                for entry in generator.get("files", []):
                    key, _, file = entry.rpartition("=")
                    data[key or Path(file).name] = (SOURCE / "deploy/k8s" / file).read_text(encoding="utf-8")
                for file in generator.get("envs", []):
                    data.update(env_file((SOURCE / "deploy/k8s" / file).read_text(encoding="utf-8")))
                docs.append(("kustomization.yaml", {"apiVersion": "v1", "kind": kind,
                                                    "metadata": {"name": generator["name"]}, "data": data}))
    return docs


def env_file(text):
    """The KEY=VALUE lines of a kustomize env file (comments and blank lines skipped)."""
    pairs = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


# KEDA's Kafka scaler names of librdkafka's SASL mechanisms.
KEDA_SASL = {"PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}


def keda_view(credentials):
    """(KEDA_SASL, KEDA_TLS) that agree with the workers' librdkafka properties in credentials."""
    protocol = credentials.get("BROADSHEET_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper()
    sasl = "none"
    if protocol.startswith("SASL_"):
        sasl = KEDA_SASL.get(credentials.get("BROADSHEET_KAFKA_SASL_MECHANISMS", "GSSAPI").upper(), "unsupported")
    return sasl, "enable" if protocol in ("SSL", "SASL_SSL") else "disable"


def k8s_kind(kind):
    found = [d for _, d in k8s_documents() if d.get("kind") == kind]
    assert found, f"no {kind} in deploy/k8s"
    return found


class Dockerfile:
    """The instructions of deploy/Dockerfile, per stage, continuation lines joined."""

    def __init__(self, path):
        text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
        self.stages = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            instruction, _, rest = line.partition(" ")
            instruction = instruction.upper()
            if instruction == "FROM":
                self.stages.append({"from": rest.strip(), "lines": []})
            self.stages[-1]["lines"].append((instruction, rest.strip()))

    def lines(self, instruction, stage=-1):
        return [rest for ins, rest in self.stages[stage]["lines"] if ins == instruction]

    def exec_form(self, instruction, stage=-1):
        found = self.lines(instruction, stage)
        assert found, f"no {instruction} in the Dockerfile's stage {stage}"
        value = json.loads(found[-1])  # exec form: a JSON array
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), f"{instruction} is not exec form"
        return value

    def env(self, stage=-1):
        env = {}
        for rest in self.lines("ENV", stage):
            for word in shlex.split(rest):
                name, eq, value = word.partition("=")
                assert eq, f"ENV {rest}: use the NAME=value form"
                env[name] = value
        return env

    def apt_packages(self, stage):
        packages = set()
        for rest in self.lines("RUN", stage):
            for command in re.split(r"&&|;", rest):
                words = command.split()
                if "apt-get" in words and "install" in words:
                    packages |= {w for w in words[words.index("install") + 1:] if not w.startswith("-")}
        return packages

    def copies(self, stage=-1):
        """(sources, destination, options) of each COPY."""
        out = []
        for rest in self.lines("COPY", stage):
            words = rest.split()
            options = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            out.append((paths[:-1], paths[-1], options))
        return out


def compose_text(value):
    """A compose string as the container sees it: `$$` is compose's escape of `$`."""
    return value.replace("$$", "$")


def compose_command(value):
    if isinstance(value, str):
        return [compose_text(w) for w in shlex.split(value)]
    return [compose_text(w) for w in value or []]


def compose_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: compose_text(str(v)) for k, v in env.items()}


def duration_seconds(text):
    """A compose duration (30s, 1m30s) or a number of seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"duration {text!r}"
    return sum(float(n) * units[u] for n, u in parts)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def wait_until(predicate, seconds, step=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# ---- the checks ----

class DeployTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="broadsheet-deploy-"))
        printed = run("config", "--print")
        assert printed.returncode == 0, printed.stderr
        cls.defaults = tomllib.loads(printed.stdout)
        cls.dockerfile = Dockerfile(SOURCE / "deploy/Dockerfile")
        cls.compose = load_yaml("docker-compose.yml")
        cls.image_files = cls.image_file_map()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def image_file_map(cls):
        """Files the image holds (its COPYs from the build context), as repository files."""
        files = {}
        for sources, destination, options in cls.dockerfile.copies():
            if any(o.startswith("--from") for o in options) or len(sources) != 1:
                continue
            files[destination] = str(SOURCE / sources[0])
        return files

    # -- helpers --

    def command_ok(self, args, env, files, where):
        """Checks `broadsheet ARGS` under ENV (image paths mapped through FILES); returns the
        effective configuration (`config --print`)."""
        self.assertTrue(args, f"{where}: no command")
        command = args[0]
        self.assertIn(command, SUBCOMMANDS, f"{where}: broadsheet {command}")
        config_flags = help_flags("config")
        own_flags = help_flags(command) - config_flags  # replay's --from, --to, --time-lookup
        passed = []
        i = 1
        while i < len(args):
            arg = args[i]
            self.assertTrue(arg.startswith("-"), f"{where}: unexpected argument {arg!r} in {args}")
            name, eq, value = arg.partition("=")
            self.assertIn(name, help_flags(command), f"{where}: broadsheet {command} has no flag {name}")
            if not eq and flag_takes_value(command, name):
                self.assertLess(i + 1, len(args), f"{where}: {name} needs a value")
                value = args[i + 1]
                i += 1
            elif not eq:
                value = None
            i += 1
            if name in ("--from", "--to"):
                self.assertRegex(value, r"^(beginning|end|\d+|\d+:\d+(,\d+:\d+)*|"
                                        r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d))$", f"{where}: {name} {value}")
            if name in own_flags:
                continue  # not a setting: config --check does not know it
            if name == "--config":
                value = files.get(value, value)
            passed += [name] if value is None else [f"{name}={value}"] if name != "-X" else [name, value]
        if command == "replay":
            self.assertIn("--from", args, f"{where}: replay needs --from")
        env = {k: files.get(v, v) for k, v in env.items() if k.startswith("BROADSHEET_")}
        if "BROADSHEET_CONFIG" in env:
            self.assertTrue(Path(env["BROADSHEET_CONFIG"]).is_file(),
                            f"{where}: BROADSHEET_CONFIG {env['BROADSHEET_CONFIG']} is no file the image or pod has")
        checked = run("config", "--check", *passed, env=env)
        self.assertEqual(checked.returncode, 0, f"{where}: broadsheet config --check {passed} {env}: {checked.stderr}")
        printed = run("config", "--print", *passed, env=env)
        self.assertEqual(printed.returncode, 0, printed.stderr)
        return tomllib.loads(printed.stdout)

    def image_command(self, service_command=None):
        """The image's entrypoint + command (compose's `command` replaces CMD)."""
        entrypoint = self.dockerfile.exec_form("ENTRYPOINT")
        self.assertEqual(entrypoint, [IMAGE_BINARY])
        return service_command if service_command is not None else self.dockerfile.exec_form("CMD")

    # -- Dockerfile --

    def test_dockerfile_runtime_stage(self):
        d = self.dockerfile
        self.assertGreaterEqual(len(d.stages), 2, "multi-stage")
        self.assertRegex(d.stages[0]["from"], r"^debian:bookworm(\s|$)")
        self.assertRegex(d.stages[-1]["from"], r"^debian:bookworm-slim(\s|$)")
        self.assertIn((["/src/build/broadsheet"], IMAGE_BINARY, ["--from=build"]), d.copies())
        user = d.lines("USER")[-1]
        self.assertRegex(user, r"^\d+(:\d+)?$", "numeric USER, so that runAsNonRoot can check it")
        self.assertNotEqual(user.split(":")[0], "0")
        # Run without brokers, the image's command refuses to start (exit 2) instead of starting
        # the embedded broker; given brokers, it runs.
        flags = self.image_command()[1:]
        env = {k: self.image_files.get(v, v) for k, v in d.env().items()}
        bare = run("config", "--check", *flags, env=env)
        self.assertEqual(bare.returncode, 2, f"the image's CMD without brokers: {bare.stdout}{bare.stderr}")
        self.assertIn("kafka.require_brokers", bare.stderr)
        config = self.command_ok(self.image_command(), {**d.env(), "BROADSHEET_BROKERS": "kafka:9092"},
                                 self.image_files, "Dockerfile CMD")
        self.assertTrue(config["kafka"].get("require_brokers"), "the image's CMD must not start the embedded broker")
        port = config["metrics"]["port"]
        self.assertIn(str(port), " ".join(d.lines("EXPOSE")).split())
        healthcheck = d.lines("HEALTHCHECK")
        self.assertEqual(len(healthcheck), 1)
        self.assertIn(HEALTH, healthcheck[0])
        for in_image, in_repository in self.image_files.items():
            self.assertTrue(Path(in_repository).exists(), f"COPY … {in_image}")

    def test_dockerfile_sets_no_setting_in_its_environment(self):
        """An image variable beats the configuration file (a ConfigMap's, say): defaults belong in
        the file or the binary. Only BROADSHEET_CONFIG, which names the file, is set."""
        self.assertEqual({k for k in self.dockerfile.env() if k.startswith("BROADSHEET_")}, {"BROADSHEET_CONFIG"})

    def test_dockerfile_build_stage(self):
        d = self.dockerfile
        run_lines = " ".join(d.lines("RUN", 0))
        self.assertIn("-G Ninja", run_lines)
        self.assertIn("-DBROADSHEET_TESTS=OFF", run_lines)
        for sources, _, options in d.copies(0):
            for source in sources:
                self.assertTrue((SOURCE / source).exists(), f"build stage COPY {source}")
        copied = {s.rstrip("/") for sources, _, _ in d.copies(0) for s in sources}
        top = (SOURCE / "CMakeLists.txt").read_text()
        unconditional = re.sub(r"(?ms)^if\(.*?^endif\(\)", "", top)
        for directory in re.findall(r"add_subdirectory\((\S+?)\)", unconditional):
            self.assertIn(directory, copied, f"the build adds {directory}/ but the Dockerfile does not copy it")
        # The library packages of scripts/install-deps.sh, except those of tests, fuzzing and benchmarks.
        script = (SOURCE / "scripts/install-deps.sh").read_text()
        listed = re.search(r"(?s)packages=\((.*?)\n\)", script).group(1)
        listed = re.sub(r"#[^\n]*", "", listed).split()
        wanted = {p for p in listed if p.endswith("-dev") and not re.search(r"gtest|gmock|benchmark|clang", p)}
        wanted |= {p for p in listed if p in ("build-essential", "cmake", "ninja-build", "pkg-config")}
        self.assertEqual(wanted - d.apt_packages(0), set(), "build packages missing from the Dockerfile")

    def test_runtime_packages_provide_every_linked_library(self):
        if not (shutil.which("readelf") and shutil.which("ldd") and shutil.which("dpkg")):
            self.skipTest("needs readelf, ldd and dpkg")
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                            subprocess.run(["readelf", "-d", BINARY], capture_output=True, text=True).stdout)
        if any(re.match(r"lib(a|ub|t)san\.", library) for library in needed):
            # make sanitize: the sanitizer runtimes stand in for jemalloc; not the image's binary.
            self.skipTest("a sanitized build links other libraries than the image's")
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(["ldd", BINARY], capture_output=True,
                                                                            text=True).stdout, re.M))
        runtime = self.dockerfile.apt_packages(-1)
        in_slim = {"libc6", "libgcc-s1", "libstdc++6"}
        for library in needed:
            self.assertIn(library, resolved, f"ldd cannot resolve {library}")
            owner = None
            for path in (resolved[library], os.path.realpath(resolved[library])):
                found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
                if found.returncode == 0:
                    owner = found.stdout.split(":")[0]
                    break
            self.assertIsNotNone(owner, f"no Debian package holds {library}")
            self.assertIn(owner, runtime | in_slim, f"{library} comes from {owner}, not installed in the runtime stage")

    def test_runtime_packages_exist_in_debian(self):
        if not shutil.which("apt-cache"):
            self.skipTest("needs apt-cache")
        if "Candidate: (none)" in subprocess.run(["apt-cache", "policy", "libc6"], capture_output=True,
                                                  text=True).stdout:
            self.skipTest("no apt package lists here")
        for package in sorted(self.dockerfile.apt_packages(-1) | self.dockerfile.apt_packages(0)):
            shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True)
            self.assertEqual(shown.returncode, 0, f"apt-cache show {package}: {shown.stderr}")

    # -- docker-compose.yml --

    def workers(self):
        """The compose services that run the broadsheet image (worker replicas and tools)."""
        services = self.compose["services"]
        return {n: s for n, s in services.items() if s.get("build") or s.get("image", "").startswith("broadsheet")}

    def test_compose_services(self):
        services = self.compose["services"]
        for name in ("kafka", "topics", "loader", "prometheus", "grafana"):
            self.assertIn(name, services)
        self.assertEqual(services["kafka"]["image"].split(":")[0], "apache/kafka")
        kafka_env = compose_env(services["kafka"])
        self.assertIn("controller", kafka_env["KAFKA_PROCESS_ROLES"], "KRaft")
        for name, service in services.items():
            build = service.get("build")
            if build:
                self.assertTrue((SOURCE / build.get("context", ".") / build["dockerfile"]).is_file(), name)
            for volume in service.get("volumes", []):
                host = volume.split(":")[0]
                if host.startswith("."):
                    self.assertTrue((SOURCE / host).exists(), f"{name}: volume {host}")
            for dependency in service.get("depends_on", []):
                self.assertIn(dependency, services, f"{name} depends on {dependency}")

    def test_compose_workers(self):
        services = self.compose["services"]
        kafka_env = compose_env(services["kafka"])
        advertised = set(re.findall(r"//([^,]+)", kafka_env["KAFKA_ADVERTISED_LISTENERS"]))
        prometheus = load_yaml("deploy/prometheus/prometheus.yml")
        targets = {(job.get("metrics_path", METRICS), t) for job in prometheus["scrape_configs"]
                   for static in job.get("static_configs", []) for t in static["targets"]}
        replicas = {n: s for n, s in self.workers().items() if (compose_command(s.get("command")) or ["run"])[0] == "run"}
        self.assertGreaterEqual(len(replicas), 2, "two worker replicas")
        instance_ids, worker_ids = set(), set()
        for name, service in self.workers().items():
            env = {**self.dockerfile.env(), **compose_env(service)}
            command = self.image_command(compose_command(service.get("command")) or None)
            config = self.command_ok(command, env, self.image_files, f"compose {name}")
            brokers = config["kafka"]["brokers"]
            self.assertNotEqual(brokers, "", f"{name} would start the embedded broker")
            self.assertTrue(config["kafka"].get("require_brokers"), f"{name}: a missing broker list must stop it")
            for broker in brokers.split(","):
                self.assertIn(broker, advertised, f"{name}: {broker} is not an advertised Kafka listener")
            deadline = config["worker"]["shutdown_deadline_seconds"]
            self.assertGreater(duration_seconds(service.get("stop_grace_period", "10s")), deadline,
                               f"{name}: stop_grace_period must exceed the shutdown deadline")
            for key in ("input_topic", "output_topic", "signatures_topic", "dlq_topic"):
                if command[0] == "run":
                    self.assertEqual(config["kafka"][key], self.defaults["kafka"][key], f"{name}: {key}")
            if name not in replicas:
                continue
            self.assertTrue(config["kafka"]["group_instance_id"], f"{name}: static membership")
            instance_ids.add(config["kafka"]["group_instance_id"])
            worker_ids.add(config["worker"]["id"])
            port = config["metrics"]["port"]
            published = [str(p).rsplit(":", 1)[-1] for p in service.get("ports", [])]
            self.assertIn(str(port), published, f"{name}: the metrics port {port} is not published")
            self.assertIn((METRICS, f"{name}:{port}"), targets, f"Prometheus does not scrape {name}:{port}{METRICS}")
            if config["worker"]["threads"] == 0:
                self.assertIn("cpus", service,
                              f"{name}: threads = 0 follows a CPU limit; without one, every host core")
        self.assertEqual(len(instance_ids), len(replicas), "group.instance.id must differ per replica")
        self.assertEqual(len(worker_ids), len(replicas), "worker ids must differ per replica")

    def test_compose_topics_and_loader(self):
        services = self.compose["services"]
        script = compose_text("\n".join(compose_command(services["topics"]["command"])))
        k = self.defaults["kafka"]
        created = dict(re.findall(r"--topic (\S+)([^\n]*)", script))
        self.assertEqual(set(created), {k["input_topic"], k["output_topic"], k["signatures_topic"], k["dlq_topic"]})
        for topic, options in created.items():
            compacted = "cleanup.policy=compact" in options
            self.assertEqual(compacted, topic in (k["output_topic"], k["signatures_topic"]), f"{topic}: {options}")
            self.assertRegex(options, r"--partitions \d+", topic)
        loader = "\n".join(compose_command(services["loader"]["command"]))
        self.assertRegex(loader, rf"--topic {re.escape(k['input_topic'])}\b")
        self.assertIn("parse.key=true", loader, "keys = page_id")

    def test_compose_monitoring(self):
        services = self.compose["services"]
        mounts = dict(v.split(":")[:2] for v in services["prometheus"]["volumes"])
        self.assertEqual(mounts.get("./deploy/prometheus/prometheus.yml"), "/etc/prometheus/prometheus.yml")
        prometheus = load_yaml("deploy/prometheus/prometheus.yml")
        for rule_file in prometheus["rule_files"]:
            mounted = str(Path("/etc/prometheus") / rule_file)
            self.assertIn(mounted, mounts.values(), f"rule file {rule_file} is not mounted")
        grafana_mounts = dict(v.split(":")[:2] for v in services["grafana"]["volumes"])
        provisioning = grafana_mounts.get("./deploy/grafana/provisioning")
        self.assertEqual(provisioning, "/etc/grafana/provisioning")
        providers = load_yaml("deploy/grafana/provisioning/dashboards/broadsheet.yml")["providers"]
        dashboard_at = grafana_mounts["./deploy/grafana/broadsheet.json"]
        self.assertIn(str(Path(dashboard_at).parent), [p["options"]["path"] for p in providers])
        sources = load_yaml("deploy/grafana/provisioning/datasources/prometheus.yml")["datasources"]
        ports = [str(p).rsplit(":", 1)[-1] for p in services["prometheus"].get("ports", [])] + ["9090"]
        self.assertTrue(any(re.fullmatch(rf"http://prometheus:({'|'.join(ports)})/?", s["url"]) for s in sources))
        dashboard = json.loads((SOURCE / "deploy/grafana/broadsheet.json").read_text())
        uids = {s.get("uid") for s in sources} | {"${datasource}", "$datasource"}
        for panel in promql._panels(dashboard["panels"]):
            if "datasource" in panel:
                self.assertIn(panel["datasource"]["uid"], uids, panel.get("title"))

    def test_compose_file_is_valid(self):
        if shutil.which("docker-compose"):
            command = ["docker-compose"]
        elif shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
            command = ["docker", "compose"]
        else:
            self.skipTest("needs docker compose or docker-compose (Debian)")
        result = subprocess.run([*command, "-f", str(SOURCE / "docker-compose.yml"), "--profile", "tools",
                                 "config", "-q"], capture_output=True, text=True, cwd=SOURCE, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)

    # -- Kubernetes --

    def configmap_files(self, pod_spec, container):
        """{path in the container: repository-side copy} for the container's ConfigMap mounts."""
        configmaps = {c["metadata"]["name"]: c for c in k8s_kind("ConfigMap")}
        volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
        files = {}
        for mount in container.get("volumeMounts", []):
            volume = volumes[mount["name"]]
            self.assertIn("configMap", volume, mount["name"])
            configmap = configmaps[volume["configMap"]["name"]]
            for key, text in configmap["data"].items():
                local = self.tmp / configmap["metadata"]["name"] / key
                local.parent.mkdir(parents=True, exist_ok=True)
                local.write_text(text)
                files[mount["mountPath"].rstrip("/") + "/" + key] = str(local)
        return files

    def container_env(self, container):
        """The container's environment: envFrom the generated ConfigMaps and Secrets, then env."""
        env = {}
        generated = {(d["kind"], d["metadata"]["name"]): d for f, d in k8s_documents() if f == "kustomization.yaml"}
        for source in container.get("envFrom", []):
            kind, ref = ("ConfigMap", source["configMapRef"]) if "configMapRef" in source else ("Secret", source["secretRef"])
            found = generated.get((kind, ref["name"]))
            self.assertTrue(found or ref.get("optional"), f"envFrom {kind} {ref['name']} is not generated")
            env.update(found["data"] if found else {})
        for e in container.get("env", []):
            if "value" in e:
                env[e["name"]] = e["value"]
            else:
                self.assertEqual(e["valueFrom"].get("fieldRef", {}).get("fieldPath"), "metadata.name", e["name"])
                env[e["name"]] = POD_NAME
        return env

    def test_kubernetes_configmap(self):
        known = toml_keys(tomllib.loads((SOURCE / "config/broadsheet.toml").read_text()))
        for configmap in k8s_kind("ConfigMap"):
            if "broadsheet.toml" not in configmap["data"]:
                continue  # kafka.env's
            text = configmap["data"]["broadsheet.toml"]
            for key in toml_keys(tomllib.loads(text)):
                if key.startswith("kafka.properties."):
                    continue  # librdkafka passthrough
                self.assertIn(key, known, f"ConfigMap key {key} is not in config/broadsheet.toml")
            path = self.tmp / "configmap.toml"
            path.write_text(text)
            result = run("config", "--check", "--config", str(path))
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_kubernetes_statefulset(self):
        (workers,) = k8s_kind("StatefulSet")
        self.assertEqual(workers["spec"].get("podManagementPolicy"), "Parallel", "pods start and stop together")
        self.assertNotIn("replicas", workers["spec"], "the ScaledObject's HPA owns the replica count")
        spec = workers["spec"]["template"]["spec"]
        (container,) = spec["containers"]
        env = self.container_env(container)
        files = self.configmap_files(spec, container)
        self.assertIn("BROADSHEET_CONFIG", env)
        self.assertIn(env["BROADSHEET_CONFIG"], files, "BROADSHEET_CONFIG names the mounted ConfigMap file")
        self.assertEqual(env.get("BROADSHEET_GROUP_INSTANCE_ID"), POD_NAME, "static membership from metadata.name")
        args = container.get("args") or self.dockerfile.exec_form("CMD")
        self.assertEqual(container.get("command", [IMAGE_BINARY])[:1], [IMAGE_BINARY])
        config = self.command_ok(args, {**self.dockerfile.env(), **env}, files, "StatefulSet")
        self.assertEqual(config["kafka"]["group_instance_id"], POD_NAME)
        self.assertNotEqual(config["kafka"]["brokers"], "", "the embedded broker in a pod")
        self.assertTrue(config["kafka"].get("require_brokers"), "StatefulSet: a missing broker list must stop a pod")
        if config["worker"]["threads"] == 0:
            self.assertIn("cpu", container["resources"].get("limits", {}),
                          "threads = 0 follows the CPU limit; without one, the node's cores")
        port = config["metrics"]["port"]
        ports = {p.get("name"): p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports.get("metrics"), port)

        def probe_port(probe):
            p = probe["httpGet"]["port"]
            return ports[p] if isinstance(p, str) else p

        for probe, path in (("livenessProbe", HEALTH), ("readinessProbe", READY), ("startupProbe", HEALTH)):
            if probe == "startupProbe" and probe not in container:
                continue
            self.assertEqual(container[probe]["httpGet"]["path"], path, probe)
            self.assertEqual(probe_port(container[probe]), port, probe)
        self.assertGreater(spec["terminationGracePeriodSeconds"], config["worker"]["shutdown_deadline_seconds"])
        user = self.dockerfile.lines("USER")[-1].split(":")[0]
        security = {**spec.get("securityContext", {}), **container.get("securityContext", {})}
        self.assertTrue(security.get("runAsNonRoot"))
        self.assertEqual(str(security.get("runAsUser", user)), user, "runAsUser is the image's USER")
        labels = workers["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(workers["spec"]["selector"]["matchLabels"].items() - labels.items(), set())
        self.assertIn("memory", container["resources"]["limits"])
        services = {s["metadata"]["name"]: s for s in k8s_kind("Service")}
        governing = services.get(workers["spec"].get("serviceName"))
        self.assertIsNotNone(governing, "serviceName names a Service of deploy/k8s")
        self.assertEqual(governing["spec"].get("clusterIP"), "None", "the governing Service is headless")

    def test_kubernetes_pods_get_no_service_links(self):
        """Kubernetes injects <SERVICE>_PORT=tcp://… and friends for every Service with a cluster IP
        in the namespace; a Service named broadsheet-metrics would set BROADSHEET_METRICS_PORT. The
        worker ignores such variables, and the pods do not ask for them."""
        pods = [(f, d) for f, d in k8s_documents() if d.get("spec", {}).get("template", {}).get("spec")]
        self.assertTrue(pods)
        for file, doc in pods:
            self.assertIs(doc["spec"]["template"]["spec"].get("enableServiceLinks"), False,
                          f"{file}: {doc['kind']} without enableServiceLinks: false")
        links = {"BROADSHEET_METRICS_PORT": "tcp://10.96.0.8:9464", "BROADSHEET_PORT": "tcp://10.96.0.7:9464",
                 "BROADSHEET_PORT_9464_TCP_ADDR": "10.96.0.7", "BROADSHEET_SERVICE_HOST": "10.96.0.7",
                 "BROADSHEET_SERVICE_PORT_METRICS": "9464"}
        checked = run("config", "--check", env=links)
        self.assertEqual(checked.returncode, 0, checked.stderr)

    def test_kubernetes_static_members_have_stable_names(self):
        """A replaced pod must come back under its group.instance.id: a Deployment's pod gets a new
        random name, and the old member's partitions sit idle until its session times out."""
        for file, doc in k8s_documents():
            for container in doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
                from_pod_name = [e for e in container.get("env", []) if e["name"] == "BROADSHEET_GROUP_INSTANCE_ID"
                                 and e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name"]
                if from_pod_name:
                    self.assertEqual(doc["kind"], "StatefulSet", f"{file}: static membership from the pod name")

    def test_kubernetes_selectors_ports_and_scaling(self):
        (workers,) = k8s_kind("StatefulSet")
        labels = workers["spec"]["template"]["metadata"]["labels"]
        (container,) = workers["spec"]["template"]["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        for kind in ("Service", "PodDisruptionBudget", "PodMonitor"):
            for doc in k8s_kind(kind):
                selector = doc["spec"]["selector"]
                selector = selector.get("matchLabels", selector)
                self.assertEqual(selector.items() - labels.items(), set(), f"{kind} selects no worker pod")
        for service in k8s_kind("Service"):
            for port in service["spec"]["ports"]:
                target = port.get("targetPort", port["port"])
                self.assertIn(ports[target] if isinstance(target, str) else target, ports.values())
        for monitor in k8s_kind("PodMonitor"):
            for endpoint in monitor["spec"]["podMetricsEndpoints"]:
                self.assertIn(endpoint["port"], ports)
                self.assertEqual(endpoint.get("path", METRICS), METRICS)
        files = self.configmap_files(workers["spec"]["template"]["spec"], container)
        config = self.command_ok(container.get("args") or ["run"],
                                 {**self.dockerfile.env(), **self.container_env(container)}, files, "StatefulSet")
        (scaled,) = k8s_kind("ScaledObject")
        target = scaled["spec"]["scaleTargetRef"]
        self.assertEqual(target["name"], workers["metadata"]["name"])
        self.assertEqual((target.get("apiVersion"), target.get("kind")), (workers["apiVersion"], "StatefulSet"),
                         "KEDA's scaleTargetRef defaults to a Deployment")
        self.assertLessEqual(scaled["spec"]["minReplicaCount"], scaled["spec"]["maxReplicaCount"])
        (trigger,) = [t for t in scaled["spec"]["triggers"] if t["type"] == "kafka"]
        env = {**self.dockerfile.env(), **self.container_env(container)}

        def keda_reads(name):
            """A trigger parameter as KEDA resolves it: written, or from the target's environment."""
            metadata = trigger["metadata"]
            if name + "FromEnv" in metadata:
                self.assertIn(metadata[name + "FromEnv"], env, f"{name}FromEnv names no variable of the workers")
                return env[metadata[name + "FromEnv"]]
            return metadata[name]

        self.assertEqual(keda_reads("consumerGroup"), config["kafka"]["group_id"])
        self.assertEqual(keda_reads("topic"), config["kafka"]["input_topic"])
        self.assertEqual(keda_reads("bootstrapServers"), config["kafka"]["brokers"])
        fallback = scaled["spec"].get("fallback", {})
        self.assertGreater(fallback.get("failureThreshold", 0), 0, "a fallback when the lag cannot be read")
        self.assertTrue(scaled["spec"]["minReplicaCount"] <= fallback["replicas"] <= scaled["spec"]["maxReplicaCount"])

    def test_kubernetes_keda_connects_as_the_workers_do(self):
        """KEDA's TriggerAuthentication reads the Secret the workers take their TLS and SASL
        settings from, and the Secret's KEDA_SASL/KEDA_TLS agree with the workers' librdkafka
        properties in it."""
        (scaled,) = k8s_kind("ScaledObject")
        (trigger,) = [t for t in scaled["spec"]["triggers"] if t["type"] == "kafka"]
        auths = {a["metadata"]["name"]: a for a in k8s_kind("TriggerAuthentication")}
        self.assertIn(trigger.get("authenticationRef", {}).get("name"), auths, "the trigger names its credentials")
        refs = auths[trigger["authenticationRef"]["name"]]["spec"]["secretTargetRef"]
        (workers,) = k8s_kind("StatefulSet")
        (container,) = workers["spec"]["template"]["spec"]["containers"]
        worker_secrets = {s["secretRef"]["name"] for s in container.get("envFrom", []) if "secretRef" in s}
        self.assertEqual({r["name"] for r in refs} - worker_secrets, set(), "KEDA reads a Secret the workers do not")
        self.assertEqual({r["parameter"] for r in refs} >= {"sasl", "tls", "username", "password"}, True)
        secrets = {d["metadata"]["name"]: d["data"] for d in k8s_kind("Secret")}
        for name in worker_secrets:
            credentials = secrets[name]
            self.assertEqual((credentials.get("KEDA_SASL", "none"), credentials.get("KEDA_TLS", "disable")),
                             keda_view(credentials), f"{name}: KEDA's and the workers' TLS/SASL disagree")
        for r in refs:
            if r["parameter"] in ("username", "password", "ca"):
                self.assertTrue(r["key"].startswith("BROADSHEET_KAFKA_"), f"KEDA's {r['parameter']} is not the workers'")
        # The check itself, on kafka-credentials.env's example.
        example = {"BROADSHEET_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "BROADSHEET_KAFKA_SASL_MECHANISMS": "SCRAM-SHA-512"}
        self.assertEqual(keda_view(example), ("scram_sha512", "enable"))
        self.assertEqual(keda_view({"BROADSHEET_KAFKA_SECURITY_PROTOCOL": "SSL"}), ("none", "enable"))

    def test_kubernetes_replay_job(self):
        (job,) = k8s_kind("Job")
        spec = job["spec"]["template"]["spec"]
        (container,) = spec["containers"]
        self.assertIn(spec["restartPolicy"], ("OnFailure", "Never"))
        args = container["args"]
        self.assertEqual(args[0], "replay")
        files = self.configmap_files(spec, container)
        config = self.command_ok(args, {**self.dockerfile.env(), **self.container_env(container)}, files, "replay Job")
        self.assertTrue(config["kafka"].get("require_brokers"), "replay Job: a missing broker list must stop it")
        group = args[args.index("--group") + 1] if "--group" in args else config["kafka"]["group_id"] + ".replay"
        (workers,) = k8s_kind("StatefulSet")
        live = self.command_ok(["run"], {**self.dockerfile.env(), **self.container_env(
            workers["spec"]["template"]["spec"]["containers"][0])}, files, "StatefulSet")
        self.assertNotEqual(group, live["kafka"]["group_id"], "a replay must not commit to the live group")
        if "terminationGracePeriodSeconds" in spec:
            self.assertGreater(spec["terminationGracePeriodSeconds"], config["worker"]["shutdown_deadline_seconds"])

    def rendered_kustomization(self):
        """The documents `kustomize build deploy/k8s` renders; skips without kustomize or kubectl."""
        tool = shutil.which("kustomize") or shutil.which("kubectl")
        if tool is None:
            self.skipTest("kustomize or kubectl renders the base")
        command = [tool, "build"] if tool.endswith("kustomize") else [tool, "kustomize"]
        rendered = subprocess.run([*command, str(SOURCE / "deploy/k8s")], capture_output=True, text=True, timeout=120)
        self.assertEqual(rendered.returncode, 0, rendered.stderr)
        return [d for d in yaml.safe_load_all(rendered.stdout) if d]

    def test_kubernetes_configuration_change_rolls_the_pods(self):
        """The ConfigMap comes from a configMapGenerator with its hash in the name, so a changed
        file is a new ConfigMap and a changed pod template: the StatefulSet rolls its pods."""
        kustomization = load_yaml("deploy/k8s/kustomization.yaml")
        generators = {g["name"]: g for g in kustomization.get("configMapGenerator", [])}
        (workers,) = k8s_kind("StatefulSet")
        volumes = workers["spec"]["template"]["spec"]["volumes"]
        (name,) = [v["configMap"]["name"] for v in volumes if "configMap" in v]
        self.assertIn(name, generators, "the workers' ConfigMap is not generated")
        self.assertFalse(generators[name].get("options", {}).get("disableNameSuffixHash"), "no hash, no rollout")
        self.assertFalse([f for f, d in k8s_documents(generated=False) if d.get("kind") == "ConfigMap"],
                         "a ConfigMap written by hand does not roll the pods")
        docs = self.rendered_kustomization()
        (sts,) = [d for d in docs if d["kind"] == "StatefulSet"]
        (mounted,) = [v["configMap"]["name"] for v in sts["spec"]["template"]["spec"]["volumes"] if "configMap" in v]
        self.assertRegex(mounted, rf"^{re.escape(name)}-[a-z0-9]{{6,}}$", "the rendered name carries the hash")
        self.assertIn(mounted, [d["metadata"]["name"] for d in docs if d["kind"] == "ConfigMap"])

    def schema_check(self, objects):
        """tests/deploy/k8s-schema/validate.mjs on the objects: (exit status, its report)."""
        node = shutil.which("node")
        folder = SOURCE / "tests/deploy/k8s-schema"
        if node is None:
            self.skipTest("node checks the objects against the API schemas (nodejs: scripts/install-deps.sh)")
        if not (folder / "node_modules/kubernetes-models").is_dir():
            self.skipTest(f"the schema packages are not installed: npm ci --prefix {folder} (scripts/install-deps.sh)")
        result = subprocess.run([node, str(folder / "validate.mjs")], input=json.dumps(objects), capture_output=True,
                                text=True, timeout=120)
        return result.returncode, result.stdout + result.stderr

    def test_kubernetes_objects_pass_the_api_schemas(self):
        """Every object `kubectl kustomize deploy/k8s` renders, and the replay Job, against the
        JSON schemas of the Kubernetes API, KEDA and the Prometheus Operator (npm packages, offline):
        types, required fields, enumerations."""
        objects = self.rendered_kustomization() + [load_yaml("deploy/k8s/replay-job.yaml")]
        status, report = self.schema_check(objects)
        self.assertEqual(status, 0, report)
        self.assertIn(f"{len(objects)} valid, 0 invalid", report)
        # The check itself: a wrong type, a missing required field, a kind it has no schema for.
        (workers,) = [o for o in objects if o["kind"] == "StatefulSet"]
        wrong = json.loads(json.dumps(workers))
        wrong["spec"]["replicas"] = "two"
        (scaler,) = [o for o in objects if o["kind"] == "ScaledObject"]
        unnamed = json.loads(json.dumps(scaler))
        del unnamed["spec"]["scaleTargetRef"]["name"]
        unknown = {"apiVersion": "v1", "kind": "Servise", "metadata": {"name": "x"}}
        status, report = self.schema_check([wrong, unnamed, unknown])
        self.assertNotEqual(status, 0, report)
        self.assertIn("0 valid, 3 invalid", report)

    # Fields newer than python3-kubernetes' models (Debian 12: 22.6, the API of Kubernetes 1.22)
    # that the manifests use on purpose, with the Kubernetes version that has them.
    NEWER_FIELDS = {"PodDisruptionBudget.spec.unhealthyPodEvictionPolicy": "1.26"}

    def test_kubernetes_objects_have_no_unknown_fields(self):
        """Every field of the built-in objects (StatefulSet, Service, ConfigMap, Secret,
        PodDisruptionBudget, the replay Job) is one the Kubernetes API has, by the models of
        python3-kubernetes (Debian); the JSON schemas above do not catch a misspelt field. KEDA's
        and the Prometheus Operator's objects have no model there and are not checked for it."""
        try:
            from kubernetes import client as models
        except ImportError:
            self.skipTest("python3-kubernetes (Debian: scripts/install-deps.sh) knows the API's fields")
        objects = self.rendered_kustomization() + [load_yaml("deploy/k8s/replay-job.yaml")]
        checked = set()
        for obj in objects:
            type_name = obj["apiVersion"].split("/")[-1].capitalize() + obj["kind"]
            if getattr(models, type_name, None) is None:
                continue
            checked.add(obj["kind"])
            unknown = [p for p in unknown_fields(obj, type_name, models, obj["kind"]) if p not in self.NEWER_FIELDS]
            self.assertEqual(unknown, [], "fields the API lacks (a newer one: NEWER_FIELDS)")
        self.assertEqual(checked, {"StatefulSet", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "Job"})
        # The check itself: a misspelt switch deep in the pod template.
        (workers,) = [o for o in objects if o["kind"] == "StatefulSet"]
        typo = json.loads(json.dumps(workers))
        typo["spec"]["template"]["spec"]["enableServiceLink"] = False
        typo["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
        self.assertEqual(list(unknown_fields(typo, "V1StatefulSet", models, "StatefulSet")),
                         ["StatefulSet.spec.template.spec.containers[0].resource",
                          "StatefulSet.spec.template.spec.enableServiceLink"])

    def test_install_deps_brings_the_deploy_tools(self):
        """docker-compose (Debian) validates the compose file and npm installs the schema
        packages, so that these checks run on a fresh machine instead of skipping."""
        script = (SOURCE / "scripts/install-deps.sh").read_text()
        packages = set(re.sub(r"#[^\n]*", "", re.search(r"(?s)packages=\((.*?)\n\)", script).group(1)).split())
        self.assertIn("docker-compose", packages)
        self.assertIn("python3-kubernetes", packages)
        self.assertIn("npm ci", script)
        self.assertIn("tests/deploy/k8s-schema", script)
        lock = json.loads((SOURCE / "tests/deploy/k8s-schema/package-lock.json").read_text())
        self.assertTrue(lock["packages"]["node_modules/kubernetes-models"]["integrity"], "a locked install")

    def test_kustomization(self):
        kustomization = load_yaml("deploy/k8s/kustomization.yaml")
        listed = set(kustomization["resources"])
        on_disk = {p.name for p in (SOURCE / "deploy/k8s").glob("*.yaml")} - {"kustomization.yaml"}
        self.assertEqual(listed - on_disk, set(), "resources that do not exist")
        self.assertEqual(on_disk - listed, {"replay-job.yaml"}, "every manifest but the Job template is a resource")
        kinds = sorted(d["kind"] for d in self.rendered_kustomization())
        self.assertEqual(kinds, sorted(d["kind"] for f, d in k8s_documents() if f in listed | {"kustomization.yaml"}))

    # -- the running worker: health check, probe and scrape paths, graceful stop --

    def test_paths_and_healthcheck_against_a_running_worker(self):
        if not shutil.which("bash"):
            self.skipTest("the HEALTHCHECK runs bash")
        healthcheck = self.dockerfile.lines("HEALTHCHECK")[0]
        check = json.loads(re.search(r"CMD\s+(\[.*\])\s*$", healthcheck).group(1))
        paths = {HEALTH, READY, METRICS}
        port = free_port()
        log = open(self.tmp / "worker.log", "w")
        worker = subprocess.Popen([BINARY, "run", "--metrics-port", str(port), "--metrics-address", "127.0.0.1",
                                   "--worker-id", "deploy-check", "--log-level", "info"],
                                  stdout=log, stderr=subprocess.STDOUT,
                                  env={k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")})
        try:
            base = f"http://127.0.0.1:{port}"
            self.assertTrue(wait_until(lambda: http_status(base + HEALTH) == 200, 30), "/healthz never answered 200")
            env = {**os.environ, "BROADSHEET_METRICS_PORT": str(port)}
            result = subprocess.run(check, env=env, capture_output=True, text=True, timeout=10)
            self.assertEqual(result.returncode, 0, f"HEALTHCHECK {check}: {result.stderr}")
            self.assertTrue(wait_until(lambda: http_status(base + READY) == 200, 60), "/readyz never answered 200")
            for path in paths:
                self.assertEqual(http_status(base + path), 200, path)
            self.assertEqual(http_status(base + "/no-such-path"), 404, "unknown paths are not served")
            with urllib.request.urlopen(base + METRICS, timeout=5) as response:
                self.assertIn("broadsheet_build_info", response.read().decode())
            deadline = self.defaults["worker"]["shutdown_deadline_seconds"]
            started = time.monotonic()
            worker.send_signal(signal.SIGTERM)
            self.assertEqual(worker.wait(deadline + 10), 0, "exit status after SIGTERM")
            self.assertLess(time.monotonic() - started, deadline, "the graceful stop took longer than its deadline")
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            log.close()
        closed = subprocess.run(check, env={**os.environ, "BROADSHEET_METRICS_PORT": str(port)},
                                capture_output=True, text=True, timeout=10)
        self.assertNotEqual(closed.returncode, 0, "HEALTHCHECK passes with no worker")

    # -- Prometheus and Grafana --

    def promtool(self, *args):
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool (Debian: prometheus)")
        return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120)

    def test_promtool_rules_and_config(self):
        for args in (("check", "rules", str(SOURCE / "deploy/prometheus/alerts.yml")),
                     ("check", "config", str(SOURCE / "deploy/prometheus/prometheus.yml")),
                     ("test", "rules", str(SOURCE / "tests/deploy/alerts_test.yml"))):
            result = self.promtool(*args)
            self.assertEqual(result.returncode, 0, f"promtool {' '.join(args)}:\n{result.stdout}{result.stderr}")

    def test_every_expression_parses(self):
        expressions = promql.expressions(SOURCE)
        self.assertGreater(len(expressions), 20)
        rules = {"groups": [{"name": "parse", "rules": [{"record": f"check:expression_{i}", "expr": expr}
                                                         for i, (_, expr) in enumerate(expressions)]}]}
        path = self.tmp / "expressions.yml"
        path.write_text(yaml.safe_dump(rules))
        result = self.promtool("check", "rules", str(path))
        if result.returncode != 0:
            where = dict((f"check:expression_{i}", w) for i, (w, _) in enumerate(expressions))
            self.fail(f"{result.stdout}{result.stderr}\n" + "\n".join(f"{k}: {v}" for k, v in where.items()))

    # Metrics the rules read from kube-state-metrics (Kubernetes only), with their labels.
    KUBE_STATE_METRICS = {"kube_pod_container_status_restarts_total": ("counter", {"namespace", "pod", "container", "uid"})}

    def test_expressions_use_exported_metrics_and_labels(self):
        metrics = {**reference_metrics(), **self.KUBE_STATE_METRICS}
        target_labels = {"job", "instance"}
        for where, expr in promql.expressions(SOURCE):
            used = set()
            for name in re.findall(r"\b((?:broadsheet|process|kube)_[a-z0-9_]+)\b", expr):
                base = re.sub(r"_(bucket|count|sum)$", "", name)
                if name not in metrics and metrics.get(base, ("",))[0] == "histogram":
                    name = base
                self.assertIn(name, metrics, f"{where}: {name} is not exported (broadsheet reference)")
                used.add(name)
            if re.search(r"\bup\b", expr):
                used.add("up")
            self.assertTrue(used, f"{where}: no metric")
            labels = set(target_labels)
            for name in used:
                labels |= metrics.get(name, ("", set()))[1]
                if metrics.get(name, ("",))[0] == "histogram":
                    labels.add("le")
            for group in re.findall(r"\b(?:by|on|ignoring|without)\s*\(([^)]*)\)", expr):
                for label in filter(None, (l.strip() for l in group.split(","))):
                    self.assertIn(label, labels, f"{where}: no metric here has the label {label!r}")
            for label in re.findall(r"[{,]\s*([a-z_]+)\s*[=!]~?", expr):
                self.assertIn(label, labels, f"{where}: no metric here has the label {label!r}")

    def test_dashboard_covers_the_metrics(self):
        """The panels the operations brief asks for: every exported metric is on the dashboard."""
        dashboard = json.loads((SOURCE / "deploy/grafana/broadsheet.json").read_text())
        text = " ".join(expr for _, expr in promql.dashboard_expressions(dashboard))
        brief = {"broadsheet_build_info", "broadsheet_pages_consumed_total", "broadsheet_pages_processed_total",
                 "broadsheet_pages_failed_total", "broadsheet_articles_published_total", "broadsheet_corrections_total",
                 "broadsheet_duplicates_total", "broadsheet_dead_letters_total", "broadsheet_input_bytes_total",
                 "broadsheet_output_bytes_total", "broadsheet_stage_duration_seconds_bucket",
                 "broadsheet_end_to_end_latency_seconds_bucket", "broadsheet_consumer_lag", "broadsheet_inflight_pages",
                 "broadsheet_inflight_bytes", "broadsheet_inflight_bytes_limit", "broadsheet_producer_queue_messages",
                 "broadsheet_index_articles", "broadsheet_index_bytes", "broadsheet_index_restored",
                 "broadsheet_index_restore_duration_seconds", "broadsheet_index_restore_records_total",
                 "broadsheet_commits_total", "broadsheet_commit_failures_total", "broadsheet_rebalances_total",
                 "broadsheet_assigned_partitions", "broadsheet_delivery_failures_total", "process_cpu_seconds_total",
                 "process_resident_memory_bytes"}
        missing = {m for m in brief if not re.search(rf"\b{m}\b", text)}
        self.assertEqual(missing, set(), "metrics without a panel")
        for q in ("0.5", "0.95", "0.99"):
            self.assertIn(f"histogram_quantile({q}, sum by (le, stage)", text)
            self.assertIn(f"histogram_quantile({q}, sum by (le) (rate(broadsheet_end_to_end_latency", text)
        self.assertTrue(any("broadsheet_rebalances_total" in a.get("expr", "")
                            for a in dashboard["annotations"]["list"]), "rebalances as annotations")


if __name__ == "__main__":
    unittest.main(verbosity=1)
