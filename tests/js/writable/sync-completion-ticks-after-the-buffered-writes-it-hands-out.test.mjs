// Node's onwrite, for a write completed inside its sink call, first hands the buffered writes to
// the sink (clearBuffer) and only then queues its own afterWrite tick (or counts the completion).
// So when that sink call itself buffered more writes, their ticks, which they queue when they
// too complete inside their calls, come before the first write's: its callback is called last.
import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('callbacks of writes a sink buffered inside its call come before the callback of the write it was called with', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      objectMode: true,
      highWaterMark: 2,
      write(chunk, enc, done) {
        log('sink', chunk, w.writableLength);
        if (calls++ === 0) {
          log('ret', w.write('b'));
          log('ret', w.write('c', cb('c')));
        }
        done();
      },
    }));
    log('ret', w.write('a', cb('a')));
    log(props(w));
    await new Promise((r) => setImmediate(r));
    log(props(w), w._writableState.pendingcb);
  });
});

test("the drain check of a write completed inside its sink call sees the buffered writes that call handed out", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 4,
      write(chunk, enc, done) {
        log('sink', chunk.length, w.writableLength, w.writableNeedDrain);
        if (calls++ === 0) {
          log('ret', w.write(Buffer.alloc(3), cb('second')));
          log('ret', w.write(Buffer.alloc(2)));
        }
        done();
      },
    }));
    log('ret', w.write(Buffer.alloc(5), cb('first')));
    log(props(w));
    await new Promise((r) => setImmediate(r));
    log(props(w), w._writableState.pendingcb);
  });
});
