// FanOutSink: every chunk to every sink (Rust or JS); a write completes when all have (a slow
// async JS sink holds the stream back); an error in one errors the whole with that error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { Writable, createWritableStream, FanOutSink, MemorySink, DigestSink, CountingSink } from '../../../pkg/node.mjs';
import { faces, makeChunks, recordingSink } from './helpers.mjs';

/** A JS sink whose writes take `ms` and which records how many of its writes overlap. */
function slowSink(ms) {
  const sink = recordingSink();
  sink.inFlight = 0;
  sink.peak = 0;
  sink.write = async (chunk) => {
    sink.peak = Math.max(sink.peak, ++sink.inFlight);
    await new Promise((r) => setTimeout(r, ms));
    sink.chunks.push(Buffer.from(chunk));
    sink.inFlight--;
  };
  return sink;
}

for (const [face, run] of faces) {
  test(`every chunk reaches Rust and JS sinks, a slow one included, via ${face}`, async () => {
    const memory = new MemorySink();
    const digest = new DigestSink('sha256');
    const counting = new CountingSink();
    const fast = recordingSink();
    const slow = slowSink(3);
    const fan = new FanOutSink([memory, digest, counting, fast, slow]);
    assert.equal(fan.sinks.length, 5);
    const chunks = [...makeChunks(12, 1000, 9), 'text ✓'];
    const t0 = performance.now();
    await run(fan, chunks, { highWaterMark: 2048 });
    const ms = performance.now() - t0;
    const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
    assert.deepEqual(Buffer.from(memory.bytes()), all);
    assert.equal(digest.hex(), createHash('sha256').update(all).digest('hex'));
    assert.equal(counting.byteCount, all.length);
    assert.deepEqual(fast.bytes(), all);
    assert.deepEqual(slow.bytes(), all, 'the stream finished only after the slow sink had everything');
    assert.equal(slow.peak, 1, 'the next write waits for the slow sink');
    assert.ok(ms >= 13 * 3 * 0.7, `${ms} ms`);
    assert.equal(fast.finals, 1);
  });

  test(`an error in one sink errors the whole with that error, via ${face}`, async () => {
    const boom = Object.assign(new Error('sink B failed'), { code: 'ERR_TEST' });
    const failing = { n: 0, write() { if (++this.n === 3) return Promise.reject(boom); return undefined; } };
    const fan = new FanOutSink([new MemorySink(), failing]);
    await assert.rejects(run(fan, makeChunks(6, 10, 1)), (err) => err === boom);
  });
}

test('a synchronous throw fails the write at once; destroy reaches every sink', async () => {
  const a = recordingSink();
  const b = recordingSink({ failOn: 1 });
  const w = new Writable({ sink: new FanOutSink([a, b]) });
  const closed = new Promise((resolve) => w.on('close', resolve));
  const errored = once(w, 'error');
  w.write('x');
  w.write('y');
  const [err] = await errored;
  assert.equal(err.code, 'ERR_TEST');
  await closed;
  assert.equal(a.destroyed.length, 1);
  assert.equal(b.destroyed.length, 1);
});

test('object mode: JS sinks get the values themselves', async () => {
  const seen = [[], []];
  const sinks = seen.map((list) => ({ write(v) { list.push(v); } }));
  const stream = createWritableStream(new FanOutSink(sinks), { objectMode: true });
  const writer = stream.getWriter();
  const value = { id: 1 };
  await writer.write(value);
  await writer.close();
  assert.equal(seen[0][0], value);
  assert.equal(seen[1][0], value);
});

test('bad arguments are ERR_INVALID_ARG_TYPE', () => {
  assert.throws(() => new FanOutSink(new MemorySink()), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new FanOutSink([new MemorySink(), {}]), (err) => err.code === 'ERR_INVALID_ARG_TYPE' && /sinks\[1\]/.test(err.message));
  const empty = new FanOutSink([]);
  assert.equal(empty.write(new Uint8Array(1)), undefined);
});
