// Shared helpers for the sink tests: run chunks through either face into a sink object.
import { once } from 'node:events';
import { Writable, createWritableStream } from '../../../pkg/node.mjs';

/** Writes `chunks` through `new Writable({ sink })`, honouring 'drain', then ends it. */
export async function viaWritable(sink, chunks, options = {}) {
  const w = new Writable({ ...options, sink });
  const failed = once(w, 'error').then(([err]) => { throw err; });
  const finished = once(w, 'finish');
  for (const chunk of chunks) {
    if (!w.write(chunk)) await Promise.race([once(w, 'drain'), failed]);
  }
  w.end();
  await Promise.race([finished, failed]);
  return w;
}

/** Writes `chunks` through `createWritableStream(sink)`, awaiting `writer.ready`, then closes it. */
export async function viaWebStream(sink, chunks, options = {}) {
  const stream = createWritableStream(sink, options);
  const writer = stream.getWriter();
  // The error a failing sink gave the stream: depending on when it arrives, writer.ready,
  // a write or close() reports it (close() on an already errored stream rejects with a
  // TypeError, per the Streams Standard), so report the sink's own error.
  let sinkError;
  for (const chunk of chunks) {
    await writer.ready;
    writer.write(chunk).catch((err) => {
      sinkError ??= err;
    });
  }
  try {
    await writer.close();
  } catch (err) {
    throw sinkError ?? err;
  }
  return stream;
}

/** Both faces, for `for (const [face, run] of faces) test(...)`. */
export const faces = [
  ['new Writable({ sink })', viaWritable],
  ['createWritableStream(sink)', viaWebStream],
];

/** `count` chunks of `size` bytes with varied contents (deterministic). */
export function makeChunks(count, size, seed = 1) {
  const chunks = [];
  let x = seed >>> 0;
  for (let i = 0; i < count; i++) {
    const c = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      c[j] = (x >>> 16) & 0xff;
    }
    chunks.push(c);
  }
  return chunks;
}

/** Compressible text chunks (repetitive with variation). */
export function textChunks(count, size) {
  const words = ['stream', 'sink', 'wasm', 'rust', 'drain', 'chunk', 'buffer', 'pipe', 'finish', 'write'];
  const chunks = [];
  let n = 0;
  for (let i = 0; i < count; i++) {
    let s = '';
    while (s.length < size) s += words[(n++ * 7 + (n >> 3)) % words.length] + (n % 13 === 0 ? '\n' : ' ');
    chunks.push(Buffer.from(s.slice(0, size)));
  }
  return chunks;
}

/** A JS sink object that records what it gets; `delayMs` makes every write asynchronous. */
export function recordingSink({ delayMs = 0, writev = false, failOn = -1 } = {}) {
  const sink = {
    chunks: [],
    batches: [],
    finals: 0,
    destroyed: [],
    write(chunk) {
      if (sink.chunks.length === failOn) throw Object.assign(new Error('recording sink refused'), { code: 'ERR_TEST' });
      sink.chunks.push(Buffer.from(chunk));
      if (delayMs > 0) return new Promise((resolve) => setTimeout(resolve, delayMs));
      return undefined;
    },
    final() {
      sink.finals++;
    },
    destroy(err) {
      sink.destroyed.push(err);
    },
    bytes() {
      return Buffer.concat(sink.chunks);
    },
  };
  if (writev) {
    sink.writev = (chunks) => {
      sink.batches.push(chunks.map((c) => Buffer.from(c)));
      for (const c of chunks) sink.chunks.push(Buffer.from(c));
    };
  }
  return sink;
}
