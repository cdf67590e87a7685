// Example 14 (second half): a Rust CountingSink behind our Writable counts bytes and chunks and
// keeps nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, CountingSink } from '../../../pkg/node.mjs';

test('a Rust CountingSink counts the bytes and chunks written through our Writable', async () => {
  const sink = new CountingSink();
  const w = new Writable({ sink });
  w.write('abc');
  w.write('é'); // 2 bytes
  w.write(new Uint8Array(1000));
  w.write(Buffer.from('xyz'));
  w.end('!');
  await once(w, 'finish');
  assert.equal(sink.chunkCount, 5);
  assert.equal(sink.byteCount, 3 + 2 + 1000 + 3 + 1);
});
