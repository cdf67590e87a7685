// Streams-chapter example 9: a token-bucket rate-limited sink (bytes per second, with a burst).
// The producer respects backpressure (waits for 'drain'), so buffered bytes never exceed
// highWaterMark + one chunk, and the total time is bounded below by the rate. Timing is asserted
// loosely (at least ~70% of the theoretical minimum; never an upper bound).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

function tokenBucketSink({ bytesPerSecond, burst }, received) {
  let tokens = burst;
  let last = performance.now();
  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * bytesPerSecond);
    last = now;
  };
  return {
    write(chunk, encoding, cb) {
      const take = () => {
        refill();
        if (tokens >= chunk.length) {
          tokens -= chunk.length;
          received.push(Buffer.from(chunk));
          cb();
        } else {
          setTimeout(take, Math.ceil(((chunk.length - tokens) / bytesPerSecond) * 1000));
        }
      };
      take();
    },
  };
}

test('a token-bucket sink limits throughput and a backpressure-respecting producer stays within highWaterMark + one chunk', async () => {
  const bytesPerSecond = 20_000;
  const burst = 2_000;
  const chunkSize = 500;
  const chunks = 24; // 12 000 bytes: the first 2 000 ride the burst, the rest need 0.5 s
  const highWaterMark = 2_000;
  const received = [];
  const w = new Writable({ highWaterMark, ...tokenBucketSink({ bytesPerSecond, burst }, received) });

  const sent = [];
  let peak = 0;
  let drains = 0;
  const start = performance.now();
  for (let i = 0; i < chunks; i++) {
    const chunk = Buffer.alloc(chunkSize, i);
    sent.push(chunk);
    const ok = w.write(chunk);
    peak = Math.max(peak, w.writableLength);
    if (!ok) {
      await once(w, 'drain');
      drains += 1;
    }
  }
  w.end();
  await once(w, 'finish');
  const elapsed = performance.now() - start;

  const theoreticalMs = ((chunks * chunkSize - burst) / bytesPerSecond) * 1000;
  assert.ok(elapsed >= 0.7 * theoreticalMs, `took ${elapsed.toFixed(0)} ms, theoretical minimum ${theoreticalMs} ms`);
  assert.ok(peak <= highWaterMark + chunkSize, `peak buffered ${peak} <= ${highWaterMark + chunkSize}`);
  assert.ok(drains > 0, 'the producer had to wait for drain');
  assert.deepEqual(Buffer.concat(received), Buffer.concat(sent), 'every byte arrived, in order');
});
