#!/usr/bin/env bash
# Builds the npm package into pkg/:
#   1. cargo build --release --target wasm32-unknown-unknown
#   2. wasm-bindgen --target web            -> build/wasm/ (ESM glue + _bg.wasm)
#   3. wasm-opt -O3                         (in place on the _bg.wasm; binaryen from the root
#                                            package-lock, see below)
#   4. pkg/ = pkg-template/ + wasm/ + node.cjs (esbuild, CommonJS) + README.md
# and prints the .wasm size, raw and gzipped. The package is assembled in build/pkg-staging and
# moved into place at the end, so pkg/ is never half built.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

crate=wasm_writable
target_dir=${CARGO_TARGET_DIR:-target}
out=build/wasm
stage=build/pkg-staging

step() { echo "build-pkg: $*"; }

# Root dev tools (esbuild, binaryen's wasm-opt) from the committed package-lock.json.
scripts/npm-ci.sh

step "cargo build --release --target wasm32-unknown-unknown"
cargo build --release --target wasm32-unknown-unknown --lib

step "wasm-bindgen --target web"
rm -rf "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$crate" \
  "$target_dir/wasm32-unknown-unknown/release/$crate.wasm"

# wasm-opt comes from the npm package `binaryen` (pinned by package-lock.json), not from Debian:
# Debian 12's binaryen 108 rewrites wasm-bindgen's two tables wrongly (the exported
# __wbindgen_externrefs ends up pointing at the funcref table, so initSync() throws
# "WebAssembly.Table.set(): Argument 1 is invalid for table"). WASM_OPT=... overrides.
wasm_opt=${WASM_OPT:-node_modules/.bin/wasm-opt}
step "wasm-opt -O3 ($("$wasm_opt" --version))"
"$wasm_opt" -O3 \
  --enable-bulk-memory --enable-reference-types --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-multivalue --enable-mutable-globals \
  "$out/${crate}_bg.wasm" -o "$out/${crate}_bg.opt.wasm"
mv "$out/${crate}_bg.opt.wasm" "$out/${crate}_bg.wasm"

step "assemble pkg/"
rm -rf "$stage"
mkdir -p build
cp -R pkg-template "$stage"
cp -R "$out" "$stage/wasm"
[ -f README.md ] && cp README.md "$stage/README.md"

# CommonJS build for require(): bundle the template's entry (initSync + lib/) into one file.
# The glue reads import.meta.url only inside init(), which this build never calls; define it as
# the glue's own file URL so the bundle is correct either way and esbuild has nothing to warn of.
esbuild_log=$(mktemp)
node_modules/.bin/esbuild "$stage/build/node-cjs-entry.js" \
  --bundle --format=cjs --platform=node --target=node18 \
  --outfile="$stage/node.cjs" \
  --define:import.meta.url=__wasm_writable_glue_url \
  --banner:js='"use strict"; const __wasm_writable_glue_url = require("url").pathToFileURL(require("path").join(__dirname, "wasm", "wasm_writable.js")).href;' \
  --log-level=warning 2>"$esbuild_log" || { cat "$esbuild_log" >&2; exit 1; }
if [ -s "$esbuild_log" ]; then
  cat "$esbuild_log" >&2
  echo "build-pkg: ERROR: esbuild warned while bundling node.cjs (see above)" >&2
  exit 1
fi
rm -f "$esbuild_log"
rm -rf "$stage/build"

rm -rf pkg
mv "$stage" pkg

wasm="pkg/wasm/${crate}_bg.wasm"
raw=$(wc -c < "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
size_line=$(awk -v r="$raw" -v g="$gz" 'BEGIN { printf "wasm: %.1f KiB raw, %.1f KiB gzip", r / 1024, g / 1024 }')
printf '{ "raw": %d, "gzip": %d }\n' "$raw" "$gz" > build/wasm-size.json
step "done: pkg/"
echo "$size_line"
