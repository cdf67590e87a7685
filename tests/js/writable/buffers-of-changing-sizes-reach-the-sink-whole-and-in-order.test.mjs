import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

// The face sizes each new buffer array from how full the last two became (see ChunkQueue in
// lib/ring.js): an array that reaches 64 entries moves into one of that length, and is cut to
// its entries when writev receives it. Buffers that fill to changing sizes, above and below that
// length and past the 8192 entries of one array, must still reach the sink whole: every batch
// exactly the chunks written since the last, in order, with no empty slots, as in Node.

/** Sizes of successive buffers: small and large in turn, around 64, and past 8192. */
const SIZES = [100, 16, 100, 300, 5, 70, 65, 64, 63, 1000, 20, 9000, 100, 1, 200];

const chunk = (i, objectMode) => (objectMode ? { i } : Buffer.from(String(i)));
const position = (c) => (Buffer.isBuffer(c) ? Number(c.toString()) : c.i);

/** A batch as the log shows it: its length, its first and last chunk, and whether it is whole. */
function batch(entries) {
  let whole = true;
  let inOrder = true;
  for (let k = 0; k < entries.length; k++) {
    if (!(k in entries) || entries[k] === undefined) whole = false;
    else if (k > 0 && position(entries[k].chunk) !== position(entries[k - 1].chunk) + 1) inOrder = false;
  }
  return [entries.length, position(entries[0].chunk), position(entries[entries.length - 1].chunk), whole, inOrder];
}

/**
 * Completes the sink call in flight (`held.done`), then each one its completion starts, while
 * `more()` holds.
 */
async function release(held, more = () => true) {
  while (held.done !== null && more()) {
    const done = held.done;
    held.done = null;
    done();
    await turns();
  }
}

/**
 * Buffers of SIZES filled one after another. `corked`: each is a cork batch, handed over by its
 * uncork; otherwise each waits behind a write in flight, handed over when that completes.
 */
function changingBuffers({ objectMode = false, corked = false, writev = true } = {}) {
  return async ({ Writable, log, listen }) => {
    const held = { done: null };
    const options = {
      objectMode,
      highWaterMark: 1 << 30,
      write(c, e, done) {
        log('write', position(c));
        held.done = done;
      },
    };
    if (writev) {
      options.writev = (entries, done) => {
        log('writev', batch(entries));
        held.done = done;
      };
    }
    const w = listen(new Writable(options));
    let i = 0;
    for (const size of SIZES) {
      if (corked) w.cork();
      for (let k = 0; k < size; k++) w.write(chunk(i++, objectMode));
      log('filled', size, w.writableLength, w.writableBuffer.length);
      if (corked) w.uncork();
      // Complete whatever is in flight until the buffer has gone to the sink.
      await release(held, () => w.writableBuffer.length > 0);
    }
    await release(held);
    w.end();
    await turns();
    log('at the end', props(w));
  };
}

test('writev receives buffers of changing sizes whole and in order behind a write in flight, as in Node', async () => {
  await sameAsNode(changingBuffers());
  await sameAsNode(changingBuffers({ objectMode: true }));
});

test('writev receives cork batches of changing sizes whole and in order, as in Node', async () => {
  await sameAsNode(changingBuffers({ corked: true }));
  await sameAsNode(changingBuffers({ corked: true, objectMode: true }));
});

test('a sink without writev receives buffers of changing sizes one chunk at a time, in order, as in Node', async () => {
  await sameAsNode(changingBuffers({ writev: false }));
});

test('every writev batch of changing sizes is a dense array of exactly its chunks', async () => {
  const { Writable } = await import('../../../pkg/node.mjs');
  const batches = [];
  const held = { done: null };
  const w = new Writable({
    highWaterMark: 1 << 30,
    write(c, e, done) {
      held.done = done;
    },
    writev(entries, done) {
      batches.push(batch(entries));
      held.done = done;
    },
  });
  let i = 0;
  for (const size of SIZES) {
    w.write(chunk(i++, false));
    for (let k = 1; k < size; k++) w.write(chunk(i++, false));
    await release(held);
  }
  // Each round: its first write goes alone, the rest as one batch (none when the round is 1).
  const expected = [];
  let start = 0;
  for (const size of SIZES) {
    if (size > 1) expected.push([size - 1, start + 1, start + size - 1, true, true]);
    start += size;
  }
  assert.deepEqual(batches, expected);
});
