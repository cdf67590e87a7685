// A real node:stream Readable .pipe()s into our Writable: 'pipe' is emitted on ours with the
// source, and with a slow sink and a fast readable the readable gets paused (data is not all
// pulled and buffered in our stream). The same scenario on node:stream's Writable must give the
// same observable results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable as NodeWritable } from 'node:stream';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const chunkSize = 1024;
  const total = 64;
  const highWaterMark = 4096;
  let produced = 0;
  const r = new Readable({
    highWaterMark: 2048,
    read() {
      if (produced === total) return this.push(null);
      this.push(Buffer.alloc(chunkSize, produced++ & 0xff));
    },
  });
  const received = [];
  let maxLength = 0;
  let maxAhead = 0; // chunks pulled from the source but not yet consumed by the sink
  const w = new WritableClass({
    highWaterMark,
    write(chunk, encoding, cb) {
      received.push(chunk[0]);
      maxAhead = Math.max(maxAhead, produced - received.length);
      setTimeout(cb, 0);
    },
  });
  const pipeSources = [];
  w.on('pipe', (src) => pipeSources.push(src));
  let pauses = 0;
  r.on('pause', () => { pauses += 1; });
  const origWrite = w.write;
  w.write = function write(...args) {
    const ok = origWrite.apply(this, args);
    maxLength = Math.max(maxLength, this.writableLength);
    return ok;
  };
  r.pipe(w);
  await new Promise((resolve, reject) => { w.on('finish', resolve); w.on('error', reject); });
  return {
    pipeEmittedWithSource: pipeSources.length === 1 && pipeSources[0] === r,
    pausedAtLeastOnce: pauses > 0,
    maxLengthWithinHwmPlusChunk: maxLength <= highWaterMark + chunkSize,
    aheadBounded: maxAhead < total / 2,
    maxAhead,
    received: received.join(','),
    ended: w.writableEnded,
  };
}

test('Readable.pipe into ours emits pipe and pauses the fast readable while our slow sink catches up', async () => {
  const ours = await scenario(Writable);
  assert.equal(ours.pipeEmittedWithSource, true, "'pipe' emitted once, with the readable");
  assert.equal(ours.pausedAtLeastOnce, true, 'the readable was paused by backpressure');
  assert.equal(ours.maxLengthWithinHwmPlusChunk, true, 'our buffer stays within highWaterMark + one chunk');
  assert.equal(ours.aheadBounded, true, `the readable did not run far ahead (max ${ours.maxAhead} chunks)`);
  assert.equal(ours.received, Array.from({ length: 64 }, (_, i) => i).join(','), 'all data, in order');
  assert.equal(ours.ended, true, 'pipe ends our stream when the readable ends');
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
