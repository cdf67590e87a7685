// A slow sink written in JS for the demo: it paces what it consumes to a rate (units per second:
// bytes in byte mode, objects in objectMode) plus a fixed cost per call, then hands the bytes to a
// Rust `CountingSink` (so every byte still ends in wasm).
//
// It speaks the package's sink object protocol (pkg-template/lib/sink.js): `write(chunk)` and
// `writev(chunks)` return undefined when done synchronously, or a Promise that settles when done.
// The same object works behind `new Writable({ sink })` and `createWritableStream(sink, …)`.
//
// ThrottleSink: the package does not export a Rust `ThrottleSink` yet (checked in
// pkg/wasm/wasm_writable.js). When it lands, the rate part of this class can become
// `new ThrottleSink(new CountingSink(), { bytesPerSecond })` (see `makeSink` in engine.js); keep
// this class for what ThrottleSink is not planned to do: a per-call cost, objects per second, and
// `writev` (Rust sinks have no writev yet, and the cork/writev scenario needs one).
import { CountingSink } from '/pkg/browser.js';

/** Largest piece handed to the Rust sink at once (a batch is concatenated up to this size). */
const PIECE = 1 << 20;

export class PacedSink {
  /**
   * @param {object} o
   * @param {boolean} o.objectMode  count objects instead of bytes
   * @param {number} o.unitsPerSecond  0 = no rate limit
   * @param {number} o.latencyMs  fixed cost of every call (write or writev)
   * @param {(units: number, chunks: number, batch: boolean) => void} [o.onStart]
   * @param {(units: number, chunks: number) => void} [o.onDone]
   */
  constructor({ objectMode = false, unitsPerSecond = 0, latencyMs = 0, onStart, onDone } = {}) {
    this.objectMode = objectMode;
    this.unitsPerSecond = unitsPerSecond;
    this.latencyMs = latencyMs;
    this.onStart = onStart;
    this.onDone = onDone;
    this.inner = objectMode ? null : new CountingSink();
    this.calls = 0;
    this.writevCalls = 0;
    this.unitsDone = 0;
    this.chunksDone = 0;
    this.lastDoneAt = 0; // performance.now() of the last completion
    this.virtualEnd = 0; // when the last call would have finished on an exact clock
    this.destroyed = false;
  }

  write(chunk) {
    return this.#consume([chunk], false);
  }

  writev(chunks) {
    return this.#consume(chunks, true);
  }

  final() {
    this.inner?.final();
  }

  destroy() {
    this.destroyed = true;
  }

  #consume(chunks, batch) {
    let units = chunks.length;
    if (!this.objectMode) {
      units = 0;
      for (const c of chunks) units += c.byteLength;
    }
    this.calls++;
    if (batch) this.writevCalls++;
    this.onStart?.(units, chunks.length, batch);
    const done = () => {
      this.#forward(chunks, units);
      this.unitsDone += units;
      this.chunksDone += chunks.length;
      this.lastDoneAt = performance.now();
      this.onDone?.(units, chunks.length);
    };
    const cost = this.latencyMs + (this.unitsPerSecond > 0 ? (units / this.unitsPerSecond) * 1000 : 0);
    if (cost <= 0) {
      done(); // an instant sink completes synchronously, like a Rust sink
      return undefined;
    }
    // Pace on a virtual clock: browsers delay timers (≥ 4 ms once nested), so a call that arrives
    // right after the previous one finished starts at that call's exact end, and the sink's
    // average rate stays what was asked even when single timers fire late.
    const now = performance.now();
    const backToBack = now - this.lastDoneAt < 1 && this.virtualEnd > now - 250;
    const start = backToBack ? this.virtualEnd : now;
    this.virtualEnd = start + cost;
    const delay = this.virtualEnd - now;
    return new Promise((resolve) => {
      const finish = () => {
        done();
        resolve();
      };
      if (delay <= 0) queueMicrotask(finish);
      else setTimeout(finish, delay);
    });
  }

  /** Hands the bytes to the Rust CountingSink: a batch is concatenated and copied once. */
  #forward(chunks, units) {
    const inner = this.inner;
    if (inner === null || this.destroyed) return;
    if (chunks.length === 1) {
      inner.write(chunks[0]);
      return;
    }
    let piece = new Uint8Array(Math.min(units, PIECE));
    let at = 0;
    for (const c of chunks) {
      let off = 0;
      while (off < c.byteLength) {
        const n = Math.min(c.byteLength - off, piece.length - at);
        piece.set(c.subarray(off, off + n), at);
        at += n;
        off += n;
        if (at === piece.length) {
          inner.write(piece);
          units -= at;
          piece = new Uint8Array(Math.min(Math.max(units, 1), PIECE));
          at = 0;
        }
      }
    }
    if (at > 0) inner.write(piece.subarray(0, at));
  }
}
