import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('write(null) throws ERR_STREAM_NULL_VALUES synchronously', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ write(c, e, done) { done(); } });
    try { w.write(null); } catch (err) { log('threw', err, err.message); }
    const o = new Writable({ objectMode: true, write(c, e, done) { done(); } });
    try { o.write(null); } catch (err) { log('threw', err); }
  });
});
