// The machinery of the instruction-counting scripts (scripts/count-instructions.mjs for the
// Node-style face, scripts/count-instructions-web.mjs for the WHATWG face): run a child node
// process under valgrind (callgrind), count what it ran, and, by function, split the count by JS
// function (node's --perf-basic-prof map) and wasm function (by name when the build kept its
// name section). node runs with --single-threaded and fixed hash and random seeds, which makes
// the counts repeatable to a few instructions a unit whatever else the machine is doing.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The common command line: `ROWS name=pkgdir ...` (the rows: the argument without `=`) plus `--by-function [TOP]` and `--names`.
 * Returns the rows argument, the builds ([name, absolute dir], default now=pkg), whether to count
 * by function and how many functions to print.
 */
export function parseArgs(argv) {
  const byFn = argv.indexOf('--by-function');
  const top = byFn >= 0 && /^\d+$/.test(argv[byFn + 1] ?? '') ? Number(argv[byFn + 1]) : 30;
  const names = argv.includes('--names');
  const positional = argv.filter((a, i) => !a.startsWith('--') && !(byFn >= 0 && i === byFn + 1 && /^\d+$/.test(a)));
  const rowsArg = positional.find((a) => !a.includes('='));
  const rest = positional.filter((a) => a.includes('='));
  const builds = (rest.length > 0 ? rest : ['now=pkg']).map((spec) => {
    const [name, dir] = spec.split('=');
    return [name, path.resolve(dir)];
  });
  return { rowsArg, builds, byFunction: byFn >= 0, top, names };
}

/**
 * A copy of pkg/ whose wasm keeps its function names (wasm-opt -g), from the last cargo build,
 * in build/names-pkg; builds that pointed at pkg/ now point at it.
 */
export function useNamesPkg(builds) {
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

// Extra node/V8 flags for the counted processes, from the environment: e.g.
// NODE_FLAGS=--no-turbo-inlining with --by-function, to see the functions V8 would inline into
// their callers on their own (the total then is not the real one).
const nodeFlags = (process.env.NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

// What is counted: instructions (Ir), or, with EVENT from the environment, one of the events of
// callgrind's cache and branch simulation (a model of this machine's caches: valgrind reads their
// sizes from the CPU), e.g. EVENT=I1mr for first-level instruction cache misses, where code that
// runs fewer instructions than another can still take longer: a path whose code, with the event
// loop's or the web stream's between two of its runs, no longer fits the 32 KiB instruction
// cache fetches it again every time. The simulation makes valgrind about twice as slow.
const EVENTS = ['Ir', 'Dr', 'Dw', 'I1mr', 'D1mr', 'D1mw', 'ILmr', 'DLmr', 'DLmw', 'Bc', 'Bcm', 'Bi', 'Bim'];
const event = process.env.EVENT ?? 'Ir';
const eventIndex = EVENTS.indexOf(event);
if (eventIndex < 0) throw new Error(`EVENT must be one of ${EVENTS.join(', ')}`);
const simulate = event === 'Ir' ? [] : ['--cache-sim=yes', '--branch-sim=yes'];

// With LINES=K (and --by-function), also the code a write runs, in 64-byte lines: those that
// ran at least once every K writes of the counted ones (e.g. LINES=16 for a cycle of 16 writes:
// the code a cycle fetches, where the event loop between two cycles leaves none of it cached).
export const linesEvery = Number(process.env.LINES ?? 0);

/**
 * The functions V8 compiled with its optimising compiler, by name, from a child's output: JS
 * functions (--trace-opt) and wasm functions tiering up (--trace-wasm-compilation-times).
 */
function optimizedNames(output) {
  const names = [];
  for (const m of output.matchAll(/\[completed (?:compiling|optimizing) \S+ <JSFunction ([^ >(]*)/g)) names.push(m[1] || '(anonymous)');
  for (const m of output.matchAll(/Compiled function \S+ using TurboFan,.* name (\S+)/g)) names.push(`wasm ${m[1]}`);
  return names;
}

/** What a count counts, for a heading ('instructions', or the event), and its decimal places. */
export const eventTitle = event === 'Ir' ? 'instructions' : `${event} (callgrind's cache and branch simulation)`;
export const eventDigits = event === 'Ir' ? 0 : 1;

/**
 * Run `node script ...args` under callgrind; resolve with its total count, the names of the
 * functions V8 compiled with its optimising compiler (`optimized`, see optimizedNames), node's
 * `stdout`, with `byFunction` its self counts by function name (a Map, `fns`), and with
 * `byAddress` by instruction address (a Map, `addresses`). `extraNodeArgs` go to node after
 * the usual ones; `tag` names the temporary files.
 */
export function callgrind(script, args, { byFunction = false, byAddress = false, extraNodeArgs = [], tag = 'run' } = {}) {
  const out = path.join(root, 'build', `callgrind.${tag}.out`);
  const keep = byFunction || byAddress;
  const vg = ['--tool=callgrind', `--callgrind-out-file=${keep ? out : '/dev/null'}`, ...simulate];
  if (keep) vg.push('--dump-instr=yes', '--compress-strings=no', '--compress-pos=no');
  const nodeArgs = ['--single-threaded', '--hash-seed=1', '--random-seed=1', '--trace-opt', '--trace-wasm-compilation-times', ...nodeFlags, ...extraNodeArgs];
  if (byFunction) nodeArgs.push('--perf-basic-prof', '--logfile=/dev/null', '--no-logfile-per-isolate');
  return new Promise((resolve, reject) => {
    const p = spawn('valgrind', [...vg, process.execPath, ...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let stdout = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('error', reject);
    p.on('close', () => {
      const total = Number(/Collected :((?: \d+)+)/.exec(err)?.[1].trim().split(' ')[eventIndex]);
      if (!(total >= 0)) return reject(new Error(`callgrind failed for ${args.join(' ')}:\n${err.slice(-2000)}`));
      let fns = null;
      let lines = null;
      let addresses = null;
      if (byFunction) {
        ({ counts: fns, lines } = selfCounts(out, `/tmp/perf-${p.pid}.map`, linesEvery > 0));
        rmSync(`/tmp/perf-${p.pid}.map`, { force: true });
      }
      if (byAddress) {
        addresses = new Map();
        forEachCost(out, (_fn, addr, parts) => addresses.set(addr, (addresses.get(addr) ?? 0) + Number(parts[2 + eventIndex] ?? 0)));
      }
      if (keep) rmSync(out, { force: true });
      resolve({ total, fns, lines, addresses, stdout, optimized: optimizedNames(stdout + err) });
    });
  });
}

/**
 * Instructions per unit: the difference between a run of `n` units and a run of none (the same
 * warm-up in both), divided by n, so start-up, warm-up and most compilation cancel out.
 * `args(n)`: the child's arguments for n units. With `byFunction`, also the per-unit split.
 */
export async function countPerUnit(script, args, n, { byFunction = false, tag = 'run' } = {}) {
  const [base, run] = await Promise.all([
    callgrind(script, args(0), { byFunction, tag: `${tag}.0` }),
    callgrind(script, args(n), { byFunction, tag: `${tag}.n` }),
  ]);
  let fns = null;
  let lines = null;
  if (byFunction) {
    fns = new Map();
    for (const [k, v] of run.fns) fns.set(k, (v - (base.fns.get(k) ?? 0)) / n);
    for (const [k, v] of base.fns) if (!run.fns.has(k)) fns.set(k, -v / n);
    if (linesEvery > 0) lines = linesRun(base.lines, run.lines, n / linesEvery);
  }
  // The runs share their warm-up, so what the run of n optimised beyond the other's it
  // optimised during the counted units (its compilation is in the count).
  const compiled = [...run.optimized];
  for (const name of base.optimized) {
    const at = compiled.indexOf(name);
    if (at >= 0) compiled.splice(at, 1);
  }
  return { perUnit: (run.total - base.total) / n, fns, compiled, lines };
}

/**
 * The 64-byte lines of code, by function, that ran in the run of n units at least 0.9 × `times`
 * instructions more than in the run of none (selfCounts' instructions by line): roughly, the
 * lines run at least once every n / `times` units. The two runs place the code compiled in
 * their shared warm-up at the same addresses (fixed seeds, one thread), so a line is the same
 * line in both.
 */
function linesRun(base, run, times) {
  const byFn = new Map();
  for (const [key, v] of run) {
    if (v - (base.get(key) ?? 0) < times * 0.9) continue;
    const name = key.slice(0, key.lastIndexOf('\n'));
    byFn.set(name, (byFn.get(name) ?? 0) + 1);
  }
  return byFn;
}

/** Print linesRun's count: the total, then the `top` functions with the most lines. */
export function printLines(title, lines, top) {
  let total = 0;
  for (const v of lines.values()) total += v;
  console.log(`\n${title}: ${total} lines of 64 bytes of code ran at least once every ${linesEvery} writes (${((total * 64) / 1024).toFixed(1)} KiB)`);
  for (const [k, v] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${String(v).padStart(9)}  ${k.slice(0, 120)}`);
}

/**
 * A note for a count that includes V8's optimising compilation of functions inside the counted
 * work (a warm-up too short for them: see scripts/count-instructions.mjs), or ''.
 */
export function compiledNote(compiled) {
  if (compiled.length === 0) return '';
  const names = [...new Set(compiled)];
  return ` (includes V8 compiling ${compiled.length} function${compiled.length > 1 ? 's' : ''}: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}; raise WARM)`;
}

/** Whether a function name from selfCounts is wasm code. */
export const isWasm = (name) => /-(turbofan|liftoff)$/.test(name) || name.startsWith('JS:wasm-function');

/** Print a by-function split: a header with the JS / wasm / other totals, then the `top` largest. */
export function printByFunction(title, perUnit, fns, top, unit = 'a write') {
  let wasm = 0;
  let js = 0;
  for (const [k, v] of fns) {
    if (isWasm(k)) wasm += v;
    else if (k.startsWith('JS:')) js += v;
  }
  console.log(`\n${title}: ${perUnit.toFixed(1)} ${unit} (JS ${js.toFixed(1)}, wasm ${wasm.toFixed(1)}, the rest ${(perUnit - js - wasm).toFixed(1)})`);
  for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(1).padStart(9)}  ${k.slice(0, 120)}`);
}

/**
 * Call `onCost(fn, addr, parts)` for each self cost in a callgrind file written with
 * --dump-instr=yes --compress-strings=no --compress-pos=no: the function as callgrind names it
 * (JIT code by an address), the instruction's address, and the line's fields (`parts[2 + i]`:
 * event i of EVENTS). The inclusive costs of calls are skipped.
 */
export function forEachCost(file, onCost) {
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
    if (line.startsWith('calls=')) {
      skip = true;
      continue;
    }
    const c = line[0];
    if (!(c >= '0' && c <= '9') && c !== '+' && c !== '-' && c !== '*') continue;
    const parts = line.split(' ');
    if (parts.length < 3) continue;
    const p = parts[0];
    if (p.startsWith('0x')) addr = parseInt(p, 16);
    else if (c === '+') addr += Number(p.slice(1));
    else if (c === '-') addr -= Number(p.slice(1));
    else if (c !== '*') addr = Number(p);
    if (skip) {
      skip = false;
      continue;
    }
    onCost(fn, addr, parts);
  }
}

/**
 * Self counts of the event by function name from a callgrind file (--dump-instr) and a perf map
 * (`counts`); with `perLine`, also each function's instructions by 64-byte line of code
 * (`lines`, keyed `name\nline`).
 */
function selfCounts(file, perfMap, perLine = false) {
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
  const lineCounts = new Map();
  forEachCost(file, (fn, addr, parts) => {
    const name = fn.startsWith('0x') ? lookup(addr) : fn.replace(/\(.*$/, '').replace(/'.*$/, '');
    counts.set(name, (counts.get(name) ?? 0) + Number(parts[2 + eventIndex] ?? 0));
    if (perLine) {
      const key = `${name}\n${Math.floor(addr / 64)}`;
      lineCounts.set(key, (lineCounts.get(key) ?? 0) + Number(parts[2]));
    }
  });
  return { counts, lines: lineCounts };
}
