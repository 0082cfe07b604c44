#!/usr/bin/env bash
# Simulation speed for the README: virtual seconds per wall second for 3, 5
# and 7 voters under a steady write load, and wall time per delivered message.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -q -p raft-sim
target/release/raft-sim bench "$@"
