// The WHATWG-face benchmark (issue 5), written once for Node (benches/web.mjs) and headless
// Chromium (benches/page/index.html): writes per second through native `WritableStream`s:
//   plain   `new WritableStream(jsSink, new ByteLengthQueuingStrategy({ highWaterMark }))`
//   oursJs  `createWritableStream(jsSink)`: the same no-op counting JS sink object under our face,
//           so the ratio oursJs / plain is the face's own overhead (core, strategy, bridging)
//   ours    `createWritableStream(new CountingSink())`: a Rust sink, which copies every chunk into
//           wasm memory (that copy is the sink's work: see `copyNs`)
// plus any implementations the caller adds (Node adds its own `Writable.toWeb`). `jsSink` is
// `{ write(chunk) { bytes += chunk.byteLength; } }` (returns nothing). The producer awaits
// `writer.ready` before every write (so it respects backpressure) and awaits the last write and
// `close()`. Each row also times one `Uint8Array.prototype.set` of the chunk (`copyNs`, the copy
// a Rust sink cannot avoid), to show its share of a CountingSink write.
import { measureRow, timed, settings } from './harness.mjs';

export const chunkSizes = [
  ['16 B', 16],
  ['1 KiB', 1024],
  ['64 KiB', 65536],
];

/** Write `chunk` n times through `stream`, honouring backpressure; resolve once closed. */
export async function produce(stream, n, chunk) {
  const writer = stream.getWriter();
  let last;
  for (let i = 0; i < n; i++) {
    await writer.ready;
    last = writer.write(chunk);
  }
  await last;
  await writer.close();
}

/**
 * @param {object} api  the package's exports (`pkg/node.mjs` or `/pkg/browser.js`)
 * @param {{ quick?: boolean, extra?: Record<string, () => { stream: WritableStream, check?: (n: number, size: number) => void }>,
 *           log?: (line: string) => void }} options
 * @returns {Promise<Array<{ chunk: string, size: number, rates: Record<string, number>, samples: Record<string, number[]> }>>}
 *   rates: each column's median; samples: each repetition's rate (for paired ratios)
 */
export async function measureWeb(api, { quick = false, extra = {}, log = () => {} } = {}) {
  const { reps, targetMs } = settings(quick);
  const makers = webMakers(api, extra);
  const rows = [];
  for (const [label, size] of chunkSizes) {
    const chunk = new Uint8Array(size).fill(1);
    const runs = {};
    for (const [name, make] of Object.entries(makers)) {
      runs[name] = async (n) => {
        const { stream, check } = make();
        const ms = await timed(() => produce(stream, n, chunk));
        check?.(n, size);
        return ms;
      };
    }
    // The copy first, before the row's streams make garbage.
    const copyNs = measureCopyNs(chunk, reps);
    const { rates, samples } = await measureRow(runs, { reps, targetMs, start: 1000 });
    rows.push({ chunk: label, size, rates, samples, copyNs });
    log(`${label}: ${Object.entries(rates).map(([k, v]) => `${k} ${fmtRate(v)}`).join(', ')}, copy ${copyNs.toFixed(0)} ns`);
  }
  return rows;
}

/**
 * The streams of the benchmark's columns: name → () => { stream, check(n, size) }, `extra` last.
 * @param {object} api  the package's exports
 * @param {Record<string, () => { stream: WritableStream, check?: (n: number, size: number) => void }>} extra
 */
export function webMakers(api, extra = {}) {
  const { createWritableStream, CountingSink } = api;
  // The highWaterMark the plain stream gets: the one ours reports (the core's default).
  const highWaterMark = createWritableStream(new CountingSink()).getWriter().desiredSize;

  const countingJsSink = () => {
    const sink = {
      bytes: 0,
      write(chunk) {
        sink.bytes += chunk.byteLength;
      },
    };
    return sink;
  };
  return {
    ours() {
      const sink = new CountingSink();
      return {
        stream: createWritableStream(sink),
        check: (n, size) => sanity('ours', sink.byteCount, n * size),
      };
    },
    plain() {
      const sink = countingJsSink();
      const stream = new WritableStream(sink, new ByteLengthQueuingStrategy({ highWaterMark }));
      return { stream, check: (n, size) => sanity('plain', sink.bytes, n * size) };
    },
    oursJs() {
      const sink = countingJsSink();
      return { stream: createWritableStream(sink), check: (n, size) => sanity('oursJs', sink.bytes, n * size) };
    },
    ...extra,
  };
}

/**
 * Node's own bridge as a column: `NodeWritable.toWeb(new NodeWritable({ write(c, e, cb) { cb(); } }))`
 * (`NodeWritable`: `stream.Writable` from node:stream, passed in so this module loads in browsers).
 */
export function nodeToWebMaker(NodeWritable) {
  return () => {
    let bytes = 0;
    const w = new NodeWritable({
      write(chunk, encoding, cb) {
        bytes += chunk.length;
        cb();
      },
    });
    return { stream: NodeWritable.toWeb(w), check: (n, size) => sanity('nodeToWeb', bytes, n * size) };
  };
}

/**
 * Median ns of one `Uint8Array.prototype.set` of `chunk`, into destinations at 8 offsets across a
 * 4 KiB page (each rep copies to every one). One destination allocated beside the chunk measured
 * where the allocator had put the two: in Node on an AMD EPYC (glibc 2.36), a 64 KiB chunk and a
 * 64 KiB destination allocated one after the other sit at nearly the same offset in their pages,
 * where memmove's `rep movsb` runs about 15x slower (27 µs instead of 1.9 µs); Chromium's allocator
 * placed them apart. A copy into wasm memory lands at whatever offset the sink's allocator gives.
 */
function measureCopyNs(chunk, reps) {
  const offsets = 8;
  const room = new Uint8Array(chunk.length + 4096);
  const n = Math.max(8, Math.round((1 << 24) / Math.max(chunk.length, 64) / offsets));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < offsets; k++) {
      const into = room.subarray(k * 512, k * 512 + chunk.length);
      // At least 2 ms a sample: a browser's performance.now() may be as coarse as 100 µs.
      let copies = 0;
      let t;
      const t0 = performance.now();
      do {
        for (let i = 0; i < n; i++) into.set(chunk);
        copies += n;
        t = performance.now();
      } while (t - t0 < 2);
      samples.push(((t - t0) * 1e6) / copies);
    }
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** A benchmark that moved the wrong number of bytes measured nothing: stop it. */
function sanity(name, got, want) {
  if (got !== want) throw new Error(`${name}: the sink saw ${got} bytes, ${want} were written`);
}

export function fmtRate(r) {
  if (r == null) return 'n/a';
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M/s`;
  return `${(r / 1e3).toFixed(0)} k/s`;
}
