import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a large write to a sink that completes synchronously returns true (Node 20 rule)', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ highWaterMark: 16, write(c, e, cb) { cb(); } });
    log('ret', w.write(Buffer.alloc(64)));
    log('needDrain', w.writableNeedDrain, 'length', w.writableLength);
  });
});
