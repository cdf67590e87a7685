// Instructions per write, counted by valgrind (callgrind) over node, for benchmark rows: Node's
// own Writable and one or more builds of ours. Not part of `make bench`. Unlike timings, the
// counts repeat to within a few instructions a write from run to run, whatever else the machine
// is doing, so they can judge a change of a few per cent that timings on a shared machine cannot.
//
//   node scripts/count-instructions.mjs ROWS [name=path/to/pkg ...] [--by-function [TOP]]
//   e.g. node scripts/count-instructions.mjs writev:microtask:1024,cork:sync:obj base=/tmp/old/pkg now=pkg
//
// ROWS: mode:completion:chunk as in scripts/count-core-calls.mjs. Builds default to now=pkg;
// `node` (Node's own Writable) always runs first. Each count is the difference of two runs of
// the same producer as benches/run.mjs (5 warm-up streams of WARM writes, then N writes or none),
// divided by N, so start-up, warm-up and most compilation cancel out. node runs with
// --single-threaded and fixed hash and random seeds, which makes the counts repeatable.
// --by-function splits the count by function (self instructions per write, the TOP largest):
// JS from node's --perf-basic-prof map, wasm by name when the build kept its name section
// (pass --names to make such a copy of pkg/ from target/ in build/names-pkg and count that).
// N (default 150000), WARM (default 20000) and HWM (the streams' highWaterMark, their default
// when unset: e.g. HWM=262144 for a buffer of 16,384 16-byte writes) from the environment;
// BEFORE (rows, as ROWS) runs those rows first, 5 streams of WARM writes each, each through a
// producer of its own: the row as the benchmark's table meets it, after the rows before it there
// (e.g. BEFORE=plain:sync:16,writev:sync:16,cork:sync:16 for cork+writev:sync:16).
// The default warm-up can be too short where a function runs once a 'drain' cycle: V8 then
// compiles it inside the counted stream, and the compilation (millions of instructions, on one
// thread) counts as the writes'. A count says so when V8's optimising compiler ran there, for a
// JS function or a wasm function tiering up from Liftoff (node runs with --trace-opt and
// --trace-wasm-compilation-times; --by-function shows the cost as v8::internal::compiler::
// entries); a larger WARM (e.g. 400000) moves it out of the count. EVENT (e.g. EVENT=I1mr, the
// misses of a simulated 32 KiB instruction cache) counts one of callgrind's cache or branch
// simulation events instead of instructions (see scripts/callgrind.mjs); LINES (e.g. LINES=16,
// with --by-function) also counts the 64-byte lines of code that ran at least once every LINES
// writes, by function. Needs valgrind. The valgrind
// machinery is scripts/callgrind.mjs, shared with scripts/count-instructions-web.mjs.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledNote, countPerUnit, eventDigits, eventTitle, parseArgs, printByFunction, printLines, root, useNamesPkg } from './callgrind.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  // The measured process: warm-up, then n writes through the row's producer.
  const [, , , impl, row, nArg] = process.argv;
  const { Writable } = impl === 'node' ? await import('node:stream') : await import(pathToFileURL(path.join(impl, 'node.mjs')).href);
  const producer = await import(pathToFileURL(path.join(root, 'benches', 'producer.mjs')).href);
  const warm = Number(process.env.WARM ?? 20000);
  const hwm = process.env.HWM ? Number(process.env.HWM) : undefined;
  // One stream of `writes` writes of the row `spec` (mode:completion:chunk) through `through`.
  const stream = (through, spec, writes) => {
    const [mode, completion, chunk] = spec.split(':');
    const objectMode = chunk === 'obj';
    const value = objectMode ? { id: 1 } : Buffer.alloc(Number(chunk), 1);
    const w = through.makeWritable(Writable, mode, completion, objectMode, hwm);
    return through.produce(w, writes, value, mode.startsWith('cork') ? 16 : 0);
  };
  // Rows run first, each through a producer of its own, as the benchmark's table runs them
  // before this one.
  for (const before of process.env.BEFORE ? process.env.BEFORE.split(',') : []) {
    const other = await producer.ownProducer(before);
    for (let r = 0; r < 5; r++) await stream(other, before, warm);
  }
  for (let r = 0; r < 5; r++) await stream(producer, row, warm);
  const n = Number(nArg);
  if (n > 0) await stream(producer, row, n);
  process.exit(0);
}

const { rowsArg, builds, byFunction, top, names } = parseArgs(process.argv.slice(2));
if (!rowsArg) {
  console.error('usage: node scripts/count-instructions.mjs ROWS [name=pkgdir ...] [--by-function [TOP]] [--names]');
  process.exit(2);
}
const N = Number(process.env.N ?? 150000);
if (names) useNamesPkg(builds);

const impls = [['node', 'node'], ...builds];
console.log(`${eventTitle} per write (callgrind, N=${N}): ${impls.map(([name]) => name).join(', ')}`);
for (const row of rowsArg.split(',')) {
  const cells = [];
  for (const [name, impl] of impls) {
    const { perUnit, fns, compiled, lines } = await countPerUnit(self, (n) => ['--child', impl, row, String(n)], N, { byFunction, tag: name });
    cells.push(`${name} ${perUnit.toFixed(eventDigits)}${compiledNote(compiled)}`);
    if (fns) printByFunction(`${row} · ${name}`, perUnit, fns, top);
    if (lines) printLines(`${row} · ${name}`, lines, top);
  }
  console.log(`${row.padEnd(28)} ${cells.join('  ')}`);
}
