// pipeline(readable, transform, ours): a node:stream Transform between a Readable and ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Transform, Writable as NodeWritable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const upper = new Transform({
    transform(chunk, encoding, cb) {
      cb(null, chunk.toString().toUpperCase());
    },
    flush(cb) {
      this.push('[EOF]');
      cb();
    },
  });
  const received = [];
  const w = new WritableClass({
    highWaterMark: 4,
    write(chunk, encoding, cb) {
      received.push(chunk.toString());
      setImmediate(cb);
    },
  });
  await pipeline(Readable.from(['hello ', 'stream ', 'world']), upper, w);
  return { received, finished: w.writableFinished, transformDestroyed: upper.destroyed };
}

test('pipeline(readable, transform, ours) delivers the transformed data', async () => {
  const ours = await scenario(Writable);
  assert.equal(ours.received.join(''), 'HELLO STREAM WORLD[EOF]');
  assert.equal(ours.finished, true);
  assert.deepEqual(ours, await scenario(NodeWritable));
});
