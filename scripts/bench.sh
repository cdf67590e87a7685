#!/usr/bin/env bash
# `make bench`: builds pkg/ and runs benches/run.mjs (which prints the README's table).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f benches/run.mjs ]; then echo "bench: no benches/run.mjs yet"; exit 0; fi
scripts/ensure-tools.sh
scripts/build-pkg.sh
exec node benches/run.mjs "$@"
