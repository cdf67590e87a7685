// Instructions per write through the WHATWG face, counted by valgrind (callgrind) over node, for
// the columns of benches/web.mjs: the plain `WritableStream` over a counting JS sink object, our
// face over that same object, our face over `CountingSink`, and Node's own `Writable.toWeb`.
// Not part of `make bench`. Timings of these columns swing by ±15% from run to run on a shared
// machine; these counts repeat to within a few instructions a write, so they can judge the few
// per cent of the face's overhead (issue 5: ours ≥ 0.95× plain).
//
//   node scripts/count-instructions-web.mjs [ROWS] [name=path/to/pkg ...] [--by-function [TOP]] [--names]
//   e.g. node scripts/count-instructions-web.mjs plain:16,oursJs:16 base=/tmp/web-base-pkg now=pkg
//
// ROWS: column:chunk, comma-separated; column plain | oursJs | ours (CountingSink) | toWeb (Node's
// `stream.Writable.toWeb(new stream.Writable({ write(c, e, cb) { cb(); } }))`), chunk a size in
// bytes; default every column at 16, 1024 and 65536. Builds default to now=pkg; plain and toWeb
// do not run our code and are counted once (over the first build, which only supplies the
// highWaterMark). The streams and the producer are benches/page/web-measure.mjs's (the producer
// awaits `writer.ready` before each write, then the last write and `close()`). Each count is the
// difference of two runs (5 warm-up streams of WARM writes, the first of 64 KiB chunks longer: see
// the child, then one stream of N writes or none), divided by N. --by-function splits each count by function, as in scripts/count-instructions.mjs
// (which shares this script's valgrind machinery, scripts/callgrind.mjs). N (default 100000) and
// WARM (default 5000) from the environment; EVENT (e.g. EVENT=I1mr) counts one of callgrind's
// cache or branch simulation events instead of instructions. Needs valgrind.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledNote, countPerUnit, eventDigits, eventTitle, parseArgs, printByFunction, root, useNamesPkg } from './callgrind.mjs';

const self = fileURLToPath(import.meta.url);
const columns = ['plain', 'oursJs', 'ours', 'toWeb'];
// Columns that run our face (counted for every build); the others are the references.
const ourColumns = new Set(['oursJs', 'ours']);

if (process.argv[2] === '--child') {
  // The measured process: warm-up, then n writes through one column's stream.
  const [, , , impl, column, sizeArg, nArg] = process.argv;
  const api = await import(pathToFileURL(path.join(impl, 'node.mjs')).href);
  const { Writable: NodeWritable } = await import('node:stream');
  const { webMakers, nodeToWebMaker, produce } = await import(pathToFileURL(path.join(root, 'benches', 'page', 'web-measure.mjs')).href);
  const make = webMakers(api, { toWeb: nodeToWebMaker(NodeWritable) })[column];
  const size = Number(sizeArg);
  const chunk = new Uint8Array(size).fill(1);
  const warm = Number(process.env.WARM ?? 5000);
  for (let r = 0; r < 5; r++) {
    // The first warm-up stream of large chunks goes on past 2^30 bytes (up to 40000 writes):
    // a byte count that large no longer fits V8's small integers, and the code that keeps one
    // (the JS sink's, the face's) is deoptimised and made again once, which must not be counted.
    const n = r === 0 ? Math.max(warm, Math.min(Math.ceil(2 ** 31 / size), 40000)) : warm;
    const { stream, check } = make();
    await produce(stream, n, chunk);
    check(n, size);
  }
  const n = Number(nArg);
  if (n > 0) {
    const { stream, check } = make();
    await produce(stream, n, chunk);
    check(n, size);
  }
  process.exit(0);
}

const { rowsArg, builds, byFunction, top, names } = parseArgs(process.argv.slice(2));
const rows = (rowsArg ?? columns.flatMap((c) => ['16', '1024', '65536'].map((s) => `${c}:${s}`)).join(',')).split(',');
for (const row of rows) {
  const [column, size] = row.split(':');
  if (!columns.includes(column) || !/^\d+$/.test(size ?? '')) {
    console.error(`bad row '${row}'; usage: node scripts/count-instructions-web.mjs [${columns.join('|')}:BYTES,...] [name=pkgdir ...] [--by-function [TOP]] [--names]`);
    process.exit(2);
  }
}
const N = Number(process.env.N ?? 100000);
if (names) useNamesPkg(builds);

console.log(`${eventTitle} per write (callgrind, N=${N}); ours and oursJs for: ${builds.map(([name]) => name).join(', ')}`);
// counts[column][size][build or '']
const counts = {};
for (const row of rows) {
  const [column, size] = row.split(':');
  const impls = ourColumns.has(column) ? builds : [['', builds[0][1]]];
  const cells = [];
  for (const [name, impl] of impls) {
    const tag = `web.${column}.${size}.${name || 'ref'}`;
    const { perUnit, fns, compiled } = await countPerUnit(self, (n) => ['--child', impl, column, size, String(n)], N, { byFunction, tag });
    ((counts[column] ??= {})[size] ??= {})[name] = perUnit;
    cells.push(`${name ? `${name} ${perUnit.toFixed(eventDigits)}` : perUnit.toFixed(eventDigits)}${compiledNote(compiled)}`);
    if (fns) printByFunction(`${row}${name ? ` · ${name}` : ''}`, perUnit, fns, top);
  }
  console.log(`${row.padEnd(14)} ${cells.join('  ')}`);
}

// The table: instructions per write by column, and plain / ours (≥ 0.95 is the goal: ours then
// runs at most about 5% more than the plain stream).
const sizes = [...new Set(rows.map((r) => r.split(':')[1]))];
const cols = [];
for (const column of columns) {
  if (!counts[column]) continue;
  if (ourColumns.has(column)) for (const [name] of builds) cols.push([`${column}${builds.length > 1 ? ` ${name}` : ''}`, (s) => counts[column][s]?.[name]]);
  else cols.push([column, (s) => counts[column][s]?.['']]);
}
const ratios = [];
if (counts.plain) {
  for (const column of ['oursJs', 'ours']) {
    if (!counts[column]) continue;
    for (const [name] of builds) {
      ratios.push([`plain/${column}${builds.length > 1 ? ` ${name}` : ''}`, (s) => counts.plain[s]?.[''] / counts[column][s]?.[name]]);
    }
  }
  if (counts.toWeb) ratios.push(['plain/toWeb', (s) => counts.plain[s]?.[''] / counts.toWeb[s]?.['']]);
}
const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(`\n${line(['chunk', ...cols.map((c) => c[0]), ...ratios.map((r) => r[0])])}`);
console.log(line(['---', ...cols.map(() => '---:'), ...ratios.map(() => '---:')]));
for (const s of sizes) {
  const fmt = (v, places) => (v == null || Number.isNaN(v) ? 'n/a' : v.toFixed(places));
  console.log(line([s, ...cols.map((c) => fmt(c[1](s), eventDigits)), ...ratios.map((r) => fmt(r[1](s), 2))]));
}
