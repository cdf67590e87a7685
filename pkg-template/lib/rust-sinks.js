// The fast byte path of the Rust sinks' `write(chunk)`.
//
// The `write(chunk: JsValue)` that wasm-bindgen generates gets a Uint8Array's bytes into Rust
// with five calls from wasm back into JS (instanceof, three `length` reads, a copy through a
// fresh view of wasm memory) and returns its `Result` as an array: ~450 ns for 16 bytes in
// Node 20. Here the bytes are copied with one `Uint8Array.prototype.set` into a reusable buffer
// in wasm memory (the "inbox", src/sinks/js.rs) and the sink is called with the length, answering
// with a number: one call into wasm, no allocation. Semantics are those of `write(chunk)`:
// `undefined` when done, a promise when pending, a throw when it failed. Anything that is not a
// Uint8Array (strings, other views, ArrayBuffers, objects), a chunk above 1 MiB, a call made
// while another inbox write is running (re-entrancy through a JS inner sink), and sinks that
// take JS values (wrappers forwarding to JS sinks, NdjsonSink) take the generic path.

import * as bindings from '../wasm/wasm_writable.js';

const INBOX_DONE = 0;
const INBOX_PENDING = 1;
const INBOX_ERROR = 2;
const INBOX_MAX = 1 << 20;

let memory = null; // a Uint8Array over wasm memory (renewed when memory grows: it detaches)
let inboxPtr = 0;
let inboxCap = 0;
let busy = false;

function fastWrite(generic) {
  // Cleared for a class whose sink takes JS values (it declines every inbox write).
  let bytes = true;
  return function write(chunk) {
    if (busy || !bytes || !(chunk instanceof Uint8Array)) return generic.call(this, chunk);
    const len = chunk.length;
    if (len > inboxCap) {
      const ptr = len <= INBOX_MAX ? bindings.__wasmWritableInbox(len) : 0;
      if (ptr === 0) return generic.call(this, chunk);
      inboxPtr = ptr;
      inboxCap = len;
      memory = null;
    }
    // A view whose memory grew is detached: its length reads 0 (and `length` is read in line by
    // V8 in Node 20, where `byteLength` is a call).
    if (memory === null || memory.length === 0) memory = new Uint8Array(bindings.wasmMemory().buffer);
    memory.set(chunk, inboxPtr);
    busy = true;
    let code;
    try {
      code = this.__writeInbox(len);
    } finally {
      busy = false;
    }
    if (code === INBOX_DONE) return undefined;
    if (code === INBOX_PENDING) return bindings.__wasmWritableInboxOutcome();
    if (code === INBOX_ERROR) throw bindings.__wasmWritableInboxOutcome();
    bytes = false;
    return generic.call(this, chunk);
  };
}

/** Gives every exported sink class (those with `__writeInbox`) the fast `write`. */
export function installFastWrites() {
  for (const value of Object.values(bindings)) {
    const proto = typeof value === 'function' ? value.prototype : null;
    if (proto && typeof proto.__writeInbox === 'function' && typeof proto.write === 'function' && !proto.write.fast) {
      const write = fastWrite(proto.write);
      write.fast = true;
      proto.write = write;
    }
  }
}
