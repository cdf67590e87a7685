import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, OurWritable } from '../helpers/trace.mjs';

// Once the buffer is at the highWaterMark, further callback-less writes to a corked (or busy)
// stream are each buffered and return false; the face accepts them without a call into the
// core each and hands them over together. Everything observable is what Node does.

function corkedScenario({ objectMode = false, hwm = 64, size = 40, completeLater = false, writev = false } = {}) {
  return async ({ Writable, log, listen }) => {
    let n = 0;
    const options = {
      objectMode,
      highWaterMark: hwm,
      write(chunk, enc, done) {
        log('sink', n++, w.writableLength, w.writableNeedDrain);
        if (completeLater) queueMicrotask(done);
        else done();
      },
    };
    if (writev) {
      options.writev = (entries, done) => {
        log('sink batch', n++, entries.length, w.writableLength, w.writableNeedDrain);
        if (completeLater) queueMicrotask(done);
        else done();
      };
    }
    const w = listen(new Writable(options));
    for (let round = 0; round < 3; round++) {
      w.cork();
      const rets = [];
      for (let i = 0; i < 10; i++) rets.push(w.write(objectMode ? { round, i } : Buffer.alloc(i === 4 ? 0 : size)));
      log('returns', rets.join(','), props(w));
      w.uncork();
      log('uncorked', props(w));
      await new Promise((r) => setImmediate(r));
    }
    const closed = new Promise((r) => w.once('close', r));
    w.end();
    await closed;
    log('end', props(w));
  };
}

test('corked writes past the highWaterMark return false and drain once, as in Node', async () => {
  await sameAsNode(corkedScenario());
});

test('corked writes past the highWaterMark to an asynchronous sink, as in Node', async () => {
  await sameAsNode(corkedScenario({ completeLater: true }));
});

test('corked objects past the highWaterMark, as in Node', async () => {
  await sameAsNode(corkedScenario({ objectMode: true, hwm: 4 }));
});

test('chunks larger than the highWaterMark while corked, as in Node', async () => {
  await sameAsNode(corkedScenario({ hwm: 16, size: 1000 }));
});

test('a corked write that reaches the highWaterMark exactly returns false, as in Node', async () => {
  await sameAsNode(corkedScenario({ hwm: 120, size: 40 }));
});

test('corked objects reaching the highWaterMark, to a writev sink, as in Node', async () => {
  await sameAsNode(corkedScenario({ objectMode: true, hwm: 10, writev: true }));
});

test('corked writes past the highWaterMark to an asynchronous writev sink, as in Node', async () => {
  await sameAsNode(corkedScenario({ hwm: 100, size: 30, writev: true, completeLater: true }));
});

test("the core's counters count every refused write", async () => {
  const w = new OurWritable({ highWaterMark: 10, write(c, e, cb) { cb(); } });
  w.cork();
  let refused = 0;
  for (let i = 0; i < 20; i++) if (!w.write(Buffer.alloc(4))) refused++;
  w.uncork();
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => w.end(r));
  const s = w.stats();
  assert.equal(refused, 18);
  assert.equal(s.writesReturnedFalse, 18);
  assert.equal(s.chunksAccepted, 20);
  assert.equal(s.unitsWritten, 80);
  assert.equal(s.peakLength, 80);
  assert.equal(s.drains, 1);
});
