#!/usr/bin/env bash
# Installs every Debian package that building, testing, fuzzing, benchmarking and the demo need,
# and the npm packages of the Kubernetes schema check (tests/deploy/k8s-schema, `npm ci` from its
# lock file). Idempotent: packages already present are not touched, apt is not called at all when
# nothing is missing, and npm only when the lock file is newer than the installed tree. Uses sudo
# when not root.
#
# Not installed: kubectl. Debian has no kustomize, and its kubernetes-client (kubectl 1.20, with
# kustomize 2) cannot render deploy/k8s (configMapGenerator options, labels); the deployment
# checks render it with a kubectl or kustomize found on the machine and skip, saying so, without.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev llvm
  # libraries
  libsimdjson-dev libicu-dev libexpected-dev
  librdkafka-dev prometheus-cpp-dev libcivetweb-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libjemalloc-dev libssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-jsonschema python3-confluent-kafka python3-yaml
  gdb  # a worker that does not stop in an integration test: every thread's stack in the report
  # independent peers for integration tests and the demo
  kcat prometheus
  # deployment checks: the compose file's validation (docker-compose config), the Kubernetes API's
  # fields (python3-kubernetes' models: a misspelt field in a manifest)
  docker-compose python3-kubernetes
)
# Node.js and npm for the schema check: the machine's own when it has them, else Debian's.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

schema="$(cd "$(dirname "$0")/.." && pwd)/tests/deploy/k8s-schema"
if [ ! -f "$schema/node_modules/.package-lock.json" ] || [ "$schema/package-lock.json" -nt "$schema/node_modules/.package-lock.json" ]; then
  echo "install-deps: npm ci in tests/deploy/k8s-schema"
  npm ci --prefix "$schema" --no-audit --no-fund --loglevel=error
else
  echo "install-deps: tests/deploy/k8s-schema's npm packages present"
fi
