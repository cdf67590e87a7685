import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('write() returns false once length reaches highWaterMark, and still accepts the chunk', async () => {
  const log = await sameAsNode(({ Writable, log }) => {
    const pending = [];
    const w = new Writable({ highWaterMark: 10, write(c, e, cb) { pending.push(cb); } });
    log('ret', w.write('12345'));
    log('ret', w.write('67890'));
    log('ret', w.write('x'));
    log('props', props(w));
  });
  assert.ok(log.some((l) => l === '"ret" false'));
});
