// Streams-chapter example 13: a writeArray(writable, array) helper that awaits 'drain'
// (events.once) whenever write() returns false. Buffered bytes peak at highWaterMark + one chunk
// and every chunk arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

async function writeArray(writable, array, onWrite) {
  for (const item of array) {
    const ok = writable.write(item);
    onWrite(ok);
    if (!ok) await once(writable, 'drain');
  }
}

test('writeArray awaits drain when write returns false: peak buffered <= highWaterMark + one chunk, all data arrives', async () => {
  const highWaterMark = 64;
  const chunkSize = 10;
  const received = [];
  const w = new Writable({
    highWaterMark,
    write(chunk, encoding, cb) {
      received.push(chunk.toString());
      setImmediate(cb);
    },
  });
  const items = Array.from({ length: 50 }, (_, i) => `item-${String(i).padStart(5, '0')}`);
  assert.equal(items[0].length, chunkSize);
  let peak = 0;
  let falses = 0;
  await writeArray(w, items, (ok) => {
    peak = Math.max(peak, w.writableLength);
    if (!ok) falses += 1;
  });
  await new Promise((resolve) => w.end(resolve));

  assert.ok(falses > 0, 'write returned false at least once');
  assert.ok(peak <= highWaterMark + chunkSize, `peak writableLength ${peak} <= ${highWaterMark + chunkSize}`);
  assert.ok(peak >= highWaterMark, `the buffer did fill up to the highWaterMark (peak ${peak})`);
  assert.deepEqual(received, items);
});
