import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test("a 'finish' listener may destroy with an error before autoDestroy runs", async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); } }));
    w.on('finish', () => w.destroy(new Error('after finish')));
    w.end('x');
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
