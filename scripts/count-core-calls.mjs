// Counts calls into the core (the wasm `WritableCore` methods and getters) per write through the
// Node-style face, for one benchmark row: the same producer as benches/run.mjs (respecting
// backpressure, cork batches of 16), one stream, 16,000 writes. Every method of the class is
// wrapped with a counter before the stream is made. Prints calls per write by name and in all.
//
//   node scripts/count-core-calls.mjs [mode:completion:chunk]   e.g. cork+writev:sync:16, plain:microtask:obj
//
// mode: plain | writev | cork | cork+writev; completion: sync | microtask | setImmediate;
// chunk: a size in bytes, or obj for object mode. Uses the built package (make pkg).
import { WritableCore } from '../pkg/wasm/wasm_writable.js';
import { Writable } from '../pkg/node.mjs';
import { completions, makeWritable, produce } from '../benches/producer.mjs';

const counts = new Map();
const bump = (name) => counts.set(name, (counts.get(name) ?? 0) + 1);
for (const name of Object.getOwnPropertyNames(WritableCore.prototype)) {
  const d = Object.getOwnPropertyDescriptor(WritableCore.prototype, name);
  if (typeof d.value === 'function' && name !== 'constructor') {
    const fn = d.value;
    WritableCore.prototype[name] = function counted(...args) {
      bump(name);
      return fn.apply(this, args);
    };
  } else if (d.get) {
    const get = d.get;
    Object.defineProperty(WritableCore.prototype, name, {
      get() {
        bump(`get ${name}`);
        return get.call(this);
      },
    });
  }
}

const [mode = 'plain', completion = 'sync', chunk = '16'] = (process.argv[2] ?? 'plain:sync:16').split(':');
if (!completions[completion] || !['plain', 'writev', 'cork', 'cork+writev'].includes(mode)) {
  console.error('usage: node scripts/count-core-calls.mjs [plain|writev|cork|cork+writev]:[sync|microtask|setImmediate]:[bytes|obj]');
  process.exit(2);
}
const objectMode = chunk === 'obj';
const value = objectMode ? { id: 1 } : Buffer.alloc(Number(chunk), 1);
const n = 16000;
await produce(makeWritable(Writable, mode, completion, objectMode), n, value, mode.startsWith('cork') ? 16 : 0);

let total = 0;
console.log(`${mode} · ${chunk === 'obj' ? 'objects' : `${chunk} B`} · ${completion}: calls into the core per write`);
for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1])) {
  total += count;
  console.log(`  ${name.padEnd(26)} ${(count / n).toFixed(3)}`);
}
console.log(`  ${'in all'.padEnd(26)} ${(total / n).toFixed(3)}`);
