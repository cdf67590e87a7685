import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// A write that goes straight to a sink which completes later: write() answers at once with what
// the core would say after the sink call (the face reports that call's return with its next
// call into the core, before any write it accepted meanwhile). Everything observable is what
// Node does.

function scenario({ perTick, sizes, hwm = 32, withCb = false, later = queueMicrotask }) {
  return async ({ Writable, log, cb, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: hwm,
      write(chunk, enc, done) {
        log('sink', n++, chunk.length, w.writableLength);
        later(() => done());
      },
    }));
    let k = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < perTick; i++, k++) {
        const size = sizes[k % sizes.length];
        const ret = withCb ? w.write(Buffer.alloc(size), cb(`w${k}`)) : w.write(Buffer.alloc(size));
        log('write', k, ret, w.writableLength, w.writableNeedDrain);
      }
      await new Promise((r) => setImmediate(r));
    }
    const closed = new Promise((r) => w.once('close', r));
    w.end();
    await closed;
    log('end', props(w));
  };
}

test('one write per tick to an asynchronous sink answers as Node does', async () => {
  await sameAsNode(scenario({ perTick: 1, sizes: [5, 40, 0, 12] }));
});

test('several writes per tick behind a write in flight answer as Node does', async () => {
  await sameAsNode(scenario({ perTick: 4, sizes: [5, 9, 0, 12, 30] }));
});

test('writes with callbacks to a sink completing on setImmediate answer as Node does', async () => {
  await sameAsNode(scenario({ perTick: 3, sizes: [20, 1], withCb: true, later: (fn) => setImmediate(fn) }));
});

test('a highWaterMark of 0 answers every write as Node does', async () => {
  await sameAsNode(scenario({ perTick: 2, sizes: [3, 0], hwm: 0 }));
});
