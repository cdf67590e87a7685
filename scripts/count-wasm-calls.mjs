// Counts calls across the JS↔wasm boundary per chunk written through the WHATWG face (issue 5).
// Copies pkg/ to build/count-pkg with the wasm-bindgen glue instrumented (every export and
// import wrapped by a counter), then writes N chunks through createWritableStream(new
// CountingSink()) (and, for comparison, over a JS sink object) and prints calls per chunk by name.
//
//   node scripts/count-wasm-calls.mjs [chunkSize=16] [n=1000]
import { cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dst = path.join(root, 'build', 'count-pkg');
rmSync(dst, { recursive: true, force: true });
cpSync(path.join(root, 'pkg'), dst, { recursive: true });
const glue = path.join(dst, 'wasm', 'wasm_writable.js');
let src = readFileSync(glue, 'utf8');
const counterCode = `
export const __counts = new Map();
function __count(name, fn) {
  return function (...args) { __counts.set(name, (__counts.get(name) ?? 0) + 1); return fn.apply(this, args); };
}
`;
src = src.replace('function __wbg_finalize_init(instance, module) {\n    wasmInstance = instance;\n    wasm = instance.exports;',
  `function __wbg_finalize_init(instance, module) {\n    wasmInstance = instance;\n    wasm = {};\n    for (const [k, v] of Object.entries(instance.exports)) wasm[k] = typeof v === 'function' && !k.startsWith('__wbindgen') ? __count('js->wasm ' + k, v) : v;`);
src = src.replace(/const imports = __wbg_get_imports\(\);/g, `const imports = __wbg_get_imports();
    for (const ns of Object.values(imports)) for (const [k, v] of Object.entries(ns)) if (typeof v === 'function') ns[k] = __count('wasm->js ' + k.replace(/_[0-9a-f]{16}$/, ''), v);`);
if (!src.includes('__count(')) throw new Error('instrumentation did not apply');
writeFileSync(glue, counterCode + src);

const size = Number(process.argv[2] ?? 16);
const n = Number(process.argv[3] ?? 1000);
const api = await import(path.join(dst, 'node.mjs'));
const { __counts } = await import(glue);

async function produce(stream, count, chunk) {
  const writer = stream.getWriter();
  let last;
  for (let i = 0; i < count; i++) {
    await writer.ready;
    last = writer.write(chunk);
  }
  await last;
  await writer.close();
}

const chunk = new Uint8Array(size).fill(1);
for (const [label, make] of [
  ['CountingSink', () => api.createWritableStream(new api.CountingSink())],
  ['JS sink object', () => { let b = 0; return api.createWritableStream({ write(c) { b += c.byteLength; } }); }],
]) {
  // Differences of two runs cancel the per-stream setup and close.
  const run = async (k) => { __counts.clear(); await produce(make(), k, chunk); return new Map(__counts); };
  await run(10);
  const a = await run(n);
  const b = await run(2 * n);
  let total = 0;
  const rows = [];
  for (const [k, v] of b) {
    const per = (v - (a.get(k) ?? 0)) / n;
    if (per > 0.001) rows.push([k, per]);
  }
  rows.sort((x, y) => y[1] - x[1]);
  console.log(`${label}, ${size} B chunks: boundary calls per chunk`);
  for (const [k, per] of rows) {
    total += per;
    console.log(`  ${per.toFixed(3).padStart(7)}  ${k}`);
  }
  const jsToWasm = rows.filter(([k]) => k.startsWith('js->wasm')).reduce((s, [, v]) => s + v, 0);
  console.log(`  total ${total.toFixed(3)} (js->wasm ${jsToWasm.toFixed(3)}, wasm->js ${(total - jsToWasm).toFixed(3)})`);
}
