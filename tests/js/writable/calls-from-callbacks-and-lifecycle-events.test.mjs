import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

// What a write callback or a lifecycle listener ('prefinish', 'finish', 'error', 'close', the
// end callback) does to the stream happens inside its call, in Node's order, with a sink that
// completes inside its call, on a microtask, or on setImmediate.

const completions = {
  sync: (done) => done(),
  microtask: (done) => queueMicrotask(done),
  setImmediate: (done) => setImmediate(done),
};

function stream(Writable, log, listen, completion, extra = {}) {
  const complete = completions[completion];
  const w = listen(new Writable({
    highWaterMark: 16,
    write(chunk, enc, done) {
      log('sink', chunk.length, w.writableLength);
      complete(done);
    },
    final(done) {
      log('final', w.writableLength);
      complete(done);
    },
    ...extra,
  }));
  return w;
}

const settle = () => turns();

for (const completion of Object.keys(completions)) {
  test(`end() from a write callback finishes in Node's order (${completion} sink)`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      const w = stream(Writable, log, listen, completion);
      w.write(Buffer.alloc(4), () => {
        log('callback', props(w));
        w.end(Buffer.alloc(2), cb('end'));
        log('after end', props(w));
      });
      w.write(Buffer.alloc(3), cb('second'));
      await settle();
      log('done', props(w));
    });
  });

  test(`a write from 'prefinish' or 'finish' is refused as in Node (${completion} sink)`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      const w = stream(Writable, log, listen, completion);
      w.on('prefinish', () => log('prefinish write', w.write(Buffer.alloc(1), cb('in prefinish'))));
      w.on('finish', () => {
        try {
          w.write(Buffer.alloc(1), cb('in finish'));
        } catch (err) {
          log('threw', err.code);
        }
        log('in finish', props(w));
      });
      w.write(Buffer.alloc(5));
      w.end();
      await settle();
      log('done', props(w));
    });
  });

  test(`destroy() from a write callback with writes buffered, as in Node (${completion} sink)`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      const w = stream(Writable, log, listen, completion);
      w.write(Buffer.alloc(4), () => {
        log('callback', props(w));
        w.destroy(new Error('stop'));
        log('after destroy', props(w));
      });
      w.write(Buffer.alloc(3), cb('buffered 1'));
      w.write(Buffer.alloc(2), cb('buffered 2'));
      await settle();
      log('done', props(w));
    });
  });

  test(`a corked batch flushed from the end callback of another stream, as in Node (${completion} sink)`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      const w = stream(Writable, log, listen, completion);
      const first = stream(Writable, () => {}, (x) => x, completion);
      first.end(Buffer.alloc(1), () => {
        w.cork();
        w.write(Buffer.alloc(2), cb('a'));
        w.write(Buffer.alloc(3), cb('b'));
        w.uncork();
        log('uncorked', props(w));
      });
      await settle();
      w.end();
      await settle();
      log('done', props(w));
    });
  });

  test(`uncork() in a write callback with a writev sink, as in Node (${completion} sink)`, async () => {
    await sameAsNode(async ({ Writable, log, cb, listen }) => {
      const complete = completions[completion];
      const w = stream(Writable, log, listen, completion, {
        writev(entries, done) {
          log('sink batch', entries.length, w.writableLength);
          complete(done);
        },
      });
      w.write(Buffer.alloc(4), () => {
        w.cork();
        for (let i = 0; i < 3; i++) log('write', w.write(Buffer.alloc(6), cb(`c${i}`)));
        w.uncork();
        log('uncorked', props(w));
      });
      await settle();
      w.end();
      await settle();
      log('done', props(w));
    });
  });
}
