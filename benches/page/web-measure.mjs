// The WHATWG-face benchmark (issue 5), written once for Node (benches/web.mjs) and headless
// Chromium (benches/page/index.html): writes per second through a native `WritableStream` made by
// `createWritableStream(new CountingSink())`, against the same kind of `WritableStream` over a
// plain JS underlying sink doing the equivalent (count bytes; `write()` returns nothing) with a
// byte-length strategy of the same highWaterMark, plus any implementations the caller adds (Node
// adds its own `Writable.toWeb`). The producer awaits `writer.ready` before every write (so it
// respects backpressure) and awaits the last write and `close()`.
import { measureRow, timed, settings } from './harness.mjs';

export const chunkSizes = [
  ['16 B', 16],
  ['1 KiB', 1024],
  ['64 KiB', 65536],
];

/** Write `chunk` n times through `stream`, honouring backpressure; resolve once closed. */
async function produce(stream, n, chunk) {
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
 * @returns {Promise<Array<{ chunk: string, size: number, rates: Record<string, number> }>>}
 */
export async function measureWeb(api, { quick = false, extra = {}, log = () => {} } = {}) {
  const { createWritableStream, CountingSink } = api;
  const { reps, targetMs } = settings(quick);
  // The highWaterMark the plain stream gets: the one ours reports (the core's default).
  const highWaterMark = createWritableStream(new CountingSink()).getWriter().desiredSize;

  const makers = {
    ours() {
      const sink = new CountingSink();
      return {
        stream: createWritableStream(sink),
        check: (n, size) => sanity('ours', sink.byteCount, n * size),
      };
    },
    plain() {
      let bytes = 0;
      const stream = new WritableStream(
        {
          write(chunk) {
            bytes += chunk.byteLength;
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark }),
      );
      return { stream, check: (n, size) => sanity('plain', bytes, n * size) };
    },
    ...extra,
  };

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
    const rates = await measureRow(runs, { reps, targetMs, start: 1000 });
    rows.push({ chunk: label, size, rates });
    log(`${label}: ${Object.entries(rates).map(([k, v]) => `${k} ${fmtRate(v)}`).join(', ')}`);
  }
  return rows;
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
