import { test } from 'node:test';
import { sameAsNode } from '../helpers/trace.mjs';

test('a write completed later in the same tick gets its own callback, not an older deferred one', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let pending = null;
    const w = listen(new Writable({
      write(chunk, e, done) {
        if (chunk[0] === 1) done();
        else pending = done;
      },
    }));
    w.write(Buffer.from([1]), cb('A (sync)'));
    w.write(Buffer.from([2]), cb('B (completed by hand, with an error)'));
    pending(new Error('B failed'));
    log('after B completed');
  });
});
