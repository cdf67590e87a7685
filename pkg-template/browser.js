// Browser / bundler entry: fetch and instantiate the wasm module (found beside the glue through
// import.meta.url, which bundlers such as Vite turn into an emitted asset), then expose the API.
// Top-level await: importing this module is all the initialisation a user does.
import init from './wasm/wasm_writable.js';

await init();

export * from './lib/index.js';
