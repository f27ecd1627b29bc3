#!/usr/bin/env bash
# Installs Sluice's C dependencies (Debian packages) when they are missing. Idempotent.
set -euo pipefail
need=()
for pkg in librdkafka-dev libzstd-dev liblz4-dev libjemalloc-dev pkg-config make gcc; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: Swift 6.1+ is required (https://swift.org/install)" >&2; exit 1; }
