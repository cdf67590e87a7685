import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('an error from final goes to the end callback and errors the stream', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(c, e, done) { done(); },
      final(done) { done(new Error('final failed')); },
    }));
    w.end('x', cb('end'));
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
