#!/usr/bin/env bash
# The page's figures for the README: the release build's sizes, the frame
# time with 9 members under heavy traffic in headless Chromium, and the
# wasm memory over one virtual hour of it at 100× (about 4 minutes).
#   bash scripts/bench-page.sh [seconds per speed, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh page browser
export PATH="$PWD/node_modules/binaryen/bin:$PATH"
trunk build --release
node tests/e2e/size.mjs dist || true
node tests/e2e/frames.mjs dist "${1:-10}"
node tests/e2e/memory.mjs dist 3600
