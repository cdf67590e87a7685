#!/usr/bin/env bash
# Installs the build/test tools that are missing, and only those:
#   - the wasm32-unknown-unknown Rust target            (rustup)
#   - wasm-bindgen CLI (+ wasm-bindgen-test-runner) at exactly the version Cargo.toml pins
#   (wasm-opt is not installed here: it comes from the npm package binaryen, pinned in the root
#    package-lock.json, because Debian 12's binaryen 108 miscompiles wasm-bindgen's tables.)
#   - with --browser: chromium and chromedriver          (Debian packages chromium, chromium-driver)
# Each failure prints one line saying what to install by hand, and exits non-zero.
# Usage: scripts/ensure-tools.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."

browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    *) echo "usage: $0 [--browser]" >&2; exit 2 ;;
  esac
done

say() { echo "ensure-tools: $*"; }
fail() { echo "ensure-tools: ERROR: $*" >&2; exit 1; }

# cargo-installed binaries live here; make sure later steps (and our callers) can find them.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

command -v cargo >/dev/null || fail "cargo not found: install Rust from https://rustup.rs and re-run"

# --- wasm32 target --------------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "installing Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >&2 \
    || fail "could not add the wasm32 target: run 'rustup target add wasm32-unknown-unknown' by hand"
fi

# --- wasm-bindgen CLI, pinned to the crate ----------------------------------------------------
wb_version=$(sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=[[:space:]]*"=([0-9][0-9.]*)".*/\1/p' Cargo.toml | head -n1)
[ -n "$wb_version" ] || fail "Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = \"=X.Y.Z\")"
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
have_runner=$(command -v wasm-bindgen-test-runner >/dev/null && echo yes || echo no)
if [ "$have" != "$wb_version" ] || [ "$have_runner" != yes ]; then
  say "installing wasm-bindgen-cli $wb_version (found: ${have:-none}); takes a few minutes"
  # No --locked: its lock file does not resolve against today's registry.
  cargo install wasm-bindgen-cli --version "$wb_version" --force >&2 \
    || fail "could not install wasm-bindgen-cli: run 'cargo install wasm-bindgen-cli --version $wb_version' by hand"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  [ "$have" = "$wb_version" ] || fail "wasm-bindgen on PATH is '${have:-none}', expected $wb_version: check PATH for an older copy"
fi

# --- Debian packages ----------------------------------------------------------------------------
sudo_cmd=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo_cmd=(sudo); fi
apt_updated=0
apt_install() { # apt_install PACKAGE... ; runs apt-get update once if the first try fails
  command -v apt-get >/dev/null || return 1
  if "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; then return 0; fi
  if [ "$apt_updated" = 0 ]; then
    apt_updated=1
    "${sudo_cmd[@]}" apt-get update -q >&2 || true
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
  else
    return 1
  fi
}

if [ "$browser" = 1 ]; then
  if ! command -v chromium >/dev/null; then
    say "installing chromium (apt)"
    apt_install chromium || fail "could not install Chromium: run 'apt-get install chromium' by hand"
  fi
  if ! command -v chromedriver >/dev/null; then
    say "installing chromedriver (apt package chromium-driver)"
    apt_install chromium-driver || fail "could not install chromedriver: run 'apt-get install chromium-driver' by hand"
  fi
fi

say "ok (wasm-bindgen $wb_version$([ "$browser" = 1 ] && echo ", chromium at $(command -v chromium)"))"
