// Benchmark of the WHATWG face (issue 5; `make bench`): writes per second through a native
// `WritableStream` from `createWritableStream(new CountingSink())`, against the same stream over
// a plain JS underlying sink that counts bytes, and (Node only) against Node's own
// `stream.Writable.toWeb(new stream.Writable({ write(c, e, cb) { cb(); } }))`; chunks of 16 B,
// 1 KiB and 64 KiB. The same measurement module (benches/page/web-measure.mjs) then runs in
// headless Chromium over /pkg/browser.js. Not a test: it asserts nothing about speed, it prints
// the numbers (and, with --update-readme, writes both tables into README.md).
//
//   node benches/web.mjs [--quick] [--no-browser] [--update-readme] [--json FILE]
//
// Goals (issue 5): ours ≥ 0.95× the plain JS sink, ≥ 1.5× Node's toWeb bridge.
import { Writable as NodeWritable } from 'node:stream';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as api from '../pkg/node.mjs';
import { measureWeb, fmtRate } from './page/web-measure.mjs';
import { median, settings } from './page/harness.mjs';
import { runInChromium, updateReadme, parseArgs, root } from './page/host.mjs';

const opts = parseArgs(process.argv.slice(2), path.join(root, 'build', 'bench-web.json'));
const { reps } = settings(opts.quick);
const t0 = Date.now();

const ratio = (a, b) => (a != null && b != null ? a / b : null);
const fmtRatio = (r) => (r == null ? 'n/a' : `**${r.toFixed(2)}×**`);

function table(rows, withToWeb) {
  const head = withToWeb
    ? '| chunk | plain JS sink | wasm-writable (`CountingSink`) | ours / plain JS | Node `Writable.toWeb` | ours / toWeb |\n|---|---:|---:|---:|---:|---:|'
    : '| chunk | plain JS sink | wasm-writable (`CountingSink`) | ours / plain JS |\n|---|---:|---:|---:|';
  const lines = rows.map((r) => {
    const base = `| ${r.chunk} | ${fmtRate(r.rates.plain)} | ${fmtRate(r.rates.ours)} | ${fmtRatio(ratio(r.rates.ours, r.rates.plain))} |`;
    return withToWeb ? `${base} ${fmtRate(r.rates.nodeToWeb)} | ${fmtRatio(ratio(r.rates.ours, r.rates.nodeToWeb))} |` : base;
  });
  return [head, ...lines].join('\n');
}

function summary(rows, withToWeb) {
  const vsPlain = rows.map((r) => ratio(r.rates.ours, r.rates.plain));
  let s = `ours / plain JS: ${vsPlain.map((x) => x.toFixed(2) + '×').join(', ')} (goal ≥ 0.95×; met on ${vsPlain.filter((x) => x >= 0.95).length} of ${rows.length})`;
  if (withToWeb) {
    const vsToWeb = rows.map((r) => ratio(r.rates.ours, r.rates.nodeToWeb));
    s += `; ours / Node toWeb: ${vsToWeb.map((x) => x.toFixed(2) + '×').join(', ')} (goal ≥ 1.5×; met on ${vsToWeb.filter((x) => x >= 1.5).length} of ${rows.length})`;
  }
  return s + '.';
}

// Node.
console.log(`WHATWG face, Node ${process.version} (${reps} reps, median)`);
const nodeRows = await measureWeb(api, {
  quick: opts.quick,
  log: (line) => console.log(`  node: ${line}`),
  extra: {
    nodeToWeb() {
      let bytes = 0;
      const w = new NodeWritable({
        write(chunk, encoding, cb) {
          bytes += chunk.length;
          cb();
        },
      });
      return {
        stream: NodeWritable.toWeb(w),
        check(n, size) {
          if (bytes !== n * size) throw new Error(`nodeToWeb: the sink saw ${bytes} bytes, ${n * size} were written`);
        },
      };
    },
  },
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
  `\`WritableStream\` with \`ByteLengthQueuingStrategy\` of the same highWaterMark (16 KiB). ` +
  `Median of ${reps} interleaved runs of ~${settings(opts.quick).targetMs} ms each.`;

mkdirSync(path.dirname(opts.json), { recursive: true });
writeFileSync(
  opts.json,
  JSON.stringify({ node: process.version, browser: browserVersion, reps, rows: { node: nodeRows, chromium: browserRows } }, null, 2),
);
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s; median ratio ours/plain in Node ${median(nodeRows.map((r) => r.rates.ours / r.rates.plain)).toFixed(2)}×)`);

if (opts.updateReadme) updateReadme('bench-web', `${nodeBlock}\n\n${browserBlock}\n\n${note}`);
