#!/usr/bin/env bash
# Installs every Debian package that building, testing, fuzzing, benchmarking and the demo need.
# Idempotent: packages already present are not touched, and apt is not called at all when
# nothing is missing. Uses sudo when not root.
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
  # independent peers for integration tests and the demo
  kcat prometheus
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
