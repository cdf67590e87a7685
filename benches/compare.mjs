// A/B comparison of package builds on a few benchmark rows (not part of `make bench`): Node's own
// Writable and each build given, interleaved in one process (node, a, b, node, a, b, …), so drift
// in the machine's speed hits all alike; each cell is the fastest of the repetitions after two
// warm-up rounds, in ns per write, with its ratio to Node. Steadier than the full table for
// judging one change (rows there swing by up to ±30% from run to run on a shared machine).
//
//   node benches/compare.mjs ROWS [CHUNKS] [name=path/to/pkg ...]
//   e.g. node benches/compare.mjs cork:sync,plain:microtask 16,obj base=/tmp/old/pkg now=pkg
//
// ROWS: mode:completion pairs (plain | writev | cork | cork+writev; sync | microtask |
// setImmediate); CHUNKS: sizes in bytes or obj (default 16). Builds default to now=pkg. Set R
// for the number of repetitions (default 11).
import { Writable as NodeWritable } from 'node:stream';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ownProducer } from './producer.mjs';

const [rowsArg, chunksArg = '16', ...builds] = process.argv.slice(2);
if (!rowsArg) {
  console.error('usage: node benches/compare.mjs ROWS [CHUNKS] [name=pkgdir ...]');
  process.exit(2);
}
// [name, Writable class, its own producer (see benches/producer.mjs)]
const impls = [['node', NodeWritable, await ownProducer('node')]];
for (const spec of builds.length > 0 ? builds : ['now=pkg']) {
  const [name, dir] = spec.split('=');
  const mod = await import(pathToFileURL(path.resolve(dir, 'node.mjs')).href);
  impls.push([name, mod.Writable, await ownProducer(name)]);
}
const reps = Number(process.env.R ?? 11);

for (const chunk of chunksArg.split(',')) {
  const objectMode = chunk === 'obj';
  const value = objectMode ? { id: 1 } : Buffer.alloc(Number(chunk), 1);
  for (const row of rowsArg.split(',')) {
    const [mode, completion] = row.split(':');
    const n = completion === 'setImmediate' ? 20000 : 100000;
    const corkBatch = mode.startsWith('cork') ? 16 : 0;
    const times = Object.fromEntries(impls.map(([name]) => [name, []]));
    for (let r = 0; r < reps; r++) {
      for (const [name, W, { makeWritable, produce }] of impls) {
        const w = makeWritable(W, mode, completion, objectMode);
        const t0 = performance.now();
        await produce(w, n, value, corkBatch);
        if (r >= 2) times[name].push(((performance.now() - t0) * 1e6) / n);
      }
    }
    const best = (name) => Math.min(...times[name]);
    const cells = impls.map(([name]) => `${name} ${best(name).toFixed(1)} ns (${(best('node') / best(name)).toFixed(2)}×)`);
    console.log(`${`${mode} · ${objectMode ? 'objects' : `${chunk} B`} · ${completion}`.padEnd(36)} ${cells.join('  ')}`);
  }
}
