#!/usr/bin/env bash
# Simulation speed for the README: virtual seconds per wall second for 3, 5
# and 7 voters under a steady write load, and wall time per delivered message.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# --release is the speed profile; the page uses its own size profile (web).
cargo run --release -q -p raft-sim -- bench "$@"
