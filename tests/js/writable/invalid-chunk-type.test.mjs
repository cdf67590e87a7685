import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a number, object or ArrayBuffer in byte mode throws ERR_INVALID_ARG_TYPE', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ write(c, e, done) { done(); } });
    for (const bad of [1, {}, [], true, undefined, new ArrayBuffer(2), 12n]) {
      try { w.write(bad); } catch (err) { log('threw', err, err.message); }
    }
    log('props', props(w));
  });
});
