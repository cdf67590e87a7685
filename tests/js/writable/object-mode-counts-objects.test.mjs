import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('objectMode counts objects (default highWaterMark 16) and passes values through', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ objectMode: true, write(c, e, cb) { log('sink', c); } });
    log('hwm', w.writableHighWaterMark);
    for (let i = 0; i < 17; i++) log('ret', i, w.write({ i }));
    log('length', w.writableLength);
  });
});
