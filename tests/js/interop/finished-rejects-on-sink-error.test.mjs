// stream.finished(ours) reports, and stream/promises finished(ours) rejects with, the sink's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished, Writable as NodeWritable } from 'node:stream';
import { finished as finishedPromise } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const boom = new Error('sink broke');
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      setImmediate(() => cb(chunk.toString() === 'b' ? boom : null));
    },
  });
  w.on('error', () => {});
  const viaCb = new Promise((resolve) => finished(w, resolve));
  const viaPromise = finishedPromise(w).then(() => 'resolved', (err) => err);
  w.write('a');
  w.write('b');
  w.end('c');
  const [cbErr, promiseErr] = await Promise.all([viaCb, viaPromise]);
  return { cbGotSinkError: cbErr === boom, promiseRejectedWithSinkError: promiseErr === boom };
}

test('finished reports and finished-promise rejects with the sink error', async () => {
  const ours = await scenario(Writable);
  assert.deepEqual(ours, { cbGotSinkError: true, promiseRejectedWithSinkError: true });
  assert.deepEqual(ours, await scenario(NodeWritable));
});
