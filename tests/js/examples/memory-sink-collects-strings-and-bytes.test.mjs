// Example 14: strings and bytes written into a Rust MemorySink through new Writable({ sink }).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, MemorySink } from '../../../pkg/node.mjs';

test('a Rust MemorySink behind our Writable collects strings and bytes in order', async () => {
  const sink = new MemorySink();
  const w = new Writable({ sink });
  assert.equal(w.sink, sink);
  w.write('héllo, ');
  w.write(new Uint8Array([0x77, 0x6f]));
  w.write(Buffer.from('rld'));
  w.write('21', 'hex'); // '!'
  w.write(' ✓');
  w.end();
  await once(w, 'finish');

  const expected = Buffer.concat([
    Buffer.from('héllo, '), Buffer.from([0x77, 0x6f]), Buffer.from('rld'), Buffer.from([0x21]), Buffer.from(' ✓'),
  ]);
  assert.equal(sink.text(), 'héllo, world! ✓');
  assert.equal(sink.byteLength, expected.length);
  assert.deepEqual(Buffer.from(sink.bytes()), expected);
});
