// Example 14: a Rust CountingSink fed by cork()/uncork() counts every chunk of the batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, CountingSink } from '../../../pkg/node.mjs';

test('a Rust CountingSink counts each chunk of a corked batch', async () => {
  const sink = new CountingSink();
  const w = new Writable({ sink });
  w.cork();
  for (let i = 0; i < 7; i++) w.write('1234');
  w.uncork();
  w.end();
  await once(w, 'finish');
  assert.equal(sink.chunkCount, 7);
  assert.equal(sink.byteCount, 28);
});
