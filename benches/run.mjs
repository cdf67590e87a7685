// Benchmarks (`make bench`): throughput of the Node-style face against Node's own stream.Writable,
// readable-stream and streamx, measured in the same process and run. Not a test: it asserts
// nothing, it prints numbers (and, with --update-readme, writes the table into README.md).
//
//   node benches/run.mjs [--quick] [--filter TEXT] [--update-readme] [--json FILE]
//
// Each row: one way of writing (plain / writev / cork / cork+writev), one chunk kind (16 B,
// 1 KiB, 64 KiB, objects), one sink completion (sync, microtask, setImmediate). The producer
// respects backpressure (awaits 'drain' when write() returns false). Each cell is the median of
// several repetitions of a run sized to take ~40 ms; the ratio is the median of the
// repetitions' own ratios ours / Node's (see measureRow).
import { Writable as NodeWritable } from 'node:stream';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { Writable as OurWritable } from '../pkg/node.mjs';
import { completions, ownProducer } from './producer.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filterIdx = args.indexOf('--filter');
const filter = filterIdx >= 0 ? args[filterIdx + 1] : null;
const jsonIdx = args.indexOf('--json');
const jsonOut = jsonIdx >= 0 ? args[jsonIdx + 1] : 'build/bench.json';
const REPS = quick ? 3 : 9;
// Rows whose sink completes on setImmediate spend nearly all of a write in the event loop, the
// same for every implementation, and one 40 ms run of them reads up to ±30% off the next (the
// event loop's own wait for I/O on a shared machine): their ratio takes more repetitions.
const REPS_EVENT_LOOP = quick ? 3 : 21;
const repsOf = (completion) => (completion === 'setImmediate' ? REPS_EVENT_LOOP : REPS);
// Untimed rounds after calibration: a row's first full-size runs may still be tiering up (a
// row that brings in cork() ran its first two rounds at a fifth of the speed of the rest).
const WARM_REPS = quick ? 1 : 2;
const TARGET_MS = quick ? 15 : 40;

let RsWritable = null;
let StreamxWritable = null;
try { RsWritable = require('readable-stream').Writable; } catch { /* optional peer */ }
try { StreamxWritable = require('streamx').Writable; } catch { /* optional peer */ }

const chunks = {
  '16 B': { make: () => Buffer.alloc(16, 1), objectMode: false },
  '1 KiB': { make: () => Buffer.alloc(1024, 1), objectMode: false },
  '64 KiB': { make: () => Buffer.alloc(65536, 1), objectMode: false },
  objects: { make: () => ({ id: 1, name: 'row' }), objectMode: true },
};

const modes = {
  plain: { writev: false, cork: 0 },
  writev: { writev: true, cork: 0 },
  cork: { writev: false, cork: 16 },
  'cork+writev': { writev: true, cork: 16 },
};

/** Build a stream of implementation `impl` for one row, with that row's producer `producer`. */
function makeStream(producer, impl, mode, chunk, completion) {
  const done = completions[completion];
  const objectMode = chunks[chunk].objectMode;
  if (impl === 'streamx') {
    const opts = { write(data, cb) { done(cb); } };
    if (modes[mode].writev) opts.writev = (batch, cb) => done(cb);
    opts.highWaterMark = objectMode ? 16 : 16384;
    if (!objectMode) opts.byteLength = (b) => b.length;
    return new StreamxWritable(opts);
  }
  const W = impl === 'node' ? NodeWritable : impl === 'ours' ? OurWritable : RsWritable;
  return producer.makeWritable(W, mode, completion, objectMode);
}

async function timeRun(impl, mode, chunk, completion, n) {
  const producer = await producerFor(impl, mode, chunk, completion);
  const w = makeStream(producer, impl, mode, chunk, completion);
  const value = chunks[chunk].make();
  const t0 = performance.now();
  await producer.produce(w, n, value, modes[mode].cork);
  return performance.now() - t0;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Size a run of `impl` on one row to take about TARGET_MS (this also warms the JIT up). */
async function calibrate(impl, mode, chunk, completion) {
  let n = 1000;
  for (;;) {
    const ms = await timeRun(impl, mode, chunk, completion, n);
    if (ms >= TARGET_MS / 4 || n >= 1 << 24) {
      return Math.max(1000, Math.round((n * TARGET_MS) / Math.max(ms, 0.001)));
    }
    n *= 4;
  }
}

/**
 * Writes per second of every implementation on one row: each is calibrated (and warmed up)
 * first, then, after WARM_REPS untimed rounds, the repetitions are interleaved so drift in the
 * machine's speed hits all alike, the order turning by one each repetition (node, ours, peers;
 * ours, peers, node; …) so that none always runs right after the same other one (and collects
 * its garbage). Each rate is the median of REPS (REPS_EVENT_LOOP for a setImmediate sink);
 * each ratio to Node is the median of the
 * repetitions' own ratios (each pair measured moments apart), which a slow spell on a shared
 * machine moves less than a ratio of medians.
 */
async function measureRow(impls, mode, chunk, completion) {
  const live = impls.filter((impl) => !(impl === 'streamx' && modes[mode].cork)); // no cork() in streamx
  const sizes = {};
  for (const impl of live) sizes[impl] = await calibrate(impl, mode, chunk, completion);
  const samples = Object.fromEntries(live.map((impl) => [impl, []]));
  const reps = repsOf(completion);
  for (let r = -WARM_REPS; r < reps; r++) {
    for (let k = 0; k < live.length; k++) {
      const impl = live[(r + WARM_REPS + k) % live.length];
      const ms = await timeRun(impl, mode, chunk, completion, sizes[impl]);
      if (r >= 0) samples[impl][r] = (sizes[impl] / ms) * 1000;
    }
  }
  const rates = {};
  const ratios = {};
  for (const impl of impls) {
    rates[impl] = samples[impl] ? median(samples[impl]) : null;
    ratios[impl] = samples[impl] ? median(samples[impl].map((rate, r) => rate / samples.node[r])) : null;
  }
  return { rates, ratios, samples };
}

const impls = ['node', 'ours', ...(RsWritable ? ['readable-stream'] : []), ...(StreamxWritable ? ['streamx'] : [])];

// Each implementation's own producer for each row (see benches/producer.mjs): its loop learns
// one class and one way of writing, as a program's write loop does, whatever rows ran before.
const producers = new Map();
async function producerFor(impl, mode, chunk, completion) {
  const key = `${impl} · ${mode} · ${chunk} · ${completion}`;
  let producer = producers.get(key);
  if (producer === undefined) {
    producer = await ownProducer(key);
    producers.set(key, producer);
  }
  return producer;
}

function fmtRate(r) {
  if (r == null) return 'n/a';
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M/s`;
  return `${(r / 1e3).toFixed(0)} k/s`;
}

const rows = [];
for (const completion of Object.keys(completions)) {
  for (const chunk of Object.keys(chunks)) {
    for (const mode of Object.keys(modes)) {
      const label = `${mode} · ${chunk} · ${completion}`;
      if (filter && !label.includes(filter)) continue;
      const { rates, ratios, samples } = await measureRow(impls, mode, chunk, completion);
      const row = { mode, chunk, completion, rates, ratios, ratio: ratios.ours, samples };
      rows.push(row);
      const peers = impls
        .filter((i) => i !== 'node' && i !== 'ours')
        .map((i) => `${i} ${ratios[i] == null ? 'n/a' : ratios[i].toFixed(2) + '×'}`)
        .join(', ');
      console.log(
        `${label.padEnd(36)} node ${fmtRate(rates.node).padStart(10)}  ours ${fmtRate(rates.ours).padStart(10)}  ` +
          `ratio ${row.ratio.toFixed(2)}×  (${peers})`,
      );
    }
  }
}

const header =
  '| mode | chunk | sink completes | Node `Writable` | wasm-writable | ratio | readable-stream | streamx |\n' +
  '|---|---|---|---:|---:|---:|---:|---:|';
const table = [
  header,
  ...rows.map((r) => {
    const peer = (k) => (r.ratios[k] == null ? 'n/a' : `${r.ratios[k].toFixed(2)}×`);
    return `| ${r.mode} | ${r.chunk} | ${r.completion} | ${fmtRate(r.rates.node)} | ${fmtRate(r.rates.ours)} | **${r.ratio.toFixed(2)}×** | ${peer('readable-stream')} | ${peer('streamx')} |`;
  }),
].join('\n');

const below = rows.filter((r) => r.ratio < 1).length;
const summary = `${rows.length} rows; ours ≥ 1.0× Node on ${rows.length - below}, below on ${below}; ` +
  `median ratio ${median(rows.map((r) => r.ratio)).toFixed(2)}× (Node ${process.version}, ${REPS} reps, ${REPS_EVENT_LOOP} with a \`setImmediate\` sink; rates their median, ratio the median of the reps' ratios).`;
console.log('\n' + table + '\n\n' + summary);

mkdirSync('build', { recursive: true });
writeFileSync(jsonOut, JSON.stringify({ node: process.version, reps: REPS, repsEventLoop: REPS_EVENT_LOOP, rows }, null, 2));

if (args.includes('--update-readme')) {
  const readme = readFileSync('README.md', 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) {
    console.error('README.md has no bench markers; table not written');
  } else {
    const block = `${start}\n${table}\n\n${summary}\n${end}`;
    writeFileSync('README.md', readme.slice(0, a) + block + readme.slice(b + end.length));
    console.log('README.md benchmark table updated');
  }
}
