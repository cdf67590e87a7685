import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('end() after finish gives ERR_STREAM_ALREADY_FINISHED to its callback', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); } }));
    w.end(cb('first'));
    await new Promise((r) => w.on('finish', r));
    w.end(cb('second'));
  });
});
