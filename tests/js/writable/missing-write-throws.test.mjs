import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a Writable without write or writev throws ERR_METHOD_NOT_IMPLEMENTED on write', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable();
    w.on('error', (e) => log('error', e));
    try { w.write('x'); } catch (err) { log('threw', err); }
  });
});
