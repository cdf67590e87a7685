// Shared helpers for the sink tests in Node: the two faces and the chunk makers of
// tests/shared/sink-faces.mjs (which the Chromium tests use too) over pkg/node.mjs, plus
// Node-only helpers.
import * as api from '../../../pkg/node.mjs';
import { sinkFaces } from '../../shared/sink-faces.mjs';

export { makeChunks } from '../../shared/sink-faces.mjs';
export const { viaWritable, viaWebStream, faces } = sinkFaces(api);

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
