import { test } from 'node:test';
import { sameAsNode } from '../helpers/trace.mjs';

// Node's clearBuffer hands writes out one at a time when it starts with one buffered (writev
// sink or not), and its loop goes on with the writes buffered since, one by one, while each
// completes inside its call. Writes a sink makes inside such a call (here a cork batch) are
// therefore written one by one, not as a writev batch, until one completes later; the rest then
// go to writev. The face once took such a batch as one record and lost all but its first write.

const name = (chunk) => (chunk.length === 0 ? 'empty' : chunk.toString());

/** A writev sink; sink call `inside` makes `batch(w)`; each call completes as `how[k]` says. */
function scenario(how, inside, batch) {
  return async ({ Writable, log, listen }) => {
    let k = 0;
    const complete = (done) => {
      const h = how[k - 1] ?? 'sync';
      if (h === 'sync') done();
      else if (h === 'microtask') queueMicrotask(done);
      else setImmediate(done);
    };
    const w = listen(new Writable({
      highWaterMark: 16,
      write(chunk, enc, done) {
        k++;
        log('write', name(chunk));
        if (k === inside) batch(w, log);
        complete(done);
      },
      writev(entries, done) {
        k++;
        log('writev', entries.map((e) => name(e.chunk)));
        complete(done);
      },
    }));
    w.write(Buffer.alloc(0));
    w.write(Buffer.from('B'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    w.end();
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
}

const corkBatch = (w, log) => {
  w.cork();
  log('rets', [w.write(Buffer.alloc(0)), w.write(Buffer.from('C')), w.write(Buffer.from('D')), w.write(Buffer.alloc(0))]);
  w.uncork();
};

test('a cork batch made inside a write that a one-by-one flush handed out goes out one write at a time, as in Node', async () => {
  await sameAsNode(scenario(['immediate', 'sync', 'sync', 'immediate'], 2, corkBatch));
  await sameAsNode(scenario(['immediate', 'sync', 'sync', 'sync', 'sync', 'sync'], 2, corkBatch));
  await sameAsNode(scenario(['microtask', 'sync', 'microtask', 'sync'], 2, corkBatch));
});

test('writes without cork made inside such a write go out one at a time too, as in Node', async () => {
  const plain = (w, log) => {
    log('rets', [w.write(Buffer.from('C')), w.write(Buffer.from('D')), w.write(Buffer.from('E'), () => log('callback'))]);
  };
  await sameAsNode(scenario(['immediate', 'sync', 'sync', 'immediate'], 2, plain));
});
