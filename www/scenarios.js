// The one-click scenarios. Each sets the controls, then runs one or more bounded runs in a row
// (the chart keeps the previous run in grey, the history table keeps every run's numbers).
// Texts: `code` spans are rendered as <code>. Units: highWaterMark and sinkSpeed are in bytes (objects in objectMode); chunkSize in bytes.

const KiB = 1024;
const MiB = 1024 * 1024;

/** What the controls show when the page opens (and after Reset). */
export const DEFAULTS = Object.freeze({
  face: 'node',
  objectMode: false,
  highWaterMark: 16 * KiB,
  chunkSize: 1 * KiB,
  rate: 2000,
  producers: 1,
  respect: true,
  corkBatch: 1,
  sinkSpeed: 256 * KiB,
  sinkLatencyMs: 0,
  durationMs: 2000,
});

/** Mode-dependent defaults applied when the user flips bytes ↔ objectMode. */
export const MODE_DEFAULTS = Object.freeze({
  bytes: { highWaterMark: 16 * KiB, sinkSpeed: 256 * KiB, chunkSize: 1 * KiB },
  objects: { highWaterMark: 16, sinkSpeed: 200, chunkSize: 256 },
});

const slow = { ...DEFAULTS };

export const SCENARIOS = [
  {
    id: 'slow-sink',
    title: 'Fast source, slow sink',
    text: [
      'The producer offers 2 MiB/s; the sink takes 256 KiB/s. Ignoring `write()` returning `false`, every chunk the sink cannot take yet piles up in the stream: the buffer (memory) grows for as long as the producer runs.',
      'Respecting it, the producer stops at `false` and resumes on `drain`: the buffer never passes highWaterMark + one chunk, and the sink is just as busy.',
    ],
    runs: [
      { label: 'ignoring backpressure', cfg: { ...slow, respect: false } },
      { label: 'respecting backpressure', cfg: { ...slow, respect: true } },
    ],
  },
  {
    id: 'hwm',
    title: 'highWaterMark too low vs too high',
    text: [
      'This sink costs 8 ms per call and takes whatever is buffered as one `writev` batch. With highWaterMark = one chunk, `write()` returns `false` on every chunk, a `drain` follows each one and the sink gets one chunk per call: throughput collapses.',
      'At 64 KiB the batches are big enough for most of the sink’s speed, with a bounded buffer. At 16 MiB backpressure never starts: a little more throughput, bought with megabytes in memory, a second or more of queueing (“wait in buffer”) and data still queued when the run ends.',
    ],
    runs: ['too low: 1 KiB', 'about right: 64 KiB', 'too high: 16 MiB'].map((label, i) => ({
      label,
      cfg: {
        ...DEFAULTS,
        highWaterMark: [1 * KiB, 64 * KiB, 16 * MiB][i],
        rate: 4000,
        sinkSpeed: 2 * MiB,
        sinkLatencyMs: 8,
        durationMs: 1500,
      },
    })),
  },
  {
    id: 'cork',
    title: 'cork() + writev: fewer sink calls',
    text: [
      'Every sink call has a fixed cost (a system call, a network frame, a JS→wasm crossing). Without `cork()`, each small write is its own sink call.',
      'With `cork()`, 16 writes, `uncork()`, the 16 chunks reach the sink’s `writev` in one call: the same bytes in about a sixteenth of the calls.',
    ],
    runs: [1, 16].map((corkBatch) => ({
      label: corkBatch === 1 ? 'no cork' : `cork batches of ${corkBatch}`,
      cfg: { ...DEFAULTS, chunkSize: 256, rate: 4000, sinkSpeed: 0, corkBatch, durationMs: 1500 },
    })),
  },
  {
    id: 'object-mode',
    title: 'objectMode counts objects',
    text: [
      'In `objectMode` every chunk counts 1, whatever its size, and the default highWaterMark is 16 objects. Both runs stop at 16 buffered objects.',
      'With 32-byte objects that is half a kilobyte; with 64 KiB objects it is a megabyte. Choose highWaterMark from the size of your objects.',
    ],
    runs: [32, 64 * KiB].map((chunkSize) => ({
      label: `${chunkSize === 32 ? 'small' : 'big'} objects (${chunkSize === 32 ? '32 B' : '64 KiB'} each)`,
      cfg: { ...DEFAULTS, objectMode: true, highWaterMark: 16, chunkSize, rate: 500, sinkSpeed: 100, durationMs: 1500 },
    })),
  },
  {
    id: 'producers',
    title: 'Many producers: the thundering herd',
    text: [
      'Eight producers share one stream and each waits for `drain`. One `drain` wakes all eight at once: the first refills the buffer to highWaterMark and each of the others still writes its chunk on top.',
      'So the buffer peaks near highWaterMark + 7 chunks, not + 1. Wake one producer at a time (a queue of waiters) to keep the bound.',
    ],
    runs: [
      { label: '8 producers', cfg: { ...DEFAULTS, producers: 8, rate: 400, sinkSpeed: 512 * KiB, durationMs: 2000 } },
    ],
  },
  {
    id: 'web-ready',
    title: 'WHATWG face: writer.ready',
    text: [
      'The same slow sink behind `createWritableStream()`. The producer awaits `writer.ready`; `desiredSize` = highWaterMark − queued, from the same Rust core.',
      '`ready` resolves as soon as `desiredSize` is positive again (one chunk done), not when the queue is empty like `drain`: the buffer hovers just under highWaterMark, with a ready event per chunk.',
    ],
    runs: [{ label: 'writer.ready loop', cfg: { ...slow, face: 'web' } }],
  },
  {
    id: 'pipe-to',
    title: 'pipeTo from a ReadableStream',
    text: [
      'A ReadableStream makes 1 KiB chunks in `pull()`; `readable.pipeTo(Writable.toWeb(w))` waits for you: it only reads while `desiredSize > 0`.',
      'No producer code handles backpressure, and still the buffer stays ≤ highWaterMark + one chunk. The chart reads `w.writableLength`, which equals highWaterMark − `desiredSize`.',
    ],
    runs: [{ label: 'pipeTo', cfg: { ...slow, face: 'pipe' } }],
  },
];
