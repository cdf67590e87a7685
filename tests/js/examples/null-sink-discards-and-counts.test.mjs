// Streams-chapter example 1: a null sink that discards every chunk and only counts what it saw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('a null sink discards chunks and counts chunks and bytes it saw', async () => {
  const seen = { chunks: 0, bytes: 0 };
  const w = new Writable({
    write(chunk, encoding, cb) {
      seen.chunks += 1;
      seen.bytes += chunk.length;
      cb();
    },
  });
  const callbacks = [];
  w.write('hello', (err) => callbacks.push(['hello', err ?? null]));
  w.write(Buffer.from([1, 2, 3]), (err) => callbacks.push(['bytes', err ?? null]));
  w.write('é', (err) => callbacks.push(['é', err ?? null])); // 2 bytes in UTF-8
  w.end('!');
  await once(w, 'finish');

  assert.deepEqual(seen, { chunks: 4, bytes: 5 + 3 + 2 + 1 });
  assert.deepEqual(callbacks, [['hello', null], ['bytes', null], ['é', null]]);
  assert.equal(w.writableLength, 0);
  assert.equal(w.writableFinished, true);
});
