import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test("a sink error reaches the write's callback first, then 'error', then 'close'", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { setImmediate(() => done(new Error('boom'))); } }));
    w.write('a', cb('a'));
    w.write('b', cb('b'));
    w.write('c', cb('c'));
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
