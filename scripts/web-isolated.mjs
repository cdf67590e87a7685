// The WHATWG-face benchmark's columns, each in V8 isolates of its own (worker threads). Not part
// of `make bench`; a check on benches/web.mjs, where all columns share one isolate, so Node's
// WritableStream code is optimised on the feedback of every sink at once (an application that
// uses one kind of stream does not pay for the others). Each column runs in ISOLATES workers
// (default 3: two isolates running the same code differ by up to ~5% on this machine, from where
// their heaps and code land); every repetition times one stream of N writes in every worker, in
// an order that turns each time, and a column's ratio to plain is the median over repetitions of
// (mean plain time / mean column time) in that repetition.
//
//   node scripts/web-isolated.mjs [SIZES] [--reps R]     e.g. node scripts/web-isolated.mjs 16,1024
//
// SIZES: chunk sizes in bytes (default 16,1024,65536). N (default 20000 writes a stream) and
// ISOLATES from the environment. Columns: plain, oursJs, ours (CountingSink), as in
// benches/page/web-measure.mjs, whose streams and producer these are.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from '../benches/page/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const columns = ['plain', 'oursJs', 'ours'];

if (!isMainThread) {
  // One column in this isolate: warm up, then time one stream of n writes per message.
  const { column, size } = workerData;
  const api = await import(pathToFileURL(path.join(root, 'pkg', 'node.mjs')).href);
  const { webMakers, produce } = await import(pathToFileURL(path.join(root, 'benches', 'page', 'web-measure.mjs')).href);
  const make = webMakers(api)[column];
  const chunk = new Uint8Array(size).fill(1);
  parentPort.on('message', async (n) => {
    const { stream, check } = make();
    const t0 = performance.now();
    await produce(stream, n, chunk);
    const ms = performance.now() - t0;
    check(n, size);
    parentPort.postMessage(ms);
  });
} else {
  const args = process.argv.slice(2);
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 21;
  const sizesArg = args.find((a, i) => !a.startsWith('--') && (repsAt < 0 || i !== repsAt + 1));
  const sizes = (sizesArg ?? '16,1024,65536').split(',').map(Number);
  const isolates = Number(process.env.ISOLATES ?? 3);
  const n = Number(process.env.N ?? 20000);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

  console.log(`WHATWG face, each column in ${isolates} isolates of its own (Node ${process.version}, ${reps} reps of ${n} writes)`);
  console.log('| chunk | ours (JS sink) / plain | ours (`CountingSink`) / plain | plain isolates, slowest / fastest |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const size of sizes) {
    const workers = [];
    for (const column of columns) {
      for (let k = 0; k < isolates; k++) {
        const w = { column, worker: new Worker(fileURLToPath(import.meta.url), { workerData: { column, size } }), settle: null };
        w.worker.on('message', (ms) => w.settle.resolve(ms));
        w.worker.on('error', (err) => w.settle.reject(err));
        workers.push(w);
      }
    }
    const time = (w) =>
      new Promise((resolve, reject) => {
        w.settle = { resolve, reject };
        w.worker.postMessage(n);
      });
    for (let warm = 0; warm < 3; warm++) for (const w of workers) await time(w);
    const ratios = { oursJs: [], ours: [] };
    const plainTimes = workers.filter((w) => w.column === 'plain').map(() => []);
    for (let r = 0; r < reps; r++) {
      const ms = new Map();
      for (let k = 0; k < workers.length; k++) {
        const w = workers[(r + k) % workers.length];
        ms.set(w, await time(w));
      }
      const meanOf = (column) => mean(workers.filter((w) => w.column === column).map((w) => ms.get(w)));
      const plain = meanOf('plain');
      for (const column of Object.keys(ratios)) ratios[column].push(plain / meanOf(column));
      workers.filter((w) => w.column === 'plain').forEach((w, i) => plainTimes[i].push(ms.get(w)));
    }
    const plainMedians = plainTimes.map(median);
    const spread = Math.max(...plainMedians) / Math.min(...plainMedians);
    const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
    console.log(`| ${label} | **${median(ratios.oursJs).toFixed(2)}×** | **${median(ratios.ours).toFixed(2)}×** | ${spread.toFixed(2)} |`);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
