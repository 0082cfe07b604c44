#!/usr/bin/env bash
# Installs what building and testing Raft Playground needs, skipping what is
# already there. Safe to run again. Used by scripts/run.sh and scripts/test.sh.
#
#   bash scripts/setup.sh                # Rust only: the CLI and native tests
#   bash scripts/setup.sh page           # plus wasm32, wasm-bindgen-cli, trunk,
#                                        # Node and the npm tools (wasm-opt)
#   bash scripts/setup.sh page browser   # plus Chromium and ChromeDriver
#   bash scripts/setup.sh etcd           # plus real etcd 3.4 (Debian's etcd-server
#                                        # and etcd-client, openssl), for the tests
#                                        # against real etcd
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the "=0.2.130" pin in Cargo.toml files
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than this machine's 1.95
want_page=false
want_browser=false
want_etcd=false
for arg in "$@"; do
  case "$arg" in
    page) want_page=true ;;
    browser) want_page=true; want_browser=true ;;
    etcd) want_etcd=true ;;
    *) echo "setup: unknown argument $arg (use: page, browser, etcd)" >&2; exit 2 ;;
  esac
done

log() { echo "setup: $*"; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
apt_install() {
  log "installing $* from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust with rustup first" >&2
  exit 1
fi

if $want_page; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
    # --locked fails here: a locked dependency version is gone from crates.io.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi

  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    log "installing trunk $TRUNK_VERSION (about 7 minutes)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
  fi

  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi

  # wasm-opt (npm binaryen; Debian's is too old for rustc 1.95's output)
  # and playwright-core, at the versions in package-lock.json.
  if ! cmp -s package-lock.json node_modules/.installed-lock.json; then
    log "installing the npm tools (binaryen, playwright-core)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.installed-lock.json
  fi
fi

if $want_browser; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
  # The Chinese screenshots need a CJK font (a 5 MB one; Noto CJK is 90).
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    apt_install fonts-wqy-microhei
  fi
fi
if $want_etcd; then
  if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
    apt_install etcd-server etcd-client
  fi
  # The deployment test signs its TLS certificates with openssl.
  if ! command -v openssl >/dev/null; then
    apt_install openssl
  fi
fi
log "ready"
