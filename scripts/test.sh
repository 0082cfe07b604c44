#!/usr/bin/env bash
# Runs every test:
#  1. formatting, clippy (native and wasm32);
#  2. the native suite: unit tests, scenario scripts, the 200-seed chaos
#     sweep, determinism against the golden trace hashes, the page's driver,
#     and the etcdctl console against real etcd 3.4 (a loopback cluster,
#     with quorum lost and regained);
#  3. in headless Chromium (wasm-bindgen-test): the same golden runs under
#     wasm32, and the page's components;
#  4. the release build of the page: its size budget, and the end-to-end
#     tests in Debian's Chromium (the playground as a user drives it; every
#     word in the language asked for; lessons gone through as a learner, in
#     English and Chinese; the playground embedded in a documentation page,
#     in an iframe on another origin, and served under a sub-path), which
#     save screenshots to test-output/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh page browser etcd
export PATH="$PWD/node_modules/binaryen/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

echo "== clippy (wasm32)"
cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings

echo "== native tests"
cargo test --workspace

echo "== browser tests (wasm-bindgen-test, headless Chromium)"
cargo test -p raft-sim --target wasm32-unknown-unknown --test wasm
cargo test -p raft-playground --target wasm32-unknown-unknown --test web

echo "== release build of the page (trunk)"
trunk build --release
node tests/e2e/size.mjs dist

echo "== end-to-end (playwright-core, Debian Chromium)"
node tests/e2e/playground.mjs dist
node tests/e2e/lang.mjs dist
node tests/e2e/lessons.mjs dist
node tests/e2e/embed.mjs dist
node tests/e2e/article.mjs dist
ls test-output/e2e/*.png
