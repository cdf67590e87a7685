import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// A sink that writes to its own stream inside its call (the write is buffered behind the one in
// flight) and then completes: Node's completion hands the buffered write to the sink before the
// call returns, and write() reads the length after that, so it returns true when that write
// completed too, as Node does.

for (const objectMode of [false, true]) {
  test(`write() returns what Node does when its sink writes again and completes inside the call${objectMode ? ' (objects)' : ''}`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      let n = 0;
      const w = listen(new Writable({
        objectMode,
        highWaterMark: objectMode ? 2 : 4,
        write(chunk, enc, done) {
          const k = n++;
          log('sink', k, w.writableLength);
          if (k === 0) log('write from the sink', w.write(objectMode ? { k: 9 } : Buffer.alloc(8), cb('inner')), w.writableLength);
          done();
        },
      }));
      log('write', w.write(objectMode ? { k: 0 } : Buffer.alloc(3)), props(w));
      log('write', w.write(objectMode ? { k: 1 } : Buffer.alloc(2)), props(w));
      await new Promise((r) => setImmediate(r));
      log('at the end', props(w));
    });
  });
}
