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
// N (default 150000) and WARM (default 20000) from the environment. Needs valgrind.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');

if (process.argv[2] === '--child') {
  // The measured process: warm-up, then n writes through the row's producer.
  const [, , , impl, row, nArg] = process.argv;
  const { Writable } = impl === 'node' ? await import('node:stream') : await import(pathToFileURL(path.join(impl, 'node.mjs')).href);
  const { makeWritable, produce } = await import(pathToFileURL(path.join(root, 'benches', 'producer.mjs')).href);
  const [mode, completion, chunk] = row.split(':');
  const objectMode = chunk === 'obj';
  const value = objectMode ? { id: 1 } : Buffer.alloc(Number(chunk), 1);
  const cork = mode.startsWith('cork') ? 16 : 0;
  const warm = Number(process.env.WARM ?? 20000);
  for (let r = 0; r < 5; r++) await produce(makeWritable(Writable, mode, completion, objectMode), warm, value, cork);
  const n = Number(nArg);
  if (n > 0) await produce(makeWritable(Writable, mode, completion, objectMode), n, value, cork);
  process.exit(0);
}

const args = process.argv.slice(2);
const byFn = args.indexOf('--by-function');
const top = byFn >= 0 && /^\d+$/.test(args[byFn + 1] ?? '') ? Number(args[byFn + 1]) : 30;
const names = args.includes('--names');
const [rowsArg, ...rest] = args.filter((a, i) => !a.startsWith('--') && !(byFn >= 0 && i === byFn + 1 && /^\d+$/.test(a)));
if (!rowsArg) {
  console.error('usage: node scripts/count-instructions.mjs ROWS [name=pkgdir ...] [--by-function [TOP]] [--names]');
  process.exit(2);
}
const N = Number(process.env.N ?? 150000);
const builds = (rest.length > 0 ? rest : ['now=pkg']).map((spec) => {
  const [name, dir] = spec.split('=');
  return [name, path.resolve(dir)];
});

if (names) {
  // A copy of pkg/ whose wasm keeps its function names (wasm-opt -g), from the last cargo build.
  const dst = path.join(root, 'build', 'names-pkg');
  const tmp = path.join(root, 'build', 'names-wasm');
  rmSync(dst, { recursive: true, force: true });
  cpSync(path.join(root, 'pkg'), dst, { recursive: true });
  execFileSync('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', tmp, '--out-name', 'wasm_writable',
    path.join(root, 'target/wasm32-unknown-unknown/release/wasm_writable.wasm')], { stdio: 'inherit' });
  execFileSync(path.join(root, 'node_modules/.bin/wasm-opt'), ['-O3', '-g', '--enable-bulk-memory', '--enable-reference-types',
    '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-multivalue', '--enable-mutable-globals',
    path.join(tmp, 'wasm_writable_bg.wasm'), '-o', path.join(dst, 'wasm', 'wasm_writable_bg.wasm')], { stdio: 'inherit' });
  for (const b of builds) if (path.resolve(b[1]) === path.join(root, 'pkg')) b[1] = dst;
}

/** Run the child under callgrind; resolve with its total and (by function) self counts. */
function callgrind(impl, row, n, tag) {
  const out = path.join(root, 'build', `callgrind.${tag}.out`);
  const vg = ['--tool=callgrind', `--callgrind-out-file=${byFn >= 0 ? out : '/dev/null'}`];
  if (byFn >= 0) vg.push('--dump-instr=yes', '--compress-strings=no', '--compress-pos=no');
  const nodeArgs = ['--single-threaded', '--hash-seed=1', '--random-seed=1'];
  if (byFn >= 0) nodeArgs.push('--perf-basic-prof', '--logfile=/dev/null', '--no-logfile-per-isolate');
  return new Promise((resolve, reject) => {
    const p = spawn('valgrind', [...vg, process.execPath, ...nodeArgs, self, '--child', impl, row, String(n)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', () => {
      const total = Number(/Collected : (\d+)/.exec(err)?.[1]);
      if (!total) return reject(new Error(`callgrind failed for ${impl} ${row}:\n${err.slice(-2000)}`));
      let fns = null;
      if (byFn >= 0) {
        fns = selfCounts(out, `/tmp/perf-${p.pid}.map`);
        rmSync(out, { force: true });
        rmSync(`/tmp/perf-${p.pid}.map`, { force: true });
      }
      resolve({ total, fns });
    });
  });
}

/** Self instructions by function name from a callgrind file (--dump-instr) and a perf map. */
function selfCounts(file, perfMap) {
  const ranges = [];
  if (existsSync(perfMap)) {
    for (const line of readFileSync(perfMap, 'utf8').split('\n')) {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
      if (m) ranges.push([parseInt(m[1], 16), parseInt(m[2], 16), m[3].replace(/file:\/\/\S*\//, '').replace(/::h[0-9a-f]{16}/, '')]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const lookup = (addr) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid][0] <= addr) lo = mid + 1;
      else hi = mid - 1;
    }
    const r = ranges[hi];
    return r && addr < r[0] + r[1] ? r[2] : '(unknown code)';
  };
  const counts = new Map();
  const names = new Map();
  let fn = '?';
  let addr = 0;
  let skip = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=(?:\((\d+)\))?\s*(.*)$/.exec(line);
      if (m[2]) names.set(m[1], m[2]);
      fn = m[2] || names.get(m[1]) || '?';
      continue;
    }
    if (line.startsWith('calls=')) { skip = true; continue; }
    const c = line[0];
    if (!(c >= '0' && c <= '9') && c !== '+' && c !== '-' && c !== '*') continue;
    const parts = line.split(' ');
    if (parts.length < 3) continue;
    const p = parts[0];
    if (p.startsWith('0x')) addr = parseInt(p, 16);
    else if (c === '+') addr += Number(p.slice(1));
    else if (c === '-') addr -= Number(p.slice(1));
    else if (c !== '*') addr = Number(p);
    if (skip) { skip = false; continue; }
    const name = fn.startsWith('0x') ? lookup(addr) : fn.replace(/\(.*$/, '').replace(/'.*$/, '');
    counts.set(name, (counts.get(name) ?? 0) + Number(parts[2]));
  }
  return counts;
}

/** Instructions per write of one build on one row (and, by function, their split). */
async function count(impl, row, tag) {
  const [base, run] = await Promise.all([callgrind(impl, row, 0, `${tag}.0`), callgrind(impl, row, N, `${tag}.n`)]);
  let fns = null;
  if (byFn >= 0) {
    fns = new Map();
    for (const [k, v] of run.fns) fns.set(k, (v - (base.fns.get(k) ?? 0)) / N);
    for (const [k, v] of base.fns) if (!run.fns.has(k)) fns.set(k, -v / N);
  }
  return { perWrite: (run.total - base.total) / N, fns };
}

const isWasm = (name) => /-(turbofan|liftoff)$/.test(name) || name.startsWith('JS:wasm-function');
const impls = [['node', 'node'], ...builds];
console.log(`instructions per write (callgrind, N=${N}): ${impls.map(([name]) => name).join(', ')}`);
for (const row of rowsArg.split(',')) {
  const cells = [];
  for (const [name, impl] of impls) {
    const { perWrite, fns } = await count(impl, row, name);
    cells.push(`${name} ${perWrite.toFixed(0)}`);
    if (fns) {
      let wasm = 0;
      let js = 0;
      for (const [k, v] of fns) {
        if (isWasm(k)) wasm += v;
        else if (k.startsWith('JS:')) js += v;
      }
      console.log(`\n${row} · ${name}: ${perWrite.toFixed(1)} a write (JS ${js.toFixed(1)}, wasm ${wasm.toFixed(1)}, the rest ${(perWrite - js - wasm).toFixed(1)})`);
      for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(1).padStart(9)}  ${k.slice(0, 120)}`);
    }
  }
  console.log(`${row.padEnd(28)} ${cells.join('  ')}`);
}
