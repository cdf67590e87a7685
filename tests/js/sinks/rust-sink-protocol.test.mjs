// The built-in Rust sinks follow the sink object protocol through both faces: strings, bytes and
// ArrayBuffers in, writev for corked batches, undefined from every synchronous call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, MemorySink, CountingSink } from '../../../pkg/node.mjs';
import { faces } from './helpers.mjs';

for (const [face, run] of faces) {
  test(`MemorySink collects strings, Buffers and other views via ${face}`, async () => {
    const sink = new MemorySink();
    const view = new DataView(new Uint8Array([0, 0x21, 0]).buffer, 1, 1);
    await run(sink, ['héllo', Buffer.from(' wo'), new Uint8Array([0x72, 0x6c, 0x64]), view]);
    assert.equal(sink.text(), 'héllo world!');
  });
}

test('Rust sink calls complete synchronously: they return undefined', () => {
  const sink = new CountingSink();
  assert.equal(sink.write(new Uint8Array(3)), undefined);
  assert.equal(sink.writeString('ab'), undefined);
  assert.equal(sink.writev([new Uint8Array(1), 'c']), undefined);
  assert.equal(sink.final(), undefined);
  assert.deepEqual([sink.byteCount, sink.chunkCount], [7, 4]);
});

test('a corked batch reaches a Rust sink as one writev, all or nothing against the limit', async () => {
  const sink = new MemorySink({ limit: 4 });
  const w = new Writable({ sink });
  w.on('error', () => {});
  w.cork();
  w.write('ab');
  w.write('cd');
  w.write('e');
  const [err] = await Promise.all([once(w, 'error').then(([e]) => e), Promise.resolve(w.uncork())]);
  assert.equal(err.code, 'ERR_SINK_LIMIT');
  assert.equal(sink.byteLength, 0);
});

test('a chunk that is not bytes is refused with ERR_INVALID_ARG_TYPE; an ArrayBuffer is bytes', () => {
  const sink = new MemorySink();
  sink.write(new Uint8Array([0x61]).buffer);
  assert.equal(sink.text(), 'a');
  assert.throws(() => sink.write(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => sink.write({}), { code: 'ERR_INVALID_ARG_TYPE' });
});
