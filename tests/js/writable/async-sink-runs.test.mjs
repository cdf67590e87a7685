import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, OurWritable } from '../helpers/trace.mjs';

// Writes queued behind a sink that completes each one later (a microtask, a macrotask) go to
// the sink one after another as the completions come, without a call into the core each (the
// face tells the core of the run afterwards, or before anything else uses the core). Whatever
// the sink or the producer does in the middle of such a run, everything observable is what
// Node does.

/**
 * 12 writes to a sink that completes each on `later`, except that write number `at` runs `odd`
 * (with the stream as `this`); `withCb` gives one write a callback.
 */
function runScenario(at, odd, { objectMode = false, withCb = -1, hwm = 64, later = queueMicrotask } = {}) {
  return async ({ Writable, log, cb, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: hwm,
      objectMode,
      write(chunk, enc, done) {
        const i = n++;
        log('sink', i, w.writableLength, w.writableNeedDrain);
        if (i === at) return odd.call(this, chunk, done, log);
        later(() => {
          done();
        });
      },
    }));
    const rets = [];
    for (let i = 0; i < 12; i++) {
      const chunk = objectMode ? { i } : Buffer.alloc(i % 4 === 3 ? 0 : 1 + (i % 5) * 7);
      rets.push(i === withCb ? w.write(chunk, cb(`w${i}`)) : w.write(chunk));
    }
    log('returns', rets.join(','));
    log('queued', props(w));
    await new Promise((r) => setImmediate(r));
    log('settled', props(w));
    // Until the stream has closed (a failure or destroy may have closed it already).
    const closed = new Promise((r) => (w.closed ? setImmediate(r) : w.once('close', () => setImmediate(r))));
    w.end();
    await closed;
    log('end', props(w));
  };
}

const later = (fn) => setImmediate(fn);

test('a run of writes completed on microtasks looks like Node from outside', async () => {
  await sameAsNode(runScenario(-1, null));
});

test('a run of writes completed on setImmediate looks like Node from outside', async () => {
  await sameAsNode(runScenario(-1, null, { later }));
});

test('a run across the highWaterMark emits drain once the last write completes', async () => {
  await sameAsNode(runScenario(-1, null, { hwm: 20 }));
});

test('a run in object mode looks like Node', async () => {
  await sameAsNode(runScenario(-1, null, { objectMode: true, hwm: 4 }));
});

test('a write with a callback ends the run and its callback comes after its completion', async () => {
  await sameAsNode(runScenario(-1, null, { withCb: 6 }));
});

test('a sink that completes one write of the run inside its call goes on with the rest', async () => {
  await sameAsNode(runScenario(5, function (chunk, done) {
    done();
  }));
});

test('a sink that reads the stream in the middle of a run sees the earlier writes completed', async () => {
  await sameAsNode(runScenario(5, function (chunk, done, log) {
    log('inside', this.writableLength, this.writableNeedDrain, this.writableFinished);
    queueMicrotask(() => {
      log('before cb', this.writableLength);
      done();
      log('after cb', this.writableLength);
    });
  }));
});

test('a write of the run that fails errors the stream as Node does', async () => {
  await sameAsNode(runScenario(4, function (chunk, done) {
    queueMicrotask(() => done(new Error('sink failed')));
  }));
});

test('a write of the run whose sink throws lets the exception out of the completion', async () => {
  const events = [];
  let n = 0;
  const w = new OurWritable({
    highWaterMark: 64,
    write(chunk, enc, done) {
      const i = n++;
      events.push(`sink ${i}`);
      if (i === 3) throw new Error('sink threw');
      queueMicrotask(() => {
        try {
          done();
        } catch (err) {
          events.push(`completion threw ${err.message}`);
        }
      });
    },
  });
  for (let i = 0; i < 6; i++) w.write(Buffer.alloc(4));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['sink 0', 'sink 1', 'sink 2', 'sink 3', 'completion threw sink threw']);
  // The stream still knows write 3 is in flight; completing it later goes on with the rest.
  assert.equal(w.writableLength, 12);
});

test('a sink that writes again inside a run write queues the write behind the buffer', async () => {
  await sameAsNode(runScenario(3, function (chunk, done, log) {
    log('nested', this.write(Buffer.from('x')), this.writableLength);
    queueMicrotask(done);
  }));
});

test('a producer that writes between two completions of a run is heard in order', async () => {
  await sameAsNode(runScenario(4, function (chunk, done, log) {
    queueMicrotask(() => {
      log('producer', this.write(Buffer.from('late')), this.writableLength);
      done();
    });
  }));
});

test('a sink that destroys the stream in the middle of a run discards the rest', async () => {
  await sameAsNode(runScenario(5, function (chunk, done) {
    queueMicrotask(() => {
      this.destroy();
      done();
    });
  }));
});

test('a sink that ends the stream in the middle of a run finishes after the buffer', async () => {
  await sameAsNode(runScenario(5, function (chunk, done, log) {
    queueMicrotask(() => {
      this.end();
      log('ended', this.writableEnded, this.writableLength);
      done();
    });
  }));
});

test('writes followed at once by end() still run, and the stream finishes after the last', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: 32,
      write(chunk, enc, done) {
        log('sink', n++, w.writableLength, w.writableEnded, w.writableFinished);
        queueMicrotask(done);
      },
    }));
    for (let i = 0; i < 10; i++) w.write(Buffer.alloc(1 + i));
    w.end(Buffer.from('last'));
    await new Promise((r) => w.once('close', r));
    log('closed', props(w));
  });
});

test('a sink that corks in the middle of a run holds the rest until uncork', async () => {
  await sameAsNode(runScenario(5, function (chunk, done, log) {
    queueMicrotask(() => {
      this.cork();
      done();
      log('corked', this.writableCorked, this.writableLength);
      setImmediate(() => this.uncork());
    });
  }));
});

test('a sink that calls back twice in a run gets ERR_MULTIPLE_CALLBACK as in Node', async () => {
  await sameAsNode(runScenario(6, function (chunk, done) {
    queueMicrotask(() => {
      done();
      done();
    });
  }));
});

test("the core's counters count every write of an asynchronous run", async () => {
  const w = new OurWritable({ highWaterMark: 200, write(c, e, cb) { queueMicrotask(cb); } });
  let total = 0;
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 40; i++) {
      const len = 1 + ((round + i) % 9);
      total += len;
      w.write(Buffer.alloc(len));
    }
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => w.end(r));
  const s = w.stats();
  assert.equal(s.chunksAccepted, 800);
  assert.equal(s.chunksWritten, 800);
  assert.equal(s.unitsAccepted, total);
  assert.equal(s.unitsWritten, total);
  assert.equal(s.sinkCalls, 800);
});
