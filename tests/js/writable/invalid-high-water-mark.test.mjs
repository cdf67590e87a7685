import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('an invalid highWaterMark throws ERR_INVALID_ARG_VALUE', async () => {
  await sameAsNode(({ Writable, log }) => {
    for (const hwm of [-1, 1.5, NaN, '16', Infinity]) {
      try { new Writable({ highWaterMark: hwm }); log('accepted', hwm); } catch (err) { log('threw', err, err.message); }
    }
    log('zero ok', new Writable({ highWaterMark: 0 }).writableHighWaterMark);
  });
});
