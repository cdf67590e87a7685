import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// When final fails, Node calls the end callbacks with the error first, then errors or destroys
// the stream: a callback sees it not yet destroyed, and what it does comes first.

for (const later of [false, true]) {
  test(`end callbacks after a final that fails ${later ? 'on a microtask' : 'inside its call'} see the stream before it is destroyed`, async () => {
    await sameAsNode(async ({ Writable, log, listen }) => {
      const w = listen(new Writable({
        write(chunk, enc, done) {
          done();
        },
        final(done) {
          const fail = () => done(new Error('final failed'));
          if (later) queueMicrotask(fail);
          else fail();
        },
      }));
      w.write(Buffer.alloc(3));
      w.end((err) => {
        log('end cb', err ?? null, props(w));
        log('write from the end callback', w.write(Buffer.alloc(1)));
      });
      await new Promise((r) => setTimeout(r, 5));
      log('at the end', props(w));
    });
  });
}
