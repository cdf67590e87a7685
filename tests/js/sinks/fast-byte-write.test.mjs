// The Rust sinks' write(chunk) copies a Uint8Array into wasm through the inbox (lib/rust-sinks.js):
// same answers as the generic path — undefined, a promise, a throw with the sink's code — for any
// size, while wasm memory grows, re-entered through a JS inner sink, and declined by sinks that
// take JS values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingSink, MemorySink, GzipSink, FanOutSink, wasmMemory } from '../../../pkg/node.mjs';
import { gunzipSync } from 'node:zlib';

const bytes = (n, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test('write(Uint8Array) of every size, growing the inbox and wasm memory, keeps every byte', () => {
  const sink = new MemorySink();
  const expected = [];
  for (const n of [0, 1, 16, 300, 4096, 65536, 300000, 1 << 20, (1 << 20) + 1, 16]) {
    const chunk = bytes(n, n);
    assert.equal(sink.write(chunk), undefined);
    expected.push(chunk);
  }
  // A view into the middle of a larger buffer, and a Buffer.
  const big = bytes(100, 7);
  sink.write(big.subarray(10, 30));
  sink.write(Buffer.from('xyz'));
  expected.push(big.subarray(10, 30), Buffer.from('xyz'));
  assert.deepEqual(Buffer.from(sink.bytes()), Buffer.concat(expected));
  assert.ok(wasmMemory().buffer.byteLength > 0);
});

test('a failing write throws the sink error (with its code) and writes nothing', () => {
  const sink = new MemorySink({ limit: 4 });
  sink.write(bytes(3));
  assert.throws(() => sink.write(bytes(2)), (err) => err instanceof Error && err.code === 'ERR_SINK_LIMIT');
  assert.equal(sink.byteLength, 3);
  const counting = new CountingSink();
  counting.write(bytes(5));
  assert.equal(counting.byteCount, 5);
});

test('a pending write returns the promise of the Rust sink (GzipSink over an async JS sink)', async () => {
  const parts = [];
  const inner = {
    write(c) {
      parts.push(Buffer.from(c));
      return new Promise((resolve) => setTimeout(resolve, 1));
    },
  };
  const gzip = new GzipSink(inner, { level: 1 });
  let pending = 0;
  for (let i = 0; i < 20; i++) {
    const r = gzip.write(bytes(20000, i));
    if (r !== undefined) {
      pending++;
      assert.equal(typeof r.then, 'function');
      await r;
    }
  }
  const f = gzip.final();
  if (f !== undefined) await f;
  assert.ok(pending > 0, 'some writes were pending');
  const expected = Buffer.concat(Array.from({ length: 20 }, (_, i) => bytes(20000, i)));
  assert.deepEqual(gunzipSync(Buffer.concat(parts)), expected);
});

test('re-entered from a JS inner sink, a nested Rust sink write takes the generic path and loses nothing', () => {
  const counting = new CountingSink();
  const inner = {
    write(c) {
      counting.write(new Uint8Array(c)); // inside GzipSink's inbox write
    },
  };
  const gzip = new GzipSink(inner, { level: 0 });
  for (let i = 0; i < 10; i++) assert.equal(gzip.write(bytes(70000, i)), undefined);
  gzip.final();
  assert.ok(counting.byteCount > 700000);
});

test('a sink that takes JS values (FanOutSink to a JS sink) still hands the chunk itself on', () => {
  const seen = [];
  const fan = new FanOutSink([{ write(c) { seen.push(c); } }]);
  const chunk = bytes(8);
  fan.write(chunk);
  fan.write(chunk);
  assert.equal(seen.length, 2);
  assert.deepEqual(Buffer.from(seen[1]), Buffer.from(chunk));
});

test('a Rust sink written again from inside its own write throws ERR_SINK_BUSY, by either path, and loses nothing', () => {
  const parts = [];
  const codes = [];
  let gzip = null;
  const inner = {
    write(c) {
      parts.push(Buffer.from(c));
      try {
        gzip.write(bytes(5, 9)); // re-entered: the outer write still holds the sink
      } catch (err) {
        codes.push(err.code);
      }
    },
  };
  gzip = new GzipSink(inner, { level: 0 });
  // A Uint8Array goes through the inbox (the nested write then takes the generic path); a
  // string through the generic path (the nested write then tries the inbox).
  const text = 'x'.repeat(70000);
  gzip.write(bytes(70000, 1));
  const afterBytes = codes.length;
  gzip.write(text);
  gzip.final();
  assert.ok(afterBytes > 0, 'the inbox write reached the inner sink');
  assert.ok(codes.length > afterBytes, 'the generic write reached the inner sink');
  assert.deepEqual([...new Set(codes)], ['ERR_SINK_BUSY']);
  assert.deepEqual(gunzipSync(Buffer.concat(parts)), Buffer.concat([Buffer.from(bytes(70000, 1)), Buffer.from(text)]));
});
