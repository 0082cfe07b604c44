#!/usr/bin/env bash
# Installs what building and testing Raft Playground needs, skipping what is
# already there. Safe to run again. Used by scripts/run.sh and scripts/test.sh.
#
#   bash scripts/setup.sh           # toolchain for the CLI and native tests
#   bash scripts/setup.sh browser   # plus wasm32, wasm-bindgen-cli, Chromium
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130   # must equal the "=0.2.130" pin in Cargo.toml files
want_browser=${1:-}

log() { echo "setup: $*"; }

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust with rustup first" >&2
  exit 1
fi

if [ "$want_browser" = browser ]; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
    # --locked fails here: a locked dependency version is gone from crates.io.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi

  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Chromium and ChromeDriver from Debian"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
log "ready"
