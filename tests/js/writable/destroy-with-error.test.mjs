import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('destroy(err): error then close, errored set, writableAborted true', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); } }));
    w.destroy(new Error('why'));
    log('props', props(w));
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
