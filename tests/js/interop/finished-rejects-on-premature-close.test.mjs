// destroy() before 'finish' is a premature close: stream.finished(ours) gets, and
// stream/promises finished(ours) rejects with, ERR_STREAM_PREMATURE_CLOSE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished, Writable as NodeWritable } from 'node:stream';
import { finished as finishedPromise } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      setTimeout(cb, 5);
    },
  });
  const events = [];
  for (const ev of ['error', 'finish', 'close']) w.on(ev, () => events.push(ev));
  const viaCb = new Promise((resolve) => finished(w, resolve));
  const viaPromise = finishedPromise(w).then(() => 'resolved', (err) => err);
  w.write('a');
  w.write('b');
  w.destroy();
  const [cbErr, promiseErr] = await Promise.all([viaCb, viaPromise]);
  return {
    cb: `${cbErr?.name}:${cbErr?.code}`,
    promise: `${promiseErr?.name}:${promiseErr?.code}`,
    events,
  };
}

test('destroy before finish makes finished reject with ERR_STREAM_PREMATURE_CLOSE', async () => {
  const ours = await scenario(Writable);
  assert.deepEqual(ours, {
    cb: 'Error:ERR_STREAM_PREMATURE_CLOSE',
    promise: 'Error:ERR_STREAM_PREMATURE_CLOSE',
    events: ['close'],
  });
  assert.deepEqual(ours, await scenario(NodeWritable));
});
