// The package's public API (the entries node.mjs / node.cjs / browser.js initialise the wasm
// module first; nothing here touches wasm while being evaluated).
import { Writable } from './writable.js';
import { toWeb, fromWeb, createWritableStream } from './web.js';

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
