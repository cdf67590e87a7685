// Streams-chapter example 11: a batching sink groups items into batches of N and flushes each full
// batch; final() flushes the last, partial batch, so nothing is lost, and 'finish' waits for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('a batching sink flushes full batches as they fill and the partial batch in final', async () => {
  const batchSize = 4;
  const flushed = [];
  const log = [];
  let batch = [];
  const flush = (items) => new Promise((resolve) => setTimeout(() => {
    flushed.push(items);
    log.push(`flush:${items.join(',')}`);
    resolve();
  }, 2));
  const w = new Writable({
    objectMode: true,
    write(item, encoding, cb) {
      batch.push(item);
      if (batch.length < batchSize) return cb();
      const full = batch;
      batch = [];
      flush(full).then(() => cb(), cb);
    },
    final(cb) {
      log.push(`final:${batch.length}`);
      if (batch.length === 0) return cb();
      const rest = batch;
      batch = [];
      flush(rest).then(() => cb(), cb);
    },
  });
  w.on('finish', () => log.push('finish'));
  for (let i = 1; i <= 10; i++) w.write(i);
  w.end();
  await once(w, 'finish');

  assert.deepEqual(flushed, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
  assert.deepEqual(flushed.flat(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'nothing lost');
  assert.deepEqual(log, ['flush:1,2,3,4', 'flush:5,6,7,8', 'final:2', 'flush:9,10', 'finish']);
});
