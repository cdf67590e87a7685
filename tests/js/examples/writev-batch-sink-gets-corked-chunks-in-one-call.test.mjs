// Streams-chapter example 5: a batch sink with writev, fed by cork()/uncork(). Everything written
// while corked reaches the sink as ONE writev call, in order; write() is never used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('cork/uncork hands all corked chunks to writev in a single call', async () => {
  const singleWrites = [];
  const batches = [];
  const callbacks = [];
  const w = new Writable({
    write(chunk, encoding, cb) {
      singleWrites.push(chunk.toString());
      cb();
    },
    writev(entries, cb) {
      batches.push(entries.map(({ chunk }) => Buffer.from(chunk).toString()));
      setImmediate(cb);
    },
  });
  w.cork();
  for (const s of ['a', 'b', 'c', 'd', 'e']) w.write(s, (err) => callbacks.push(`${s}:${err ?? null}`));
  assert.equal(w.writableLength, 5, 'corked chunks stay buffered');
  assert.deepEqual(batches, []);
  process.nextTick(() => w.uncork());
  w.end();
  await once(w, 'finish');

  assert.deepEqual(batches, [['a', 'b', 'c', 'd', 'e']]);
  assert.deepEqual(singleWrites, []);
  assert.deepEqual(callbacks, ['a:null', 'b:null', 'c:null', 'd:null', 'e:null']);
});
