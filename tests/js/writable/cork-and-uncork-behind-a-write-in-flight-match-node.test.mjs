import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

// Behind a write in flight, writes stay buffered whatever cork() and uncork() do: the face then
// only counts them, and the core hears of them with its next use. Everything observable must
// stay Node's: what writableCorked says, that a completion while corked leaves the buffer
// buffered, that the last uncork() flushes once nothing is in flight, end() uncorking fully.

/** A stream whose sink completes as `complete` says (writev too unless `writev` is false). */
function stream(Writable, log, listen, complete, writev = true) {
  const later = (done) => (complete === 'microtask' ? queueMicrotask(done) : setImmediate(done));
  const options = {
    highWaterMark: 64,
    write(chunk, enc, done) {
      log('write', chunk.length);
      later(done);
    },
  };
  if (writev) {
    options.writev = (entries, done) => {
      log('writev', entries.map((e) => e.chunk.length));
      later(done);
    };
  }
  return listen(new Writable(options));
}

for (const complete of ['microtask', 'setImmediate']) {
  for (const writev of [true, false]) {
    const label = `(${complete}${writev ? ', writev' : ''})`;

    test(`cork batches behind a write in flight batch and flush as in Node ${label}`, async () => {
      await sameAsNode(async ({ Writable, log, listen }) => {
        const w = stream(Writable, log, listen, complete, writev);
        log('ret', w.write(Buffer.alloc(3)));
        for (let b = 0; b < 6; b++) {
          w.cork();
          for (let j = 0; j < 3; j++) w.write(Buffer.alloc(1 + b));
          w.uncork();
        }
        log('state', props(w));
        await turns();
        log('at the end', props(w));
      });
    });

    test(`nested corks behind a write in flight, read between, keep Node's counts ${label}`, async () => {
      await sameAsNode(async ({ Writable, log, listen }) => {
        const w = stream(Writable, log, listen, complete, writev);
        w.write(Buffer.alloc(3));
        w.cork();
        w.write(Buffer.alloc(2));
        w.cork();
        w.write(Buffer.alloc(2));
        log('corked', w.writableCorked, w.writableLength);
        w.uncork();
        w.write(Buffer.alloc(2));
        w.uncork();
        log('uncorked', w.writableCorked, w.writableLength);
        w.uncork();
        log('once more', w.writableCorked);
        await turns();
        log('at the end', props(w));
      });
    });

    test(`a completion while corked behind it leaves the buffer until the last uncork(), as in Node ${label}`, async () => {
      await sameAsNode(async ({ Writable, log, listen }) => {
        const w = stream(Writable, log, listen, complete, writev);
        w.write(Buffer.alloc(3));
        w.cork();
        w.cork();
        w.write(Buffer.alloc(4));
        w.uncork();
        w.write(Buffer.alloc(5));
        await turns();
        log('after the completion', props(w));
        w.uncork();
        log('uncorked', props(w));
        await turns();
        log('at the end', props(w));
      });
    });

    test(`uncork() of the cork that came before the write in flight flushes after its completion, as in Node ${label}`, async () => {
      await sameAsNode(async ({ Writable, log, listen }) => {
        const w = stream(Writable, log, listen, complete, writev);
        w.write(Buffer.alloc(3));
        w.cork();
        w.write(Buffer.alloc(4));
        w.cork();
        w.write(Buffer.alloc(5));
        w.uncork();
        w.uncork();
        w.cork();
        w.write(Buffer.alloc(6));
        w.uncork();
        await turns();
        log('at the end', props(w));
      });
    });

    test(`end(), destroy() and a write with a callback among corks behind a write in flight keep Node's order ${label}`, async () => {
      for (const act of ['end', 'destroy', 'callback']) {
        await sameAsNode(async ({ Writable, log, listen }) => {
          const w = stream(Writable, log, listen, complete, writev);
          w.on('finish', () => log('finish'));
          w.write(Buffer.alloc(3));
          w.cork();
          w.write(Buffer.alloc(2));
          w.cork();
          w.write(Buffer.alloc(2));
          if (act === 'end') w.end(() => log('end callback'));
          else if (act === 'destroy') w.destroy();
          else log('ret', w.write(Buffer.alloc(1), (err) => log('write callback', err?.code ?? null)));
          log(act, props(w));
          await turns();
          log('at the end', props(w));
        });
      }
    });
  }
}

test('a cork batch a sink makes inside its call, which it then completes, goes out next as in Node', async () => {
  for (const writev of [true, false]) {
    await sameAsNode(async ({ Writable, log, listen }) => {
      let k = 0;
      const options = {
        highWaterMark: 40,
        write(chunk, enc, done) {
          const i = k++;
          log('write', chunk.length);
          if (i === 1) {
            w.cork();
            log('ret', w.write(Buffer.alloc(1)));
            w.uncork();
            done();
          } else if (i === 0) {
            setImmediate(done);
          } else {
            done();
          }
        },
      };
      if (writev) options.writev = (entries, done) => { log('writev', entries.length); done(); };
      const w = listen(new Writable(options));
      w.write(Buffer.alloc(8));
      w.write(Buffer.alloc(3));
      await turns();
      log('at the end', props(w));
    });
  }
});
