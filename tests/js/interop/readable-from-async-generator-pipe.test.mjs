// Readable.from(asyncGenerator).pipe(ours): every generated value arrives, in order, and ours is
// ended when the generator returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished } from 'node:stream/promises';
import { Readable, Writable as NodeWritable } from 'node:stream';
import { Writable } from '../../../pkg/node.mjs';

async function* numbers(n) {
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    yield `${i};`;
  }
}

async function scenario(WritableClass) {
  const received = [];
  const w = new WritableClass({
    highWaterMark: 8,
    write(chunk, encoding, cb) {
      received.push(chunk.toString());
      setImmediate(cb);
    },
  });
  const src = Readable.from(numbers(30), { objectMode: false });
  let piped = false;
  w.on('pipe', (s) => { piped = s === src; });
  src.pipe(w);
  await finished(w);
  return { piped, data: received.join(''), ended: w.writableEnded, finished: w.writableFinished };
}

test('Readable.from(async generator).pipe(ours) delivers every value and ends ours', async () => {
  const ours = await scenario(Writable);
  assert.deepEqual(ours, {
    piped: true,
    data: Array.from({ length: 30 }, (_, i) => `${i};`).join(''),
    ended: true,
    finished: true,
  });
  assert.deepEqual(ours, await scenario(NodeWritable));
});
