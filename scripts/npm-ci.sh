#!/usr/bin/env bash
# Reproducible npm install for one node project: `npm ci` from its committed package-lock.json,
# skipped when node_modules was already installed from the same lock. Falls back to
# `npm install` only when the project has no lock yet (then commit the lock it writes).
# Usage: scripts/npm-ci.sh [DIR]   (default: the repository root)
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$dir"
command -v npm >/dev/null || { echo "npm-ci: ERROR: npm not found: install Node.js >= 18 by hand" >&2; exit 1; }
flags=(--no-audit --no-fund --loglevel=error)
if [ -f package-lock.json ]; then
  want=$( (sha256sum package-lock.json package.json) | sha256sum | cut -d' ' -f1)
  stamp=node_modules/.npm-ci-stamp
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
  echo "npm-ci: npm ci in $dir"
  npm ci "${flags[@]}" || { echo "npm-ci: ERROR: 'npm ci' failed in $dir (is the npm registry reachable?)" >&2; exit 1; }
  echo "$want" > "$stamp"
else
  echo "npm-ci: no package-lock.json in $dir: npm install (commit the lock it writes)"
  npm install "${flags[@]}" || { echo "npm-ci: ERROR: 'npm install' failed in $dir" >&2; exit 1; }
fi
