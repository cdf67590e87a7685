import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a large write to an asynchronous sink returns false and sets writableNeedDrain', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ highWaterMark: 16, write(c, e, cb) { setImmediate(cb); } }));
    log('ret', w.write(Buffer.alloc(64)));
    log('needDrain', w.writableNeedDrain, 'length', w.writableLength);
    await new Promise((r) => w.once('drain', r));
    log('after drain', w.writableNeedDrain, w.writableLength);
  });
});
