// Streams-chapter example 2: an array sink that collects every chunk, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('an array sink collects every chunk in write order', async () => {
  const chunks = [];
  const w = new Writable({
    write(chunk, encoding, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  w.write('one');
  w.write(Buffer.from('two'));
  w.write('7468726565', 'hex');
  w.end('four');
  await once(w, 'finish');

  // decodeStrings (the default) turns every string into bytes before it reaches the sink.
  for (const c of chunks) assert.ok(Buffer.isBuffer(c) || c instanceof Uint8Array, 'chunks arrive as bytes');
  assert.deepEqual(chunks.map((c) => Buffer.from(c).toString()), ['one', 'two', 'three', 'four']);
  assert.equal(Buffer.concat(chunks).toString(), 'onetwothreefour');
});
