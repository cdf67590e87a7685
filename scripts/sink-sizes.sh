#!/usr/bin/env bash
# The wasm size each Rust sink adds. Builds the crate once with no sink (the core, the two faces'
# bindings and the sink protocol `sinks::js`), once per sink with only that sink's Cargo feature,
# once with every sink but one for each sink, and once with every sink (the default, what
# `make pkg` ships); each build goes through wasm-bindgen --target web and wasm-opt -O3 exactly as
# scripts/build-pkg.sh does. Prints a Markdown table: raw and gzip -9 KiB of each sink alone,
# what it adds over the build without sinks (this includes the sink protocol code that the first
# sink pulls in), and what leaving it out of the full build saves (its own code only).
#   scripts/sink-sizes.sh [--update-readme]   (--update-readme writes the table into README.md,
#                                              between <!-- sink-sizes:start/end --> markers)
# Builds in the usual target/ (only this crate is rebuilt per feature set; ~1 min each on 2
# cores), so the next `make pkg` rebuilds the crate with every sink again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

crate=wasm_writable
target_dir=${CARGO_TARGET_DIR:-target}
wasm_opt=${WASM_OPT:-node_modules/.bin/wasm-opt}
work=build/sink-sizes
sinks=(memory counting digest compress batch fanout ndjson throttle websocket)
# The JS class(es) behind each feature, for the table.
declare -A classes=(
  [memory]='`MemorySink`' [counting]='`CountingSink`' [digest]='`DigestSink`'
  [compress]='`GzipSink`, `DeflateSink` (+ `MemorySink`)' [batch]='`BatchSink`' [fanout]='`FanOutSink`'
  [ndjson]='`NdjsonSink`' [throttle]='`ThrottleSink`' [websocket]='`WebSocketSink`'
)

scripts/npm-ci.sh >/dev/null
rm -rf "$work"
mkdir -p "$work"

# size FEATURE-ARGS...: builds with those cargo feature arguments; prints "raw gzip" in bytes.
size() {
  cargo build --release --target wasm32-unknown-unknown --lib --quiet "$@" >&2
  local out="$work/out"
  rm -rf "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$crate" \
    "$target_dir/wasm32-unknown-unknown/release/$crate.wasm"
  "$wasm_opt" -O3 \
    --enable-bulk-memory --enable-reference-types --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-multivalue --enable-mutable-globals \
    "$out/${crate}_bg.wasm" -o "$out/opt.wasm"
  echo "$(wc -c < "$out/opt.wasm") $(gzip -9 -c "$out/opt.wasm" | wc -c)"
}

kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
delta() { awk -v b="$1" 'BEGIN { printf "+%.1f", b / 1024 }'; }

echo "sink-sizes: no sinks" >&2
read -r core_raw core_gz < <(size --no-default-features)
echo "sink-sizes: every sink (default features)" >&2
read -r all_raw all_gz < <(size)
rows=("| core + both faces + sink protocol, no sinks | \`--no-default-features\` | $(kib "$core_raw") | $(kib "$core_gz") | — | — | — |")
for sink in "${sinks[@]}"; do
  echo "sink-sizes: --features $sink" >&2
  read -r raw gz < <(size --no-default-features --features "$sink")
  others=$(printf '%s\n' "${sinks[@]}" | grep -vx "$sink" | paste -sd, -)
  if [ "$sink" = memory ]; then
    saves='— (GzipSink needs it)'
  else
    echo "sink-sizes: every sink but $sink" >&2
    read -r but_raw but_gz < <(size --no-default-features --features "$others")
    saves="$(kib $((all_raw - but_raw))) · $(kib $((all_gz - but_gz)))"
  fi
  rows+=("| ${classes[$sink]} | \`$sink\` | $(kib "$raw") | $(kib "$gz") | $(delta $((raw - core_raw))) | $(delta $((gz - core_gz))) | $saves |")
done
rows+=("| every sink (what \`make pkg\` ships) | default | $(kib "$all_raw") | $(kib "$all_gz") | $(delta $((all_raw - core_raw))) | $(delta $((all_gz - core_gz))) | — |")

table=$(
  echo '| sink | feature | alone: raw KiB | alone: gzip KiB | added over no sinks: raw | added: gzip | left out of the full build, saves (raw · gzip KiB) |'
  echo '|---|---|---:|---:|---:|---:|---:|'
  printf '%s\n' "${rows[@]}"
)
rm -rf "$work"
echo "$table"

if [ "${1:-}" = --update-readme ]; then
  TABLE="$table" node -e '
    const fs = require("fs");
    const start = "<!-- sink-sizes:start -->", end = "<!-- sink-sizes:end -->";
    const readme = fs.readFileSync("README.md", "utf8");
    const a = readme.indexOf(start), b = readme.indexOf(end);
    if (a < 0 || b < a) { console.error("sink-sizes: README.md has no " + start + " … " + end + " markers"); process.exit(1); }
    fs.writeFileSync("README.md", readme.slice(0, a + start.length) + "\n" + process.env.TABLE + "\n" + readme.slice(b));
    console.error("sink-sizes: README.md updated");
  '
fi
