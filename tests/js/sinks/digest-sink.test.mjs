// DigestSink: SHA-1 / SHA-256 / SHA-512 of everything written, checked against node:crypto (and
// Web Crypto) on the same data through both faces, including empty and large streamed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { DigestSink } from '../../../pkg/node.mjs';
import { faces, makeChunks } from './helpers.mjs';

function nodeDigest(algorithm, chunks) {
  const h = createHash(algorithm);
  for (const c of chunks) h.update(c);
  return h.digest();
}

for (const [face, run] of faces) {
  for (const algorithm of ['sha1', 'sha256', 'sha512']) {
    test(`DigestSink('${algorithm}') equals crypto.createHash via ${face}`, async () => {
      const chunks = [...makeChunks(20, 1000, 7), Buffer.from('tail'), 'and a string ✓'];
      const sink = new DigestSink(algorithm);
      await run(sink, chunks);
      const expected = nodeDigest(algorithm, chunks);
      assert.deepEqual(Buffer.from(sink.digest()), expected);
      assert.equal(sink.hex(), expected.toString('hex'));
      assert.equal(sink.algorithm, algorithm);
      assert.ok(sink.digest() instanceof Uint8Array);
    });
  }

  test(`DigestSink of empty input via ${face}`, async () => {
    for (const algorithm of ['sha1', 'sha256', 'sha512']) {
      const sink = new DigestSink(algorithm);
      await run(sink, []);
      assert.equal(sink.hex(), createHash(algorithm).digest('hex'));
      assert.equal(sink.byteCount, 0);
    }
  });
}

test('DigestSink agrees with Web Crypto (SHA-256 spelling accepted)', async () => {
  const data = makeChunks(1, 100_000, 3)[0];
  const sink = new DigestSink('SHA-256');
  sink.write(data);
  const expected = new Uint8Array(await webcrypto.subtle.digest('SHA-256', data));
  assert.deepEqual(sink.digest(), expected);
  assert.equal(new DigestSink().algorithm, 'sha256', 'sha256 is the default');
});

test('an unknown algorithm is a TypeError with code ERR_INVALID_ARG_VALUE', () => {
  for (const bad of ['md5', 'sha3-256', '']) {
    assert.throws(() => new DigestSink(bad), (err) => {
      assert.ok(err instanceof TypeError);
      assert.equal(err.code, 'ERR_INVALID_ARG_VALUE');
      assert.match(err.message, /'sha1', 'sha256', 'sha512'/);
      return true;
    });
  }
  assert.throws(() => new DigestSink(256), { code: 'ERR_INVALID_ARG_TYPE' });
});

// 256 MiB in 64 KiB chunks, streamed (the chunks are reused, so memory stays flat).
const LARGE_CHUNKS = 4096;
const pool = makeChunks(16, 64 * 1024, 11);
function* largeInput() {
  for (let i = 0; i < LARGE_CHUNKS; i++) yield pool[i % pool.length];
}

for (const [face, run] of faces) {
  test(`DigestSink('sha256') of 256 MiB streamed in 64 KiB chunks via ${face}`, { timeout: 30_000 }, async () => {
    const sink = new DigestSink('sha256');
    const t0 = performance.now();
    await run(sink, largeInput(), { highWaterMark: 256 * 1024 });
    const ms = performance.now() - t0;
    assert.equal(sink.byteCount, LARGE_CHUNKS * 64 * 1024);
    assert.equal(sink.hex(), nodeDigest('sha256', largeInput()).toString('hex'));
    console.log(`# ${face}: 256 MiB sha256 in ${ms.toFixed(0)} ms (${(256 / (ms / 1000)).toFixed(0)} MiB/s)`);
  });
}
