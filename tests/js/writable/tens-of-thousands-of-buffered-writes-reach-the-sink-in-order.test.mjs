import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

// The face keeps buffered chunks in arrays of at most 8192 entries (longer ones deoptimised the
// producer's loop: see ChunkQueue in lib/ring.js). A buffer of tens of thousands of writes spans
// several of them; every way out of the buffer (one writev batch, one write at a time, a
// `writableBuffer` read, a destroy that discards it) must see all of them in order, as Node's
// single array does. Each sink call is logged as its first and last chunk and a checksum of
// the order of all of them.

const N = 20000;

/** A chunk that names its position. */
const chunk = (i, objectMode) => (objectMode ? { i } : Buffer.from(String(i)));
const position = (c) => (Buffer.isBuffer(c) ? Number(c.toString()) : c.i);

/** First, last and an order-sensitive checksum of `chunks`. */
function summary(chunks) {
  let sum = 0;
  for (let k = 0; k < chunks.length; k++) sum = (sum * 31 + position(chunks[k]) + 1) % 1000000007;
  return [chunks.length, position(chunks[0]), position(chunks[chunks.length - 1]), sum];
}

/** `n` writes behind a first one the sink holds until all are buffered, then `after(w, log)`. */
function manyBuffered({ writev = true, objectMode = false, corked = false, after = () => {} } = {}) {
  return async ({ Writable, log, listen }) => {
    let release = null;
    const options = {
      objectMode,
      highWaterMark: 1 << 30,
      write(c, e, done) {
        log('write', position(c));
        if (release === null) release = done;
        else queueMicrotask(done);
      },
    };
    if (writev) {
      options.writev = (entries, done) => {
        log('writev', summary(entries.map((entry) => entry.chunk)));
        queueMicrotask(done);
      };
    }
    const w = listen(new Writable(options));
    if (corked) w.cork();
    for (let i = 0; i < N; i++) w.write(chunk(i, objectMode));
    log('buffered', props(w));
    after(w, log);
    if (corked) w.uncork();
    if (release !== null) release();
    w.end();
    await turns();
    log('at the end', props(w));
  };
}

test('tens of thousands of writes buffered behind a write in flight reach writev in one batch, in order, as in Node', async () => {
  await sameAsNode(manyBuffered());
  await sameAsNode(manyBuffered({ objectMode: true }));
});

test('tens of thousands of corked writes reach writev in one batch, in order, as in Node', async () => {
  await sameAsNode(manyBuffered({ corked: true }));
});

test('tens of thousands of buffered writes reach a sink without writev one at a time, in order, as in Node', async () => {
  await sameAsNode(manyBuffered({ writev: false, objectMode: true }));
});

test('writableBuffer over tens of thousands of buffered writes lists them in order, as in Node', async () => {
  await sameAsNode(
    manyBuffered({
      after(w, log) {
        log('writableBuffer', summary(w.writableBuffer.map((entry) => entry.chunk)));
      },
    }),
  );
});

test('a destroy with tens of thousands of writes buffered discards them all, as in Node', async () => {
  await sameAsNode(
    manyBuffered({
      writev: false,
      after(w, log) {
        w.on('error', (err) => log('error', err.message));
        w.destroy(new Error('stop'));
        log('destroyed', props(w));
      },
    }),
  );
});
