// Workloads for tests/js/writable/stream-state-keeps-small-integers.test.mjs, run in a child
// process under --trace-generalization: `node state-workloads.mjs cross|refuse|long-run|web-long-run`.
// Prints "done <workload>" on stderr at the end: V8's trace goes to stdout through C's stdio
// buffer, flushed in blocks, so a line Node wrote there could land inside one of its lines.
import { once } from 'node:events';
import { Writable, createWritableStream } from '../../../pkg/node.mjs';
// The benchmarks' producer: cork batches of `corkBatch` writes (or none), 'drain' awaited after
// false, then end(); it resolves at 'finish'.
import { produce } from '../../../benches/producer.mjs';

const workload = process.argv[2];

if (workload === 'cross') {
  // Batches of 16 KiB reach the 16 KiB highWaterMark on their last write.
  for (const writev of [false, true]) {
    const options = { highWaterMark: 16384, write: (c, e, cb) => cb() };
    if (writev) options.writev = (entries, cb) => cb();
    await produce(new Writable(options), 4000, Buffer.alloc(1024, 1), 16);
  }
} else if (workload === 'refuse') {
  // Past the highWaterMark behind a write in flight, every write is buffered and returns false.
  const w = new Writable({ highWaterMark: 4096, write: (c, e, cb) => setImmediate(cb) });
  const chunk = Buffer.alloc(1024, 1);
  for (let round = 0; round < 50; round++) {
    for (let k = 0; k < 20; k++) w.write(chunk);
    await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
} else if (workload === 'long-run') {
  // 270,000 writes of 8 KiB to a sink that completes at once: 2.2 GB (past 2^31, V8's largest
  // small integer in Node; 2^30 where pointers are compressed, as in Chromium) in one steady run.
  await produce(new Writable({ write: (c, e, cb) => cb() }), 270000, Buffer.alloc(8192, 1), 0);
} else if (workload === 'web-long-run') {
  // The same through the WHATWG face over a sink object.
  let bytes = 0;
  const writer = createWritableStream({ write: (chunk) => void (bytes += chunk.length) }).getWriter();
  const chunk = new Uint8Array(8192);
  const n = 270000;
  for (let i = 0; i < n; i++) {
    await writer.ready;
    writer.write(chunk);
  }
  await writer.close();
  if (bytes !== n * chunk.length) throw new Error(`the sink saw ${bytes} bytes`);
} else {
  throw new Error(`unknown workload ${workload}`);
}
process.stderr.write(`done ${workload}\n`);
