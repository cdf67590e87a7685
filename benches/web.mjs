// Benchmark of the WHATWG face (issue 5; `make bench`): writes per second through native
// `WritableStream`s — a plain one over a no-op counting JS sink object, `createWritableStream`
// over that same JS sink object (the face's own overhead), `createWritableStream(new
// CountingSink())` (the face plus the copy of every chunk into wasm memory, the Rust sink's
// work), and (Node only) Node's own `stream.Writable.toWeb(new stream.Writable({ write(c, e, cb)
// { cb(); } }))`; chunks of 16 B, 1 KiB and 64 KiB, and the time of one copy of each chunk. The
// same measurement module (benches/page/web-measure.mjs) then runs in headless Chromium over
// /pkg/browser.js. Not a test: it asserts nothing about speed, it prints the numbers (and, with
// --update-readme, writes both tables into README.md).
//
//   node benches/web.mjs [--quick] [--no-browser] [--update-readme] [--json FILE]
//
// Goals (issue 5): ours ≥ 0.95× the plain JS sink, ≥ 1.5× Node's toWeb bridge. The summary
// states them for each of our two columns separately.
import { Writable as NodeWritable } from 'node:stream';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as api from '../pkg/node.mjs';
import { measureWeb, fmtRate, nodeToWebMaker } from './page/web-measure.mjs';
import { median, pairedRatio, settings } from './page/harness.mjs';
import { runInChromium, updateReadme, parseArgs, root } from './page/host.mjs';

const opts = parseArgs(process.argv.slice(2), path.join(root, 'build', 'bench-web.json'));
const { reps } = settings(opts.quick);
const t0 = Date.now();

// A row's ratio of column a to column b: the median of the repetitions' own ratios.
const ratio = (r, a, b) => pairedRatio(r.samples, a, b);
const fmtRatio = (r) => (r == null ? 'n/a' : `**${r.toFixed(2)}×**`);

// Columns: the plain stream; our face over the same JS sink object (the face's own overhead);
// our face over CountingSink (face + the copy of every chunk into wasm memory, the Rust sink's
// work); the copy alone and its share of a CountingSink write; Node's toWeb (Node only).
function table(rows, withToWeb) {
  const cols = [
    ['chunk', (r) => r.chunk, '---'],
    ['plain JS sink', (r) => fmtRate(r.rates.plain), '---:'],
    ['ours, same JS sink', (r) => fmtRate(r.rates.oursJs), '---:'],
    ['ours (JS sink) / plain', (r) => fmtRatio(ratio(r, 'oursJs', 'plain')), '---:'],
    ['ours, `CountingSink`', (r) => fmtRate(r.rates.ours), '---:'],
    ['ours (`CountingSink`) / plain', (r) => fmtRatio(ratio(r, 'ours', 'plain')), '---:'],
    ['copy into wasm (share of a `CountingSink` write)', (r) => fmtCopy(r), '---:'],
  ];
  if (withToWeb) {
    cols.push(
      ['Node `Writable.toWeb`', (r) => fmtRate(r.rates.nodeToWeb), '---:'],
      ['ours (JS sink) / toWeb', (r) => fmtRatio(ratio(r, 'oursJs', 'nodeToWeb')), '---:'],
      ['ours (`CountingSink`) / toWeb', (r) => fmtRatio(ratio(r, 'ours', 'nodeToWeb')), '---:'],
    );
  }
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(cols.map((c) => c[0])), line(cols.map((c) => c[2])), ...rows.map((r) => line(cols.map((c) => c[1](r))))].join('\n');
}

function fmtCopy(r) {
  if (r.copyNs == null || !r.rates.ours) return 'n/a';
  const share = (r.copyNs * r.rates.ours) / 1e9;
  const ns = r.copyNs >= 100 ? r.copyNs.toFixed(0) : r.copyNs.toFixed(1);
  return `${ns} ns (${(share * 100).toFixed(0)}%)`;
}

function goal(label, xs, target) {
  return `${label}: ${xs.map((x) => x.toFixed(2) + '×').join(', ')} (goal ≥ ${target}×; met on ${xs.filter((x) => x >= target).length} of ${xs.length})`;
}

function summary(rows, withToWeb) {
  const parts = [
    goal('ours over the JS sink / plain (the face\'s overhead)', rows.map((r) => ratio(r, 'oursJs', 'plain')), 0.95),
    goal('ours over `CountingSink` / plain (face + the copy into wasm)', rows.map((r) => ratio(r, 'ours', 'plain')), 0.95),
  ];
  if (withToWeb) {
    parts.push(
      goal('ours over the JS sink / Node toWeb', rows.map((r) => ratio(r, 'oursJs', 'nodeToWeb')), 1.5),
      goal('ours over `CountingSink` / Node toWeb', rows.map((r) => ratio(r, 'ours', 'nodeToWeb')), 1.5),
    );
  }
  return parts.join('; ') + '.';
}

// Node.
console.log(`WHATWG face, Node ${process.version} (${reps} reps, median)`);
const nodeRows = await measureWeb(api, {
  quick: opts.quick,
  log: (line) => console.log(`  node: ${line}`),
  extra: { nodeToWeb: nodeToWebMaker(NodeWritable) },
});
const nodeTitle = `**Node ${process.version}**`;
const nodeBlock = `${nodeTitle}\n\n${table(nodeRows, true)}\n\n${summary(nodeRows, true)}`;
console.log(`\n${nodeBlock}\n`);

// Chromium: the same measurement over the browser build.
let browserBlock;
let browserRows = null;
let browserVersion = null;
if (opts.browser) {
  console.log('WHATWG face, headless Chromium');
  const out = await runInChromium('runWebBench', { quick: opts.quick });
  if (out.skipped) {
    browserBlock = `**Chromium**: not run (${out.skipped}).`;
  } else {
    browserRows = out.result;
    browserVersion = out.version;
    browserBlock = `**${out.version}** (headless; Node's toWeb does not exist there)\n\n${table(browserRows, false)}\n\n${summary(browserRows, false)}`;
  }
} else {
  browserBlock = '**Chromium**: not run (--no-browser).';
}
console.log(`\n${browserBlock}\n`);

const note =
  `Writes per second, producer awaiting \`writer.ready\` before each write; the plain JS sink is a ` +
  `\`WritableStream\` with \`ByteLengthQueuingStrategy\` of the same highWaterMark (16 KiB) over the ` +
  `sink object \`{ write(chunk) { bytes += chunk.byteLength; } }\`, and "ours, same JS sink" is ` +
  `\`createWritableStream\` over that same object: their ratio is the face's own overhead. ` +
  `\`CountingSink\` copies every chunk into wasm memory (its defined work); the copy column is one ` +
  `\`Uint8Array.prototype.set\` of the chunk and its share of one \`CountingSink\` write. ` +
  `Rates are the median of ${reps} interleaved runs of ~${settings(opts.quick).targetMs} ms each (after two untimed rounds, the order turning each time); a ratio is the median of the runs' own ratios, so it can differ from the ratio of the two rates shown.`;

mkdirSync(path.dirname(opts.json), { recursive: true });
writeFileSync(
  opts.json,
  JSON.stringify({ node: process.version, browser: browserVersion, reps, rows: { node: nodeRows, chromium: browserRows } }, null, 2),
);
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s; median ratio in Node: ours (JS sink)/plain ${median(nodeRows.map((r) => ratio(r, 'oursJs', 'plain'))).toFixed(2)}×, ours (CountingSink)/plain ${median(nodeRows.map((r) => ratio(r, 'ours', 'plain'))).toFixed(2)}×)`);

if (opts.updateReadme) updateReadme('bench-web', `${nodeBlock}\n\n${browserBlock}\n\n${note}`);
