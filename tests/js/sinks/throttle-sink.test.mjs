// ThrottleSink: a token bucket in front of a sink. Its pacing is the write's completion, so it
// shows upstream as backpressure: writableLength stays ≤ highWaterMark + one chunk while the
// producer respects 'drain', and the run takes at least ~the theoretical time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, createWritableStream, ThrottleSink, CountingSink } from '../../../pkg/node.mjs';

const RATE = 1024 * 1024; // 1 MiB/s
const BURST = 64 * 1024;
const CHUNK = 16 * 1024;
const TOTAL = 512 * 1024;
const HWM = 32 * 1024;
const theoreticalMs = ((TOTAL - BURST) / RATE) * 1000; // 437.5 ms

test('via new Writable({ sink }): paced at the rate, buffer bounded by highWaterMark + one chunk', async () => {
  const inner = new CountingSink();
  const w = new Writable({ highWaterMark: HWM, sink: new ThrottleSink(inner, { bytesPerSecond: RATE, burst: BURST }) });
  let peak = 0;
  let falses = 0;
  const t0 = performance.now();
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    const ok = w.write(new Uint8Array(CHUNK));
    peak = Math.max(peak, w.writableLength);
    if (!ok) {
      falses++;
      await once(w, 'drain');
    }
  }
  w.end();
  await once(w, 'finish');
  const ms = performance.now() - t0;
  assert.equal(inner.byteCount, TOTAL);
  assert.ok(peak <= HWM + CHUNK, `peak writableLength ${peak}`);
  assert.ok(falses > 0, 'the throttle made write() return false (backpressure upstream)');
  assert.ok(ms >= 0.7 * theoreticalMs, `${ms.toFixed(0)} ms < 70% of ${theoreticalMs} ms`);
  console.log(`# Writable: ${ms.toFixed(0)} ms for ${theoreticalMs} ms theoretical, peak length ${peak}, ${falses} false writes`);
});

test('via createWritableStream(sink): paced, desiredSize bounded', async () => {
  const inner = new CountingSink();
  const stream = createWritableStream(new ThrottleSink(inner, { bytesPerSecond: RATE, burst: BURST }), { highWaterMark: HWM });
  const writer = stream.getWriter();
  let lowest = Infinity;
  const t0 = performance.now();
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    await writer.ready;
    writer.write(new Uint8Array(CHUNK));
    lowest = Math.min(lowest, writer.desiredSize);
  }
  await writer.close();
  const ms = performance.now() - t0;
  assert.equal(inner.byteCount, TOTAL);
  assert.ok(lowest >= -CHUNK, `desiredSize went down to ${lowest}`);
  assert.ok(ms >= 0.7 * theoreticalMs, `${ms.toFixed(0)} ms`);
});

test('a JS inner gets the chunks themselves, after the wait', async () => {
  const got = [];
  const inner = { write(c) { got.push(c); } };
  const sink = new ThrottleSink(inner, { bytesPerSecond: 1000, burst: 10 });
  const a = new Uint8Array(10);
  assert.equal(sink.write(a), undefined, 'within the burst: synchronous');
  assert.equal(got[0], a);
  const t0 = performance.now();
  const pending = sink.write(new Uint8Array(50)); // 50 ms of tokens
  assert.ok(pending instanceof Promise);
  assert.equal(got.length, 1, 'not handed over before the wait');
  await pending;
  assert.ok(performance.now() - t0 >= 35);
  assert.equal(got.length, 2);
});

test('options: bytesPerSecond required and positive; burst defaults to bytesPerSecond', () => {
  const inner = new CountingSink();
  assert.throws(() => new ThrottleSink(inner, {}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new ThrottleSink(inner), { code: 'ERR_INVALID_ARG_TYPE' });
  for (const bad of [0, -5, NaN, Infinity]) {
    assert.throws(() => new ThrottleSink(inner, { bytesPerSecond: bad }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  }
  assert.throws(() => new ThrottleSink(inner, { bytesPerSecond: 10, burst: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  const sink = new ThrottleSink(inner, { bytesPerSecond: 500 });
  assert.deepEqual([sink.bytesPerSecond, sink.burst, sink.inner === inner], [500, 500, true]);
});
