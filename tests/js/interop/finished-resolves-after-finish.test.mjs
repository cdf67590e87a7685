// stream.finished(ours, cb) and stream/promises finished(ours) settle successfully after
// 'finish' (and, since ours emits 'close', after 'close'). Compared with node:stream's Writable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished, Writable as NodeWritable } from 'node:stream';
import { finished as finishedPromise } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const log = [];
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      setTimeout(cb, 1);
    },
  });
  w.on('finish', () => log.push('finish'));
  w.on('close', () => log.push('close'));
  const cbDone = new Promise((resolve) => finished(w, (err) => { log.push(`finished-cb:${err ?? null}`); resolve(); }));
  const promiseDone = finishedPromise(w).then((v) => log.push(`finished-promise:${v ?? null}`));
  w.write('a');
  w.end('b');
  log.push('end-called');
  await Promise.all([cbDone, promiseDone]);
  return log;
}

test('stream.finished and stream/promises finished resolve after finish', async () => {
  const ours = await scenario(Writable);
  const iFinish = ours.indexOf('finish');
  assert.ok(iFinish > ours.indexOf('write:b'), 'finish after the last write');
  assert.ok(ours.indexOf('finished-cb:null') > iFinish, 'finished callback after finish, without error');
  assert.ok(ours.indexOf('finished-promise:null') > iFinish, 'finished promise resolves after finish');
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
