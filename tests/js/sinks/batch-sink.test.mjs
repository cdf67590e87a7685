// BatchSink: groups writes into batches of N chunks / M bytes for an inner sink — inner.writev
// when it has one, else one concatenated write — flushes the partial batch on final(), loses nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, BatchSink, MemorySink, CountingSink } from '../../../pkg/node.mjs';
import { faces, makeChunks, recordingSink } from './helpers.mjs';

for (const [face, run] of faces) {
  test(`batches of 3 chunks reach inner.writev, the partial one at final, via ${face}`, async () => {
    const inner = recordingSink({ writev: true });
    const chunks = makeChunks(10, 5, 2);
    await run(new BatchSink(inner, { chunks: 3 }), chunks);
    assert.deepEqual(inner.batches.map((b) => b.length), [3, 3, 3, 1]);
    assert.deepEqual(inner.bytes(), Buffer.concat(chunks));
    assert.equal(inner.finals, 1);
  });

  test(`without writev the batch is one concatenated write, via ${face}`, async () => {
    const inner = recordingSink();
    const chunks = makeChunks(7, 4, 3);
    await run(new BatchSink(inner, { chunks: 2 }), chunks);
    assert.deepEqual(inner.chunks.map((c) => c.length), [8, 8, 8, 4]);
    assert.deepEqual(inner.bytes(), Buffer.concat(chunks));
  });

  test(`a byte limit closes a batch once it holds that many bytes, via ${face}`, async () => {
    const inner = recordingSink({ writev: true });
    await run(new BatchSink(inner, { bytes: 10 }), makeChunks(7, 4, 4));
    assert.deepEqual(inner.batches.map((b) => b.length), [3, 3, 1]);
  });

  test(`a Rust inner sink gets every byte in order, via ${face}`, async () => {
    const inner = new MemorySink();
    const chunks = ['one ', Buffer.from('two '), 'three ', new Uint8Array([0x34])];
    const sink = new BatchSink(inner, { chunks: 3 });
    await run(sink, chunks);
    assert.equal(inner.text(), 'one two three 4');
    assert.equal(sink.pendingChunks, 0);
  });

  test(`an async inner writev is awaited: one batch in flight at a time, via ${face}`, async () => {
    let inFlight = 0;
    let peak = 0;
    const got = [];
    const inner = {
      write() { throw new Error('writev expected'); },
      async writev(chunks) {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        got.push(...chunks.map((c) => Buffer.from(c)));
        inFlight--;
      },
    };
    const chunks = makeChunks(40, 100, 5);
    await run(new BatchSink(inner, { chunks: 4 }), chunks, { highWaterMark: 1024 });
    assert.equal(peak, 1);
    assert.deepEqual(Buffer.concat(got), Buffer.concat(chunks));
  });
}

test('objects are batched for an object-mode inner writev', async () => {
  const batches = [];
  const inner = { write() { throw new Error('unused'); }, writev(values) { batches.push(values); } };
  const w = new Writable({ objectMode: true, sink: new BatchSink(inner, { chunks: 2 }) });
  for (const v of [{ a: 1 }, { b: 2 }, { c: 3 }]) w.write(v);
  w.end();
  await once(w, 'finish');
  assert.deepEqual(batches, [[{ a: 1 }, { b: 2 }], [{ c: 3 }]]);
});

test('an inner failure errors the stream with that error', async () => {
  const inner = { write() {}, writev() { throw Object.assign(new Error('batch refused'), { code: 'ERR_TEST' }); } };
  const w = new Writable({ sink: new BatchSink(inner, { chunks: 2 }) });
  w.write('a');
  w.write('b');
  const [err] = await once(w, 'error');
  assert.equal(err.code, 'ERR_TEST');
});

test('defaults: 16 chunks or 64 KiB; bad limits are RangeError ERR_OUT_OF_RANGE', () => {
  const inner = new CountingSink();
  const sink = new BatchSink(inner);
  for (let i = 0; i < 15; i++) sink.write(new Uint8Array(1));
  assert.equal(inner.chunkCount, 0);
  sink.write(new Uint8Array(1));
  assert.equal(inner.chunkCount, 16);
  sink.write(new Uint8Array(65536));
  assert.equal(inner.chunkCount, 17);
  for (const bad of [{ chunks: 0 }, { chunks: 1.5 }, { bytes: -1 }, { bytes: NaN }]) {
    assert.throws(() => new BatchSink(inner, bad), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  }
  assert.throws(() => new BatchSink(inner, { chunks: '2' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new BatchSink(), { code: 'ERR_INVALID_ARG_TYPE' });
});
