// Instructions per write of one optimised JS function, by source line, for a benchmark row (not
// part of `make bench`): where inside a function that --by-function of
// scripts/count-instructions.mjs names its instructions go. node runs the row's producer under
// callgrind with --print-opt-code for the function; each machine instruction of its optimised code
// gets its count (the run of N writes less the run of none, over N), and each instruction the
// source line V8's position table gives it, in the function itself or in one inlined into it.
//
//   node scripts/annotate-instructions.mjs ROW FUNCTION [pkg] [--asm]
//   e.g. node scripts/annotate-instructions.mjs writev:setImmediate:obj pump
//        node scripts/annotate-instructions.mjs writev:setImmediate:obj pump node
//
// ROW as in scripts/count-instructions.mjs; pkg defaults to pkg/ (`node`: Node's own Writable,
// whose sources are not on disk: lines then show as script offsets). --asm also prints the
// instructions that ran, with their counts. N (default 60000), WARM (default 100000) and EVENT
// (another of callgrind's events, e.g. EVENT=I1mr, as in scripts/count-instructions.mjs) from the
// environment. Needs valgrind. A line's count includes code V8 placed there for it (checks,
// write barriers' fast paths); calls out of line (builtins, other functions) are not counted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { callgrind, eventTitle, root } from './callgrind.mjs';

const args = process.argv.slice(2);
const asm = args.includes('--asm');
const [row, fnName, pkgArg = 'pkg'] = args.filter((a) => a !== '--asm');
if (!row || !fnName) {
  console.error('usage: node scripts/annotate-instructions.mjs ROW FUNCTION [pkg|node] [--asm]');
  process.exit(2);
}
const impl = pkgArg === 'node' ? 'node' : path.resolve(pkgArg);
const n = Number(process.env.N ?? 60000);
process.env.WARM ??= '100000';

/** One run of `writes` writes of the row's child under callgrind, printing the function's code. */
function run(writes, tag) {
  const child = path.join(root, 'scripts', 'count-instructions.mjs');
  const extraNodeArgs = ['--print-opt-code', `--print-opt-code-filter=${fnName}`];
  return callgrind(child, ['--child', impl, row, String(writes)], { byAddress: true, extraNodeArgs, tag: `annotate.${tag}` });
}

/** The optimised versions of the function in --print-opt-code output. */
function versions(stdout) {
  const result = [];
  for (const block of stdout.split(/\n(?=kind = )/)) {
    if (!new RegExp(`^name = ${fnName}$`, 'm').test(block)) continue;
    const instrs = [];
    for (const m of block.matchAll(/^(0x[0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+(.*)$/gm)) instrs.push({ addr: parseInt(m[1], 16), pc: parseInt(m[2], 16), text: m[3].trim() });
    const positions = [];
    const table = /Source positions:\n pc offset  position\n([\s\S]*?)\n\n/.exec(block)?.[1] ?? '';
    for (const m of table.matchAll(/^\s*([0-9a-f]+)\s+(\d+)/gm)) positions.push([parseInt(m[1], 16), Number(m[2])]);
    const inlined = [...block.matchAll(/^ 0x[0-9a-f]+ <SharedFunctionInfo ([^>]*)>$/gm)].map((m) => m[1]);
    result.push({ instrs, positions, inlined });
  }
  return result;
}

// The sources a position may point into: the producer and the package's files, each with the
// functions defined in it (name -> [start, end) offsets, roughly: to the next definition).
const sources = [path.join(root, 'benches', 'producer.mjs')];
if (impl !== 'node') for (const f of ['writable.js', 'ring.js', 'events.js', 'sink.js', 'encoding.js', 'tick.js']) sources.push(path.join(impl, 'lib', f));
const files = sources.map((file) => {
  const text = readFileSync(file, 'utf8');
  const defs = [];
  for (const m of text.matchAll(/^\s*(?:export\s+)?(?:(?:async\s+)?function\s+(\w+)|(?:get |set |static )?(\w+)\s*\([^)]*\)\s*\{|(?:const|let)\s+(\w+)\s*=\s*(?:\([^)]*\)|\w+)\s*=>|\w+\.(\w+)\s*=\s*(?:\([^)]*\)|\w+)\s*=>)/gm)) {
    const name = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (!/^(if|for|while|switch|catch|return|function)$/.test(name)) defs.push([m.index, name]);
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  return { file: path.relative(root, file), text, defs, lineStarts };
});

/** The source line of `pos` in the file where a function of `names` (the inlined ones) spans it. */
function locate(pos, names) {
  for (const f of files) {
    if (pos >= f.text.length) continue;
    let def = null;
    for (const d of f.defs) if (d[0] <= pos) def = d;
    if (!def || !names.includes(def[1])) continue;
    let lo = 0;
    let hi = f.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (f.lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    const text = f.text.slice(f.lineStarts[lo], f.lineStarts[lo + 1] ?? f.text.length).trim();
    return `${path.basename(f.file)}:${lo + 1} (${def[1]})  ${text.slice(0, 90)}`;
  }
  return `offset ${pos}`;
}

const [withN, without] = await Promise.all([run(n, 'n'), run(0, '0')]);
const all = versions(withN.stdout);
if (all.length === 0) {
  console.error(`no optimised code named ${fnName}`);
  process.exit(1);
}
for (const [i, v] of all.entries()) {
  let total = 0;
  const per = v.instrs.map((ins) => {
    const c = ((withN.addresses.get(ins.addr) ?? 0) - (without.addresses.get(ins.addr) ?? 0)) / n;
    total += c;
    return c;
  });
  if (total < 0.5) continue;
  const names = [fnName, fnName.split('.').pop(), ...v.inlined, ...v.inlined.map((s) => s.split('.').pop())];
  console.log(`\n${fnName} (version ${i + 1} of ${all.length}, ${v.instrs.length} instructions, inlined: ${v.inlined.join(', ') || 'none'}): ${total.toFixed(1)} ${eventTitle} a write`);
  const byLine = new Map();
  let p = 0;
  let lines64 = new Set();
  for (const [k, ins] of v.instrs.entries()) {
    while (p + 1 < v.positions.length && v.positions[p + 1][0] <= ins.pc) p++;
    const where = v.positions.length > 0 && v.positions[p][0] <= ins.pc ? locate(v.positions[p][1], names) : '(prologue)';
    if (per[k] > 0) {
      byLine.set(where, (byLine.get(where) ?? 0) + per[k]);
      lines64.add(Math.floor(ins.addr / 64));
      if (asm) console.log(`${per[k].toFixed(2).padStart(8)}  ${ins.pc.toString(16).padStart(5)}  ${ins.text.slice(0, 60).padEnd(60)}  ${where.slice(0, 60)}`);
    }
  }
  console.log(`  ${lines64.size} lines of 64 bytes ran`);
  for (const [k, c] of [...byLine].sort((a, b) => b[1] - a[1])) if (c >= 0.05) console.log(`${c.toFixed(2).padStart(8)}  ${k}`);
}
