// The package's public API (the entries node.mjs / node.cjs / browser.js initialise the wasm
// module first; nothing here touches wasm while being evaluated).
import { Writable } from './writable.js';
import { toWeb, fromWeb, createWritableStream } from './web.js';
import { installFastWrites } from './rust-sinks.js';

// The Rust sinks' write(chunk) copies a Uint8Array into wasm with one set() (lib/rust-sinks.js).
installFastWrites();

// Static bridges, as on Node's stream.Writable.
Writable.toWeb = toWeb;
Writable.fromWeb = fromWeb;

export { Writable, toWeb, fromWeb, createWritableStream };
export { addAbortSignal } from './writable.js';
export { EventEmitter } from './events.js';
export {
  MemorySink, CountingSink, DigestSink, GzipSink, DeflateSink, BatchSink, FanOutSink, NdjsonSink, ThrottleSink,
  WebSocketSink,
} from '../wasm/wasm_writable.js';
export { wasmMemory } from '../wasm/wasm_writable.js';
