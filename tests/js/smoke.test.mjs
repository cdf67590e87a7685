// Smoke test of the built package (pkg/, from `make pkg`): load it in Node ESM and write a mix of
// strings and bytes through a Rust MemorySink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable, MemorySink, CountingSink } from '../../pkg/node.mjs';

test('bytes and strings written through a MemorySink arrive in order', async () => {
  const sink = new MemorySink();
  const w = new Writable({ sink });
  const finished = new Promise((resolve, reject) => {
    w.on('finish', resolve);
    w.on('error', reject);
  });
  w.write('hello ');
  w.write(new Uint8Array([0xe2, 0x82, 0xac, 0x20])); // "€ "
  w.end('world');
  await finished;
  assert.equal(sink.text(), 'hello € world');
  assert.deepEqual(sink.bytes(), new TextEncoder().encode('hello € world'));
  assert.equal(sink.byteLength, 15);
});

test('CountingSink counts bytes and chunks', async () => {
  const sink = new CountingSink();
  const w = new Writable({ sink });
  const finished = new Promise((resolve) => w.on('finish', resolve));
  w.write('abc');
  w.end(new Uint8Array(5));
  await finished;
  assert.equal(sink.byteCount, 8);
  assert.equal(sink.chunkCount, 2);
});

test('a MemorySink limit fails the write with ERR_SINK_LIMIT and keeps what fitted', () => {
  const sink = new MemorySink({ limit: 4 });
  sink.write(new Uint8Array([1, 2, 3]));
  assert.throws(() => sink.writeString('xy'), (err) => {
    assert.ok(err instanceof Error);
    assert.equal(err.code, 'ERR_SINK_LIMIT');
    assert.match(err.message, /limit of 4 bytes/);
    return true;
  });
  assert.deepEqual(sink.bytes(), new Uint8Array([1, 2, 3]));
  assert.equal(sink.limit, 4);
});

test('MemorySink validates its limit like Node validators do', () => {
  assert.throws(() => new MemorySink({ limit: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => new MemorySink({ limit: '1' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.equal(new MemorySink({}).limit, undefined);
  assert.equal(new MemorySink({ limit: Infinity }).limit, undefined);
});
