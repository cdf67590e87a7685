// Benchmark of the Rust sinks (issue 7; `make bench`): MB/s of 64 KiB chunks written through
// `new Writable({ sink })` into `CountingSink`, `DigestSink('sha256')` and `GzipSink` (level 6),
// against Node's `crypto.createHash('sha256')` / `zlib.createGzip()` and the web platform's
// `crypto.subtle.digest` (one-shot) / `CompressionStream('gzip')`, which Node 20 has as well. The
// same measurement module (benches/page/sinks-measure.mjs) then runs in headless Chromium over
// /pkg/browser.js, against Web Crypto and CompressionStream. Not a test: it asserts nothing about
// speed, it prints the numbers (and, with --update-readme, writes both tables into README.md).
//
//   node benches/sinks.mjs [--quick] [--no-browser] [--update-readme] [--json FILE]
//
// Goals (issue 7): CountingSink ≥ 5 GB/s; DigestSink ≥ 0.5× native; GzipSink ≥ 0.5× native.
import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as api from '../pkg/node.mjs';
import { measureSinks, writeAll, fmtBytes } from './page/sinks-measure.mjs';
import { pairedRatio, settings } from './page/harness.mjs';
import { runInChromium, updateReadme, parseArgs, root } from './page/host.mjs';

const opts = parseArgs(process.argv.slice(2), path.join(root, 'build', 'bench-sinks.json'));
const { reps, targetMs } = settings(opts.quick);
const t0 = Date.now();

/** Node's own implementations, handed to the shared measurement. */
const native = {
  async sha256(chunks, passes) {
    const hash = createHash('sha256');
    for (let p = 0; p < passes; p++) for (const chunk of chunks) hash.update(chunk);
    return hash.digest('hex');
  },
  async gzip(chunks, passes) {
    const z = createGzip();
    let out = 0;
    z.on('data', (c) => {
      out += c.length;
    });
    const ended = new Promise((resolve, reject) => {
      z.once('end', resolve);
      z.once('error', reject);
    });
    await writeAll(z, chunks, passes);
    await ended;
    return out;
  },
};

const GOAL = { CountingSink: '≥ 5 GB/s', DigestSink: '≥ 0.5× native', GzipSink: 'report; ≥ 0.5× native' };
const goalOf = (sink) => GOAL[sink.split(' ')[0]];
// A row's ratio of column a to column b: the median of the repetitions' own ratios.
const ratio = (r, a, b) => pairedRatio(r.samples, a, b);
const fmtRatio = (r) => (r == null ? '—' : `**${r.toFixed(2)}×**`);
const pct = (x) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);

function table(rows, withNode) {
  const head = withNode
    ? '| sink | data | wasm-writable | Node (`crypto` / `zlib`) | ours / Node | Web Crypto / `CompressionStream` | ours / web | gzip output (ours · Node · web) | goal |\n|---|---|---:|---:|---:|---:|---:|---|---|'
    : '| sink | data | wasm-writable | Web Crypto / `CompressionStream` | ours / web | gzip output (ours · web) | goal |\n|---|---|---:|---:|---:|---|---|';
  const lines = rows.map((r) => {
    const out = r.output ? [r.output.ours, ...(withNode ? [r.output.native] : []), r.output.web].map(pct).join(' · ') : '—';
    const cells = [r.sink, r.data, fmtBytes(r.rates.ours)];
    if (withNode) cells.push(r.rates.native == null ? '—' : fmtBytes(r.rates.native), fmtRatio(ratio(r, 'ours', 'native')));
    cells.push(r.rates.web == null ? '—' : fmtBytes(r.rates.web), fmtRatio(ratio(r, 'ours', 'web')), out, goalOf(r.sink));
    return `| ${cells.join(' | ')} |`;
  });
  return [head, ...lines].join('\n');
}

function summary(rows, withNode) {
  const parts = [];
  for (const r of rows) {
    if (r.sink === 'CountingSink') {
      parts.push(`CountingSink ${fmtBytes(r.rates.ours)} (goal ≥ 5 GB/s: ${r.rates.ours >= 5e9 ? 'met' : 'not met'})`);
    } else {
      const what = withNode ? 'Node' : 'web platform';
      const x = ratio(r, 'ours', withNode ? 'native' : 'web');
      parts.push(`${r.sink.split(' ')[0]} ${r.data} ${x.toFixed(2)}× ${what} (${x >= 0.5 ? 'met' : 'not met'})`);
    }
  }
  return parts.join('; ') + '.';
}

console.log(`Rust sinks, Node ${process.version} (${reps} reps, median)`);
const nodeRows = await measureSinks(api, { quick: opts.quick, native, log: (line) => console.log(`  node: ${line}`) });
const nodeBlock = `**Node ${process.version}**\n\n${table(nodeRows, true)}\n\nGoals against Node's own: ${summary(nodeRows, true)}`;
console.log(`\n${nodeBlock}\n`);

let browserBlock;
let browserRows = null;
let browserVersion = null;
if (opts.browser) {
  console.log('Rust sinks, headless Chromium');
  const out = await runInChromium('runSinkBench', { quick: opts.quick });
  if (out.skipped) {
    browserBlock = `**Chromium**: not run (${out.skipped}).`;
  } else {
    browserRows = out.result;
    browserVersion = out.version;
    browserBlock = `**${out.version}** (headless; the native columns are the browser's own)\n\n${table(browserRows, false)}\n\nGoals against the browser's own: ${summary(browserRows, false)}`;
  }
} else {
  browserBlock = '**Chromium**: not run (--no-browser).';
}
console.log(`\n${browserBlock}\n`);

const note =
  'MB/s of input (1 MB = 10^6 bytes): a 2 MiB pool of deterministic data, written as 64 KiB chunks ' +
  'through `new Writable({ sink })` with backpressure, as many passes as take ~' +
  `${targetMs} ms; median of ${reps} interleaved runs (after two untimed rounds, the order turning each time; a ratio is the median of the runs' own ratios). \`GzipSink\` writes into a \`CountingSink\`; ` +
  '`crypto.subtle.digest` is one-shot over the whole pool (it cannot stream); "gzip output" is the ' +
  'compressed size as a share of the input. Each implementation\'s result is checked once before timing.';

mkdirSync(path.dirname(opts.json), { recursive: true });
writeFileSync(
  opts.json,
  JSON.stringify({ node: process.version, browser: browserVersion, reps, rows: { node: nodeRows, chromium: browserRows } }, null, 2),
);
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);

if (opts.updateReadme) updateReadme('bench-sinks', `${nodeBlock}\n\n${browserBlock}\n\n${note}`);
