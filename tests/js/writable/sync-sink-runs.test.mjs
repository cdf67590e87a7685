import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, OurWritable } from '../helpers/trace.mjs';

// Writes to a sink that completes each one inside its call, with no callback, reach the sink
// without a call into the core each (the face tells the core of the run later). Whatever the
// sink does in the middle of such a run, everything observable is what Node does.

/** A stream whose sink completes inside its call, except that write number `at` runs `odd`. */
function runScenario(at, odd) {
  return async ({ Writable, log, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: 64,
      write(chunk, enc, cb) {
        const i = n++;
        if (i === at) return odd.call(this, chunk, cb, log);
        cb();
      },
    }));
    const rets = [];
    for (let i = 0; i < 12; i++) {
      try {
        rets.push(w.write(Buffer.alloc(1 + (i % 5) * 20)));
      } catch (err) {
        rets.push(`threw ${err.message}`);
      }
    }
    log('returns', rets.join(','));
    log('mid', props(w));
    await new Promise((r) => setImmediate(r));
    w.end();
    await new Promise((r) => setImmediate(r));
    log('end', props(w));
  };
}

test('a run of synchronous completions looks like Node from outside', async () => {
  await sameAsNode(runScenario(-1, null));
});

test('a sink that reads the stream in the middle of a run sees every earlier write completed', async () => {
  await sameAsNode(runScenario(5, function (chunk, cb, log) {
    log('before cb', this.writableLength, this.writableNeedDrain);
    cb();
    log('after cb', this.writableLength);
  }));
});

test('a write of the run that completes later leaves the rest buffered behind it', async () => {
  await sameAsNode(runScenario(4, function (chunk, cb) {
    setImmediate(cb);
  }));
});

test('a write of the run that fails inside its call errors the stream as Node does', async () => {
  await sameAsNode(runScenario(6, function (chunk, cb) {
    cb(new Error('sink failed'));
  }));
});

test('a write of the run whose sink throws lets the exception out of write()', async () => {
  await sameAsNode(runScenario(3, function () {
    throw new Error('sink threw');
  }));
});

test('a sink that writes again inside a run write, after calling back, is dispatched at once', async () => {
  await sameAsNode(runScenario(2, function (chunk, cb, log) {
    cb();
    log('nested', this.write(Buffer.from('x')), this.writableLength);
  }));
});

test('a sink that writes again inside a run write, before calling back, is buffered', async () => {
  await sameAsNode(runScenario(2, function (chunk, cb, log) {
    log('nested', this.write(Buffer.from('y')), this.writableLength);
    cb();
  }));
});

test('a sink that calls back twice inside a run write gets ERR_MULTIPLE_CALLBACK', async () => {
  await sameAsNode(runScenario(7, function (chunk, cb) {
    cb();
    cb();
  }));
});

test("the core's counters count every write of a run", async () => {
  const w = new OurWritable({ highWaterMark: 100, write(c, e, cb) { cb(); } });
  let total = 0;
  for (let i = 0; i < 1000; i++) {
    const len = 1 + (i % 90);
    total += len;
    assert.equal(w.write(Buffer.alloc(len)), true);
  }
  await new Promise((r) => w.end(r));
  const s = w.stats();
  assert.equal(s.chunksAccepted, 1000);
  assert.equal(s.chunksWritten, 1000);
  assert.equal(s.unitsAccepted, total);
  assert.equal(s.unitsWritten, total);
  assert.equal(s.sinkCalls, 1000);
  assert.equal(s.peakLength, 90);
});

test('a run past 2^29 units is counted in full', async () => {
  // The face keeps a long run's total in two parts (so each stays a small integer in V8); what
  // the core counts must not change.
  const chunk = Buffer.alloc(1 << 20);
  const w = new OurWritable({ highWaterMark: 4 << 20, write(c, e, cb) { cb(); } });
  const n = 1100; // 1.07 GiB: the total wraps twice
  for (let i = 0; i < n; i++) assert.equal(w.write(chunk), true);
  assert.equal(w.writableLength, 0);
  await new Promise((r) => w.end(r));
  const s = w.stats();
  assert.equal(s.chunksAccepted, n);
  assert.equal(s.chunksWritten, n);
  assert.equal(s.unitsAccepted, n * chunk.length);
  assert.equal(s.unitsWritten, n * chunk.length);
  assert.equal(s.sinkCalls, n);
  assert.equal(s.peakLength, chunk.length);
});
