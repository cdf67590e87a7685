// Running chunks through either face into a sink object, written once for the sink tests in Node
// (tests/js/sinks/, api = pkg/node.mjs) and in headless Chromium (tests/e2e/sinks.test.mjs,
// api = /pkg/browser.js). Browser-compatible: web APIs only.

/** Rejects with the first 'error' `w` emits (the promise is marked handled: races use it). */
function errorOf(w) {
  const failed = new Promise((_, reject) => w.once('error', reject));
  failed.catch(() => {});
  return failed;
}

/**
 * The two faces over `api`: `viaWritable(sink, chunks, options)` writes through
 * `new Writable({ sink })` honouring 'drain', then ends it; `viaWebStream(sink, chunks, options)`
 * writes through `createWritableStream(sink)` awaiting `writer.ready`, then closes it. Both
 * resolve once everything is finished and reject with the sink's error. `faces` lists both, for
 * `for (const [face, run] of faces) test(...)`.
 */
export function sinkFaces(api) {
  async function viaWritable(sink, chunks, options = {}) {
    const w = new api.Writable({ ...options, sink });
    const failed = errorOf(w);
    const finished = new Promise((resolve) => w.once('finish', resolve));
    for (const chunk of chunks) {
      if (!w.write(chunk)) await Promise.race([new Promise((resolve) => w.once('drain', resolve)), failed]);
    }
    w.end();
    await Promise.race([finished, failed]);
    return w;
  }

  async function viaWebStream(sink, chunks, options = {}) {
    const stream = api.createWritableStream(sink, options);
    const writer = stream.getWriter();
    // The error a failing sink gave the stream: depending on when it arrives, writer.ready,
    // a write or close() reports it (close() on an already errored stream rejects with a
    // TypeError, per the Streams Standard), so report the sink's own error.
    let sinkError;
    try {
      for (const chunk of chunks) {
        await writer.ready;
        writer.write(chunk).catch((err) => {
          sinkError ??= err;
        });
      }
      await writer.close();
    } catch (err) {
      throw sinkError ?? err;
    }
    return stream;
  }

  return {
    viaWritable,
    viaWebStream,
    faces: [
      ['new Writable({ sink })', viaWritable],
      ['createWritableStream(sink)', viaWebStream],
    ],
  };
}

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

/** `data` cut into views of `size` bytes (the last may be shorter); no copies. */
export function sliceInto(data, size) {
  const chunks = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return chunks;
}

/** The bytes of chunks (strings as UTF-8, views as their bytes) in one Uint8Array. */
export function concatBytes(chunks) {
  const parts = chunks.map((c) =>
    typeof c === 'string' ? new TextEncoder().encode(c) : new Uint8Array(c.buffer ?? c, c.byteOffset ?? 0, c.byteLength),
  );
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
