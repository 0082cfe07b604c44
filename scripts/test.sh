#!/usr/bin/env bash
# Runs every test: formatting, clippy (native and wasm32), the native test
# suite (unit, scenario scripts, 200-seed chaos sweep, determinism against the
# golden trace hashes) and the browser test in headless Chromium, which checks
# that the same seeded runs give the same trace hashes under wasm32.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh browser

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

echo "== clippy (wasm32)"
cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings

echo "== native tests"
cargo test --workspace

echo "== browser tests (headless Chromium)"
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
  cargo test -p raft-sim --target wasm32-unknown-unknown --test wasm
