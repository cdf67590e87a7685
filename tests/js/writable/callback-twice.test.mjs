import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a sink calling back twice errors with ERR_MULTIPLE_CALLBACK', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); done(); } }));
    w.write('x');
  });
});
