// The Rust-sinks benchmark (issue 7), written once for Node (benches/sinks.mjs) and headless
// Chromium (benches/page/index.html): MB/s of 64 KiB chunks written through `new Writable({ sink })`
// into `CountingSink`, `DigestSink('sha256')` and `GzipSink` (level 6, the default, into a
// `CountingSink`), against what the platform offers in both runtimes — Web Crypto's
// `crypto.subtle.digest('SHA-256', …)` (one-shot, on the concatenated chunks: it cannot stream)
// and `CompressionStream('gzip')` — plus whatever the caller adds (Node adds `crypto.createHash`
// and `zlib.createGzip()`). Gzip runs on compressible text-like data and on random data.
//
// The data is a pool of 2 MiB, made deterministically, cut into 32 chunks of 64 KiB; a run writes
// the pool `passes` times (the unit the harness calibrates), so every implementation gets the
// same bytes in the same chunks. Before timing, one pass of each is checked for the right result
// (same digest; gzip output that decompresses to the input), so a broken run cannot pass for a
// fast one. Nothing judges a speed.
import { measureRow, timed, settings } from './harness.mjs';

export const CHUNK = 64 * 1024;
export const POOL = 2 * 1024 * 1024;

/** mulberry32: a small deterministic PRNG (uint32 per call). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `bytes` of text-like data: words of a 2,000-word vocabulary, skewed as in prose, with punctuation and lines. */
export function textData(bytes, seed = 7) {
  const next = prng(seed);
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const vocab = [];
  for (let i = 0; i < 2000; i++) {
    let w = '';
    const len = 2 + (next() % 9);
    for (let j = 0; j < len; j++) w += letters[Math.floor(letters.length * (next() / 2 ** 32) ** 2)];
    vocab.push(w);
  }
  const out = new Uint8Array(bytes);
  let n = 0;
  let col = 0;
  let capital = true;
  while (n < bytes) {
    let w = vocab[Math.floor(vocab.length * (next() / 2 ** 32) ** 3)];
    if (capital) w = w[0].toUpperCase() + w.slice(1);
    capital = false;
    const r = next() % 100;
    let tail = ' ';
    if (r < 6) tail = ', ';
    else if (r < 12) {
      tail = '. ';
      capital = true;
    }
    if (col > 72) {
      tail = tail.trimEnd() + '\n';
      col = 0;
    }
    const s = w + tail;
    for (let k = 0; k < s.length && n < bytes; k++) out[n++] = s.charCodeAt(k);
    col += s.length;
  }
  return out;
}

/** `bytes` of uniformly random data (deterministic). */
export function randomData(bytes, seed = 11) {
  const next = prng(seed);
  const out = new Uint8Array(bytes);
  const words = new Uint32Array(out.buffer, 0, bytes >> 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
  return out;
}

/** The pool cut into 64 KiB views (no copies). */
export function chunksOf(pool) {
  const chunks = [];
  for (let i = 0; i < pool.length; i += CHUNK) chunks.push(pool.subarray(i, i + CHUNK));
  return chunks;
}

/**
 * Writes every chunk `passes` times into a Node-style writable (ours, or a Node stream such as
 * a zlib one) honouring backpressure ('drain'), then ends it; resolves on 'finish'.
 */
export function writeAll(w, chunks, passes) {
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('finish', resolve);
    let p = 0;
    let i = 0;
    const pump = () => {
      while (p < passes) {
        const ok = w.write(chunks[i]);
        if (++i === chunks.length) {
          i = 0;
          p++;
        }
        if (!ok) {
          w.once('drain', pump);
          return;
        }
      }
      w.end();
    };
    pump();
  });
}

export function hex(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Total bytes read from a ReadableStream (discarding them). */
async function drain(readable) {
  const reader = readable.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.byteLength;
  }
}

/** Concatenation of a ReadableStream's chunks. */
async function collect(readable) {
  const parts = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Gzip through CompressionStream, chunk by chunk with backpressure; → compressed byte count. */
async function compressionStream(chunks, passes) {
  const cs = new CompressionStream('gzip');
  const reading = drain(cs.readable);
  const writer = cs.writable.getWriter();
  for (let p = 0; p < passes; p++) {
    for (const chunk of chunks) {
      await writer.ready;
      writer.write(chunk);
    }
  }
  await writer.close();
  return reading;
}

async function gunzip(bytes) {
  return collect(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')));
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * @param {object} api  the package's exports (`pkg/node.mjs` or `/pkg/browser.js`)
 * @param {{ quick?: boolean, log?: (line: string) => void,
 *           native?: { sha256?: (chunks, passes) => Promise<string>, gzip?: (chunks, passes) => Promise<number> } }} options
 *   `native.sha256` → hex digest; `native.gzip` → compressed byte count.
 * @returns {Promise<Array<{ sink: string, data: string, rates: Record<string, number>, output?: Record<string, number> }>>}
 *   rates in bytes per second of input; `output`: compressed size / input size of one pass.
 */
export async function measureSinks(api, { quick = false, log = () => {}, native = {} } = {}) {
  const { Writable, CountingSink, DigestSink, GzipSink } = api;
  const { reps, targetMs } = settings(quick);
  const pools = { text: textData(POOL), random: randomData(POOL) };
  const rows = [];

  const row = async (sink, data, runs, extra = {}) => {
    const { rates: passRates, samples } = await measureRow(runs, { reps, targetMs, start: 1 });
    const rates = Object.fromEntries(Object.entries(passRates).map(([k, v]) => [k, v * POOL]));
    rows.push({ sink, data, rates, samples, ...extra });
    log(`${sink} · ${data}: ${Object.entries(rates).map(([k, v]) => `${k} ${fmtBytes(v)}`).join(', ')}`);
  };

  // CountingSink: the floor (one copy of each chunk into wasm memory).
  {
    const chunks = chunksOf(pools.text);
    await row('CountingSink', 'text', {
      ours: (passes) => {
        const sink = new CountingSink();
        return timed(() => writeAll(new Writable({ sink }), chunks, passes)).then((ms) => {
          if (sink.byteCount !== passes * POOL) throw new Error(`CountingSink saw ${sink.byteCount} bytes of ${passes * POOL}`);
          return ms;
        });
      },
    });
  }

  // SHA-256.
  {
    const pool = pools.text;
    const chunks = chunksOf(pool);
    const oursHex = async (passes) => {
      const sink = new DigestSink('sha256');
      await writeAll(new Writable({ sink }), chunks, passes);
      return sink.hex();
    };
    const want = hex(await crypto.subtle.digest('SHA-256', pool));
    const got = { ours: await oursHex(1), ...(native.sha256 ? { native: await native.sha256(chunks, 1) } : {}) };
    for (const [name, h] of Object.entries(got)) {
      if (h !== want) throw new Error(`SHA-256 by ${name} is ${h}, Web Crypto says ${want}`);
    }
    const runs = { ours: (passes) => timed(() => oursHex(passes)) };
    if (native.sha256) runs.native = (passes) => timed(() => native.sha256(chunks, passes));
    runs.web = (passes) =>
      timed(async () => {
        for (let p = 0; p < passes; p++) await crypto.subtle.digest('SHA-256', pool);
      });
    await row('DigestSink SHA-256', 'text', runs);
  }

  // gzip, level 6 everywhere (GzipSink's default, zlib's and CompressionStream's).
  for (const [data, pool] of Object.entries(pools)) {
    const chunks = chunksOf(pool);
    // One checked pass: our output decompresses (with the platform's DecompressionStream) to the input.
    const check = new GzipSink();
    if (check.level !== 6) throw new Error(`GzipSink's default level is ${check.level}, not 6`);
    await writeAll(new Writable({ sink: check }), chunks, 1);
    const compressed = check.inner.bytes();
    if (!sameBytes(await gunzip(compressed), pool)) throw new Error(`GzipSink output (${data}) does not decompress to the input`);
    const oursGzip = async (passes) => {
      const counter = new CountingSink();
      await writeAll(new Writable({ sink: new GzipSink(counter) }), chunks, passes);
      return counter.byteCount;
    };
    const output = { ours: (await oursGzip(1)) / POOL };
    if (native.gzip) output.native = (await native.gzip(chunks, 1)) / POOL;
    output.web = (await compressionStream(chunks, 1)) / POOL;
    const runs = { ours: (passes) => timed(() => oursGzip(passes)) };
    if (native.gzip) runs.native = (passes) => timed(() => native.gzip(chunks, passes));
    runs.web = (passes) => timed(() => compressionStream(chunks, passes));
    await row('GzipSink (level 6)', data, runs, { output });
  }
  return rows;
}

/** Bytes per second as MB/s or GB/s (decimal: 1 MB = 10^6 bytes). */
export function fmtBytes(bps) {
  if (bps == null) return 'n/a';
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} GB/s`;
  if (bps >= 100e6) return `${(bps / 1e6).toFixed(0)} MB/s`;
  return `${(bps / 1e6).toFixed(1)} MB/s`;
}
