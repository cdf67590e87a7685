import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a construct error destroys the stream with it', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      construct(done) { done(new Error('no')); },
      write(c, e, done) { log('write', c); done(); },
    }));
    w.write('a', cb('a'));
    await new Promise((r) => w.on('close', r));
  });
});
