// stream/promises pipeline(readable, ours) resolves once ours has finished with all the data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable as NodeWritable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const chunks = [];
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      chunks.push(chunk.toString());
      setImmediate(cb);
    },
  });
  const data = Array.from({ length: 20 }, (_, i) => `line ${i}\n`);
  const result = await pipeline(Readable.from(data), w);
  return { result, joined: chunks.join(''), expected: data.join(''), finished: w.writableFinished, closed: w.closed };
}

test('stream/promises pipeline(readable, ours) resolves after all data is written', async () => {
  const ours = await scenario(Writable);
  assert.equal(ours.result, undefined);
  assert.equal(ours.joined, ours.expected);
  assert.equal(ours.finished, true);
  assert.equal(ours.closed, true);
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
