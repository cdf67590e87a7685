// GzipSink / DeflateSink: compressed output goes to an inner sink (Rust or JS) and decompresses
// with node:zlib to exactly the input, for several inputs and levels, through both faces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, inflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { GzipSink, DeflateSink, MemorySink, DigestSink, CountingSink } from '../../../pkg/node.mjs';
import { faces, makeChunks, textChunks, recordingSink } from './helpers.mjs';

const inputs = {
  empty: [],
  'one byte': [new Uint8Array([42])],
  text: textChunks(40, 4096),
  random: makeChunks(8, 10_000, 5),
  'mixed strings and bytes': ['héllo ', Buffer.from('wörld '), 'x'.repeat(70_000), new Uint8Array(3)],
};
const concat = (chunks) => Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c))));

for (const [face, run] of faces) {
  for (const [name, chunks] of Object.entries(inputs)) {
    test(`GzipSink round-trips ${name} via ${face}`, async () => {
      const sink = new GzipSink();
      await run(sink, chunks);
      const gz = Buffer.from(sink.inner.bytes());
      assert.deepEqual(gunzipSync(gz), concat(chunks));
    });
  }

  for (const level of [0, 1, 6, 9, -1]) {
    test(`DeflateSink at level ${level} round-trips via ${face}`, async () => {
      const inner = new MemorySink();
      const sink = new DeflateSink(inner, { level });
      assert.equal(sink.inner, inner);
      assert.equal(sink.level, level === -1 ? 6 : level);
      const chunks = inputs.text;
      await run(sink, chunks);
      const out = Buffer.from(inner.bytes());
      assert.deepEqual(inflateSync(out), concat(chunks));
      if (level === 0) assert.ok(out.length > concat(chunks).length);
      else assert.ok(out.length < concat(chunks).length / 3, `level ${level}: ${out.length}`);
    });
  }

  test(`GzipSink into a JS sink object (with async writes and final) via ${face}`, async () => {
    const inner = recordingSink({ delayMs: 1 });
    const sink = new GzipSink(inner, { level: 9 });
    const chunks = inputs.text;
    await run(sink, chunks);
    assert.equal(inner.finals, 1, "the inner sink's final() ran");
    assert.ok(inner.chunks.length >= 1);
    assert.deepEqual(gunzipSync(inner.bytes()), concat(chunks));
  });
}

test('higher levels compress text smaller (1 vs 9)', async () => {
  const sizes = {};
  for (const level of [1, 9]) {
    const sink = new GzipSink(new CountingSink(), { level });
    for (const c of inputs.text) sink.write(c);
    sink.final();
    sizes[level] = sink.inner.byteCount;
  }
  assert.ok(sizes[9] <= sizes[1], JSON.stringify(sizes));
});

test('a Rust inner sink is written directly: GzipSink → DigestSink equals the digest of the gzip bytes', () => {
  const viaMemory = new GzipSink(new MemorySink());
  const viaDigest = new GzipSink(new DigestSink('sha256'));
  for (const c of inputs.random) {
    viaMemory.write(c);
    viaDigest.write(c);
  }
  viaMemory.final();
  viaDigest.final();
  const expected = createHash('sha256').update(viaMemory.inner.bytes()).digest('hex');
  assert.equal(viaDigest.inner.hex(), expected);
});

test('a JS inner that throws or rejects errors the stream with that error', async () => {
  const throwing = { write() { throw Object.assign(new Error('disk full'), { code: 'ENOSPC' }); } };
  const sink = new GzipSink(throwing, { level: 0 });
  assert.throws(() => sink.write(new Uint8Array(100_000)), { code: 'ENOSPC' });
  const rejecting = { write: async () => { throw new Error('nope'); } };
  const sink2 = new GzipSink(rejecting);
  const pending = sink2.write(new Uint8Array(10)); // the gzip header goes out with the first write
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, /nope/);
});

test('an invalid level is a RangeError ERR_OUT_OF_RANGE; a bad inner is ERR_INVALID_ARG_TYPE', () => {
  for (const level of [10, -2, 1.5, NaN, Infinity]) {
    assert.throws(() => new GzipSink(undefined, { level }), (err) => {
      assert.ok(err instanceof RangeError);
      assert.equal(err.code, 'ERR_OUT_OF_RANGE');
      assert.match(err.message, /It must be >= -1 and <= 9\. Received /);
      return true;
    });
  }
  assert.throws(() => new DeflateSink(undefined, { level: '9' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new DeflateSink({ level: 9 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new GzipSink(42), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('through new Writable({ sink }), an inner failure errors the stream with that error', async () => {
  const { Writable } = await import('../../../pkg/node.mjs');
  const { once } = await import('node:events');
  const inner = { write() { throw Object.assign(new Error('disk full'), { code: 'ENOSPC' }); } };
  const w = new Writable({ sink: new GzipSink(inner, { level: 0 }) });
  w.write(new Uint8Array(100_000));
  const [err] = await once(w, 'error');
  assert.equal(err.code, 'ENOSPC');
});
