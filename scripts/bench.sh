#!/usr/bin/env bash
# `make bench`: builds pkg/ and runs every benchmark under benches/ (each prints its own table):
#   benches/run.mjs    the Node-style face vs Node's Writable, readable-stream, streamx
#   benches/web.mjs    the WHATWG face vs a plain JS sink and Node's toWeb (Node and Chromium)
#   benches/sinks.mjs  the Rust sinks vs Node's crypto/zlib and the browser's (Node and Chromium)
# Arguments go to benches/run.mjs (e.g. --quick, --filter TEXT, --update-readme).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
scripts/build-pkg.sh
node benches/run.mjs "$@"
for extra in benches/web.mjs benches/sinks.mjs; do
  if [ -f "$extra" ]; then
    echo
    node "$extra"
  fi
done
