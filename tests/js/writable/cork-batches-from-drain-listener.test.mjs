import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// A producer that respects backpressure by writing corked batches from its 'drain' listener,
// each batch reaching the highWaterMark: the face takes the write that reaches it without a
// call into the core, runs the buffered writes to a sink that completes inside its calls, and
// skips the poll after a tick with nothing behind it. Everything observable is what Node does.

function batchScenario({ objectMode = false, size = 8, hwm = 32, batch = 4, writev = false, later = null }) {
  return async ({ Writable, log, listen }) => {
    let n = 0;
    const complete = (done) => (later ? later(done) : done());
    const options = {
      objectMode,
      highWaterMark: hwm,
      write(chunk, enc, done) {
        log('sink', n++, w.writableLength, w.writableNeedDrain);
        complete(done);
      },
    };
    if (writev) {
      options.writev = (entries, done) => {
        log('sink batch', n++, entries.length, w.writableLength);
        complete(done);
      };
    }
    const w = listen(new Writable(options));
    let i = 0;
    const total = batch * 5;
    await new Promise((resolve) => {
      const pump = () => {
        while (i < total) {
          w.cork();
          const rets = [];
          for (let k = 0; k < batch && i < total; k++, i++) rets.push(w.write(objectMode ? { i } : Buffer.alloc(size, i)));
          log('batch', rets.join(','), w.writableLength, w.writableNeedDrain);
          w.uncork();
          log('uncorked', props(w));
          if (!rets[rets.length - 1]) {
            w.once('drain', pump);
            return;
          }
        }
        resolve();
      };
      pump();
    });
    const closed = new Promise((r) => w.once('close', r));
    w.end();
    await closed;
    log('end', props(w));
  };
}

test('corked batches reaching the highWaterMark from a drain listener, sync sink, as in Node', async () => {
  await sameAsNode(batchScenario({}));
});

test('corked object batches from a drain listener to a sync writev sink, as in Node', async () => {
  await sameAsNode(batchScenario({ objectMode: true, hwm: 4, writev: true }));
});

test('corked object batches from a drain listener to a sync sink, as in Node', async () => {
  await sameAsNode(batchScenario({ objectMode: true, hwm: 4 }));
});

test('corked batches larger than the highWaterMark to a microtask sink, as in Node', async () => {
  await sameAsNode(batchScenario({ size: 40, later: queueMicrotask }));
});
