#!/usr/bin/env bash
# Sets everything up and runs the live demo on the embedded broker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product sluice
exec .build/release/sluice demo "$@"
