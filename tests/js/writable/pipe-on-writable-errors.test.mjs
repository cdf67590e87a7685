import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('pipe() on a Writable errors with ERR_STREAM_CANNOT_PIPE', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); } }));
    w.pipe();
  });
});
