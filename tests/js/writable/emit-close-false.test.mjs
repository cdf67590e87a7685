import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('emitClose: false suppresses close', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ emitClose: false, write(c, e, done) { done(); } }));
    w.end('x');
    await new Promise((r) => w.on('finish', r));
  });
});
