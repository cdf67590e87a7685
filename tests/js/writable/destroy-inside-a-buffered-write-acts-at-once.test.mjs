import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// destroy() (or end()) from inside a sink call that the stream made from its buffer does its
// work inside the call, as in Node: the stream's own destroy has run when destroy() returns.

for (const how of ['destroy', 'destroy with error', 'end']) {
  test(`${how} from inside a buffered write's sink call acts at once, as in Node`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      let n = 0;
      const w = listen(new Writable({
        highWaterMark: 16,
        write(chunk, enc, done) {
          const k = n++;
          log('sink', k, w.writableLength);
          if (k === 1) {
            if (how === 'end') w.end(Buffer.alloc(2), cb('end'));
            else w.destroy(how === 'destroy' ? undefined : new Error('stop'));
            log(`after ${how}`, props(w));
          }
          queueMicrotask(done);
        },
        destroy(err, done) {
          log('sink destroy', err ?? null);
          done(err);
        },
      }));
      w.write(Buffer.alloc(4), cb('first'));
      w.write(Buffer.alloc(5), cb('second'));
      w.write(Buffer.alloc(6), cb('third'));
      await new Promise((r) => setTimeout(r, 5));
      log('at the end', props(w));
    });
  });
}
