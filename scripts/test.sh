#!/usr/bin/env bash
# Runs every test layer, in order, each under a clear header, and stops at the first failure:
#   rust          cargo test (native: unit, integration and property tests)
#   wasm          cargo test --target wasm32-unknown-unknown (wasm-bindgen-test-runner, in Node)
#   wasm-browser  the same tests in headless Chromium (chromedriver)
#   pkg           scripts/build-pkg.sh (builds pkg/)
#   js            node --test tests/js/*.test.mjs against pkg/
#   packaging     npm pack + install into Node ESM / CJS / plain browser / Vite projects
#   e2e           node --test tests/e2e/*.test.mjs (browser end-to-end), when present
# Usage: scripts/test.sh [LAYER...]   (default: all; e.g. `make test LAYERS="js packaging"`)
# KEEP_GOING=1 runs the remaining layers after a failure (the exit status is still non-zero).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

all_layers=(rust wasm wasm-browser pkg js packaging e2e)
layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=("${all_layers[@]}")
for layer in "${layers[@]}"; do
  case " ${all_layers[*]} " in *" $layer "*) ;; *) echo "test: unknown layer '$layer' (known: ${all_layers[*]})" >&2; exit 2 ;; esac
done

# Tools first (a fresh CI machine has none of them); browsers only when a browser layer runs.
needs_browser=0
for layer in "${layers[@]}"; do
  case "$layer" in wasm-browser|packaging|e2e) needs_browser=1 ;; esac
done
if [ "$needs_browser" = 1 ]; then scripts/ensure-tools.sh --browser; else scripts/ensure-tools.sh; fi
scripts/npm-ci.sh

node_test_files() { # node_test_files DIR: the *.test.mjs / *.test.js files under DIR, sorted
  [ -d "$1" ] || return 0
  find "$1" -type f \( -name '*.test.mjs' -o -name '*.test.js' -o -name '*.test.cjs' \) -not -path '*/node_modules/*' | sort
}

run_layer() {
  case "$1" in
    rust) cargo test ;;
    wasm) cargo test --target wasm32-unknown-unknown ;;
    wasm-browser)
      WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver)} \
        cargo test --target wasm32-unknown-unknown --lib --tests ;;
    pkg) scripts/build-pkg.sh ;;
    js)
      mapfile -t files < <(node_test_files tests/js)
      [ ${#files[@]} -gt 0 ] || { echo "no JS tests under tests/js"; return 1; }
      [ -f pkg/node.mjs ] || { echo "pkg/ is not built: run 'make pkg' first"; return 1; }
      node --test --test-reporter=spec "${files[@]}" ;;
    packaging) node --test --test-reporter=spec tests/packaging/run.mjs ;;
    e2e)
      mapfile -t files < <(node_test_files tests/e2e)
      if [ ${#files[@]} -eq 0 ]; then echo "(no browser end-to-end tests yet: tests/e2e/ is empty)"; return 0; fi
      node --test --test-reporter=spec --test-concurrency=1 "${files[@]}" ;;
  esac
}

summary=()
passed=0
failed=0
started=$SECONDS
for layer in "${layers[@]}"; do
  echo
  echo "================================================================================"
  echo "== test layer: $layer"
  echo "================================================================================"
  t0=$SECONDS
  if run_layer "$layer"; then
    passed=$((passed + 1))
    summary+=("  ok    $layer ($((SECONDS - t0))s)")
  else
    failed=$((failed + 1))
    summary+=("  FAIL  $layer ($((SECONDS - t0))s)")
    echo
    echo "== test layer '$layer' FAILED"
    [ "${KEEP_GOING:-0}" = 1 ] || break
  fi
done
echo
echo "================================================================================"
if [ "$failed" = 0 ]; then
  echo "== all test layers passed in $((SECONDS - started))s"
else
  echo "== test layers FAILED after $((SECONDS - started))s (KEEP_GOING=1 runs the rest after a failure)"
fi
printf '%s\n' "${summary[@]}"
echo "layers: $passed passed, $failed failed"
[ "$failed" = 0 ]
