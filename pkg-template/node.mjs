// Node ESM entry: instantiate the wasm module synchronously from the file beside us, then expose
// the API. lib/ never touches wasm while it is being evaluated, so the hoisted re-export below
// running before initSync() is fine.
import { initSync } from './wasm/wasm_writable.js';
import { readFileSync } from 'node:fs';

initSync({ module: readFileSync(new URL('./wasm/wasm_writable_bg.wasm', import.meta.url)) });

export * from './lib/index.js';
