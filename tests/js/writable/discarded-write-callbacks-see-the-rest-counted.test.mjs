import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

// When a stream is destroyed with writes buffered, Node takes each write's units off
// writableLength just before calling its callback: a callback sees the writes after it still
// counted, and can act on the stream from there (its writes are refused).

function scenario({ objectMode = false, withEnd = false } = {}) {
  return async ({ Writable, log, listen }) => {
    let done = null;
    const w = listen(new Writable({
      objectMode,
      highWaterMark: 64,
      write(chunk, enc, cb) {
        log('sink', w.writableLength);
        done = cb;
      },
    }));
    w.write(objectMode ? { n: 0 } : Buffer.alloc(5));
    for (let i = 1; i <= 4; i++) {
      const chunk = objectMode ? { n: i } : Buffer.alloc(i * 3);
      w.write(chunk, i === 2 ? undefined : (err) => {
        log(`cb ${i}`, err ?? null, w.writableLength);
        if (i === 3) log('write from a callback', w.write(objectMode ? { n: 9 } : Buffer.alloc(1)), w.writableLength);
      });
    }
    if (withEnd) w.end((err) => log('end cb', err ?? null, w.writableLength));
    w.destroy();
    log('destroyed', props(w));
    await new Promise((r) => setImmediate(r));
    done?.();
    await turns();
    log('at the end', props(w));
  };
}

test('callbacks of discarded writes see the writes after them still counted', async () => {
  await sameAsNode(scenario());
});

test('the same in object mode', async () => {
  await sameAsNode(scenario({ objectMode: true }));
});

test('the same with an end callback waiting', async () => {
  await sameAsNode(scenario({ withEnd: true }));
});
