// Streams-chapter example 10: a fan-out sink writing each chunk to several destinations; a write
// completes only when every destination has it (Promise.all), so one slow destination paces the
// stream. Destinations: a Rust MemorySink behind our Writable, a slow JS Writable of ours, and a
// plain array.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable, MemorySink } from '../../../pkg/node.mjs';

const writeTo = (dest, chunk) =>
  new Promise((resolve, reject) => dest.write(chunk, (err) => (err ? reject(err) : resolve())));
const endOf = (dest) => new Promise((resolve, reject) => {
  dest.once('error', reject);
  dest.end(resolve);
});

test('a fan-out sink completes each write only when all destinations, including a slow one, have it', async () => {
  const log = [];
  const memory = new MemorySink();
  const fast = new Writable({ sink: memory });
  const slowChunks = [];
  const slow = new Writable({
    write(chunk, encoding, cb) {
      setTimeout(() => {
        slowChunks.push(chunk.toString());
        log.push(`slow:${chunk}`);
        cb();
      }, 10);
    },
  });
  const array = [];
  const destinations = [
    fast,
    slow,
    { write: (chunk, cb) => { array.push(chunk.toString()); cb(); }, end: (cb) => cb() },
  ];

  const fanOut = new Writable({
    write(chunk, encoding, cb) {
      Promise.all(destinations.map((d) => writeTo(d, chunk))).then(() => cb(), cb);
    },
    final(cb) {
      Promise.all([endOf(fast), endOf(slow)]).then(() => cb(), cb);
    },
  });
  for (const s of ['alpha', 'beta', 'gamma']) {
    fanOut.write(s, (err) => log.push(`done:${s}:${err ?? null}`));
  }
  fanOut.end();
  fanOut.on('finish', () => log.push('finish'));
  await once(fanOut, 'close');

  assert.deepEqual(log, [
    'slow:alpha', 'done:alpha:null',
    'slow:beta', 'done:beta:null',
    'slow:gamma', 'done:gamma:null',
    'finish',
  ]);
  assert.equal(memory.text(), 'alphabetagamma');
  assert.deepEqual(slowChunks, ['alpha', 'beta', 'gamma']);
  assert.deepEqual(array, ['alpha', 'beta', 'gamma']);
  assert.equal(fast.writableFinished, true);
  assert.equal(slow.writableFinished, true);
});
