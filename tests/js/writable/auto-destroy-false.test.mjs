import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('autoDestroy: false leaves the stream alive after finish', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ autoDestroy: false, write(c, e, done) { done(); } }));
    w.end('x');
    await new Promise((r) => w.on('finish', r));
    log('props', props(w));
  });
});
