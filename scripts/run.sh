#!/usr/bin/env bash
# The main job: build the playground (release) and serve it on
# http://127.0.0.1:8080 with Trunk, installing the tools it needs first.
# Extra arguments go to `trunk serve` (e.g. --port 9000).
#
# The simulation's CLI is separate: cargo run --release -p raft-sim -- help
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh page
export PATH="$PWD/node_modules/binaryen/bin:$PATH"
echo "run: building the page; then open http://127.0.0.1:8080 (Ctrl-C stops the server)"
echo "run: the article: http://127.0.0.1:8080/docs/index.html; the iframe page: http://127.0.0.1:8080/embed.html?seed=7"
exec trunk serve --release "$@"
