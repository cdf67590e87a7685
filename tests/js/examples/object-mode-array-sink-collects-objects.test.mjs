// Streams-chapter example 2, object mode: an array sink collects the very objects written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('an objectMode array sink collects the very objects written', async () => {
  const items = [];
  const w = new Writable({
    objectMode: true,
    write(obj, encoding, cb) {
      items.push(obj);
      cb();
    },
  });
  const a = { id: 1 };
  const b = [2];
  w.write(a);
  w.write(b);
  w.write('three');
  w.end(4);
  await once(w, 'finish');
  assert.equal(items.length, 4);
  assert.equal(items[0], a);
  assert.equal(items[1], b);
  assert.deepEqual(items.slice(2), ['three', 4]);
});
