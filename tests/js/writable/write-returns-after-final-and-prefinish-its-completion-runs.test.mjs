// A write whose sink call ends the stream and then completes: Node's onwrite, inside that call,
// finishes the writing (final, 'prefinish') before write() computes its return, so what those
// do (a listener that destroys the stream) shows in the value write() returns.
import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

test("write() returns false when the 'prefinish' its own completion brought destroyed the stream", async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({
      highWaterMark: 4,
      write(chunk, enc, done) {
        log('sink', chunk.length);
        w.end();
        log('end in sink', props(w));
        done();
      },
      final(cb) {
        log('final', w.writableLength);
        cb();
      },
    }));
    w.on('prefinish', () => {
      log('in prefinish', props(w));
      w.destroy();
    });
    log('ret', w.write(Buffer.alloc(1)), props(w));
    await turns();
    log(props(w));
  });
});

test('write() returns after the final its own completion called, when that final completes later', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    let finalDone = null;
    const w = listen(new Writable({
      write(chunk, enc, done) {
        w.end();
        done();
      },
      final(cb) {
        log('final', props(w));
        finalDone = cb;
      },
    }));
    log('ret', w.write('x'), props(w));
    await new Promise((r) => setImmediate(r));
    finalDone();
    await turns();
    log(props(w));
  });
});
