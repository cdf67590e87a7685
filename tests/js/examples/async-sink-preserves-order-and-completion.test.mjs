// Streams-chapter example 3: an async sink that completes each write with setTimeout. The stream
// must hand chunks over one at a time, in order, and call each write callback after its chunk
// completed, then 'finish' after the last one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('an async (setTimeout) sink sees chunks one at a time, in order, and completions stay in order', async () => {
  const log = [];
  let inFlight = 0;
  let maxInFlight = 0;
  // Later chunks complete faster, so a stream that overlapped writes would reorder them.
  const delays = { a: 15, b: 10, c: 5, d: 1 };
  const w = new Writable({
    write(chunk, encoding, cb) {
      const s = chunk.toString();
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push(`start:${s}`);
      setTimeout(() => {
        inFlight -= 1;
        log.push(`done:${s}`);
        cb();
      }, delays[s]);
    },
  });
  for (const s of ['a', 'b', 'c', 'd']) {
    w.write(s, (err) => log.push(`cb:${s}:${err ?? null}`));
  }
  w.end(() => log.push('end-cb'));
  w.on('finish', () => log.push('finish'));
  await once(w, 'close');

  assert.equal(maxInFlight, 1, 'the sink is never called concurrently');
  // As in Node: when a write completes asynchronously, the next buffered chunk is handed to the
  // sink first, then the completed write's callback runs.
  assert.deepEqual(log, [
    'start:a', 'done:a', 'start:b', 'cb:a:null',
    'done:b', 'start:c', 'cb:b:null',
    'done:c', 'start:d', 'cb:c:null',
    'done:d', 'cb:d:null',
    'end-cb', 'finish',
  ]);
});
