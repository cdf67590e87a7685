import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a destroy implementation may replace the error it was given', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({
      write(c, e, done) { done(); },
      destroy(err, done) { log('destroy got', err); done(null); },
    }));
    w.destroy(new Error('original'));
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
