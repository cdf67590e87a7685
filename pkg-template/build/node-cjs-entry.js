// Entry of the CommonJS build: scripts/build-pkg.sh bundles it with esbuild into pkg/node.cjs
// (format cjs, platform node). Not shipped. `__dirname` is the package directory at run time.
// The glue's only import.meta.url use is in init() (which fetches); this build uses initSync, and
// the bundler defines import.meta.url as the glue's file URL anyway.
import { initSync } from '../wasm/wasm_writable.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

initSync({ module: readFileSync(join(__dirname, 'wasm', 'wasm_writable_bg.wasm')) });

export * from '../lib/index.js';
