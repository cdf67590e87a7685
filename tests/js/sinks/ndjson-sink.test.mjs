// NdjsonSink (object mode): each value as one JSON line into an inner byte sink; values JSON
// cannot represent error with a clear message and code ERR_INVALID_ARG_VALUE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, createWritableStream, NdjsonSink, MemorySink, GzipSink } from '../../../pkg/node.mjs';
import { gunzipSync } from 'node:zlib';

const values = [{ a: 1, b: [true, null] }, 'line\nbreak ✓', 42, [1, 'two'], { nested: { deep: 'é' } }, false];
const expected = values.map((v) => JSON.stringify(v) + '\n').join('');

test('new Writable({ objectMode: true, sink: new NdjsonSink(new MemorySink()) }) writes JSON lines', async () => {
  const sink = new NdjsonSink(new MemorySink());
  const w = new Writable({ objectMode: true, sink });
  for (const v of values) w.write(v);
  w.end();
  await once(w, 'finish');
  assert.equal(sink.inner.text(), expected);
  assert.equal(sink.lineCount, values.length);
  assert.deepEqual(sink.inner.text().trimEnd().split('\n').map((l) => JSON.parse(l)), values);
});

test('createWritableStream(new NdjsonSink(inner), { objectMode: true }) writes JSON lines', async () => {
  const inner = new MemorySink();
  const stream = createWritableStream(new NdjsonSink(inner), { objectMode: true });
  const writer = stream.getWriter();
  for (const v of values) writer.write(v);
  await writer.close();
  assert.equal(inner.text(), expected);
});

test('a JS inner sink gets one Uint8Array per line; a Rust wrapper (gzip) works as inner', async () => {
  const lines = [];
  const sink = new NdjsonSink({ write(bytes) { lines.push(Buffer.from(bytes).toString()); } });
  sink.write({ x: 1 });
  sink.write([2]);
  assert.deepEqual(lines, ['{"x":1}\n', '[2]\n']);
  const gz = new GzipSink();
  const w = new Writable({ objectMode: true, sink: new NdjsonSink(gz) });
  for (const v of values) w.write(v);
  w.end();
  await once(w, 'finish');
  assert.equal(gunzipSync(gz.inner.bytes()).toString(), expected);
});

test('values JSON cannot serialise: TypeError ERR_INVALID_ARG_VALUE with a clear message', async () => {
  const sink = new NdjsonSink(new MemorySink());
  const cycle = {};
  cycle.self = cycle;
  for (const [value, pattern] of [
    [10n, /NdjsonSink cannot serialise the value as JSON: .*BigInt/],
    [cycle, /NdjsonSink cannot serialise the value as JSON: .*circular/i],
    [undefined, /NdjsonSink cannot serialise a value of type undefined as JSON/],
    [() => 1, /a value of type function/],
    [Symbol('s'), /a value of type symbol/],
  ]) {
    assert.throws(() => sink.write(value), (err) => {
      assert.ok(err instanceof TypeError);
      assert.equal(err.code, 'ERR_INVALID_ARG_VALUE');
      assert.match(err.message, pattern);
      return true;
    });
  }
  assert.equal(sink.inner.byteLength, 0, 'nothing was written for refused values');
  const w = new Writable({ objectMode: true, sink: new NdjsonSink(new MemorySink()) });
  w.write({ ok: 1 });
  w.write({ big: 1n });
  const [err] = await once(w, 'error');
  assert.equal(err.code, 'ERR_INVALID_ARG_VALUE');
});
