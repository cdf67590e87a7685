import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, OurWritable } from '../helpers/trace.mjs';

// After uncork(), buffered writes to a sink that completes each one inside its call go to the
// sink one after another without a call into the core each (the face tells the core of the
// run's completions afterwards, or before anything else uses the core). Whatever the sink does
// in the middle of such a run, everything observable is what Node does.

/**
 * Corked writes (one of them, `withCb`, with a callback), then uncork(), to a sink that
 * completes inside its call except that write number `at` runs `odd`.
 */
function runScenario(at, odd, { objectMode = false, withCb = -1, hwm = 64 } = {}) {
  return async ({ Writable, log, cb, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: hwm,
      objectMode,
      write(chunk, enc, done) {
        const i = n++;
        log('sink', i, w.writableLength);
        if (i === at) return odd.call(this, chunk, done, log);
        done();
      },
    }));
    const rets = [];
    w.cork();
    for (let i = 0; i < 12; i++) {
      const chunk = objectMode ? { i } : Buffer.alloc(i % 4 === 3 ? 0 : 1 + (i % 5) * 7);
      rets.push(i === withCb ? w.write(chunk, cb(`w${i}`)) : w.write(chunk));
    }
    log('returns', rets.join(','));
    log('corked', props(w));
    try {
      w.uncork();
    } catch (err) {
      log('uncork threw', err.message);
    }
    log('uncorked', props(w));
    await new Promise((r) => setImmediate(r));
    w.end();
    await new Promise((r) => setImmediate(r));
    log('end', props(w));
  };
}

test('a run of buffered writes completed inside their calls looks like Node from outside', async () => {
  await sameAsNode(runScenario(-1, null));
});

test('a buffered run across the highWaterMark emits drain once, after the run', async () => {
  await sameAsNode(runScenario(-1, null, { hwm: 20 }));
});

test('a buffered run in object mode looks like Node', async () => {
  await sameAsNode(runScenario(-1, null, { objectMode: true, hwm: 4 }));
});

test('a buffered write with a callback ends the run and its callback comes on a tick', async () => {
  await sameAsNode(runScenario(-1, null, { withCb: 5 }));
});

test('a sink that reads the stream in the middle of a buffered run sees the earlier writes completed', async () => {
  await sameAsNode(runScenario(5, function (chunk, done, log) {
    log('before cb', this.writableLength, this.writableNeedDrain, this.writableCorked);
    done();
    log('after cb', this.writableLength);
  }));
});

test('a write of a buffered run that completes later leaves the rest buffered behind it', async () => {
  await sameAsNode(runScenario(4, function (chunk, done) {
    setImmediate(done);
  }));
});

test('a first buffered write that completes on a microtask, then the rest inside their calls, looks like Node', async () => {
  // The run starts at the write uncork() hands out: if its call returns without completing,
  // the face goes on as for any polled write.
  await sameAsNode(runScenario(0, function (chunk, done) {
    queueMicrotask(done);
  }));
});

test('a first buffered write that completes on setImmediate leaves the rest buffered behind it', async () => {
  await sameAsNode(runScenario(0, function (chunk, done) {
    setImmediate(done);
  }));
});

test('a sink that reads the stream inside the first buffered write sees nothing completed yet', async () => {
  await sameAsNode(runScenario(0, function (chunk, done, log) {
    log('before cb', this.writableLength, this.writableNeedDrain, this.writableCorked);
    done();
    log('after cb', this.writableLength);
  }));
});

test('a write of a buffered run that fails inside its call errors the stream as the core documents', async () => {
  // Node goes on handing buffered writes to the sink after a synchronous failure; the core
  // stops (a documented divergence), so this compares with a failure in an uncorked stream's
  // run instead: both stop at once and error the rest.
  const log = [];
  let n = 0;
  const w = new OurWritable({
    highWaterMark: 64,
    write(chunk, enc, done) {
      const i = n++;
      log.push(`sink ${i}`);
      done(i === 6 ? new Error('sink failed') : undefined);
    },
  });
  w.on('error', (err) => log.push(`error ${err.message}`));
  w.cork();
  for (let i = 0; i < 12; i++) w.write(Buffer.alloc(3), () => {});
  w.uncork();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log.slice(0, 7), ['sink 0', 'sink 1', 'sink 2', 'sink 3', 'sink 4', 'sink 5', 'sink 6']);
  assert.equal(log.at(-1), 'error sink failed');
  assert.equal(w.destroyed, true);
});

test('a write of a buffered run whose sink throws lets the exception out of uncork()', async () => {
  await sameAsNode(runScenario(3, function () {
    throw new Error('sink threw');
  }));
});

test('a write the sink makes after calling back inside a buffered write goes to it at once, as in Node', async () => {
  await sameAsNode(runScenario(2, function (chunk, done, log) {
    done();
    log('nested', this.write(Buffer.from('x')), this.writableLength);
  }));
});

test('a cork from inside a buffered write takes effect after the flush loop, as in Node', async () => {
  await sameAsNode(runScenario(2, function (chunk, done, log) {
    this.cork();
    done();
    log('corked inside', this.writableCorked, this.writableLength);
    setImmediate(() => this.uncork());
  }));
});

test('a sink that calls back twice inside a buffered run write gets ERR_MULTIPLE_CALLBACK', async () => {
  // The second call must not complete the next buffered write (that one has not even reached
  // the sink yet). Right after uncork() Node has also run the rest of the buffer through its
  // clearBuffer loop as failed writes, where the core discards them on the error's tick (the
  // documented divergence after a synchronous failure, which also orders their callbacks
  // differently), so the writes take no callbacks and the state is compared a tick later.
  await sameAsNode(async ({ Writable, log, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: 64,
      write(chunk, enc, done) {
        const i = n++;
        log('sink', i);
        done();
        if (i === 3) done();
      },
    }));
    w.cork();
    for (let i = 0; i < 8; i++) w.write(Buffer.alloc(5));
    w.uncork();
    await new Promise((r) => setImmediate(r));
    log('later', props(w));
  });
});

test('a sink that ends the stream inside a buffered write finishes on the pending tick, as in Node', async () => {
  await sameAsNode(runScenario(4, function (chunk, done, log) {
    done();
    this.end();
    log('ended inside', this.writableEnded, this.writableLength);
  }));
});

test('end() on a corked stream flushes the buffered writes as a run, then finishes', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    let n = 0;
    const w = listen(new Writable({
      highWaterMark: 32,
      write(chunk, enc, done) {
        log('sink', n++, w.writableLength, w.writableEnded, w.writableFinished);
        done();
      },
    }));
    w.cork();
    for (let i = 0; i < 10; i++) w.write(Buffer.alloc(1 + i));
    w.end(Buffer.from('last'));
    log('after end', props(w));
    await new Promise((r) => w.once('close', r));
    log('closed', props(w));
  });
});

test("the core's counters count every write of a buffered run", async () => {
  const w = new OurWritable({ highWaterMark: 1000, write(c, e, cb) { cb(); } });
  let total = 0;
  for (let round = 0; round < 50; round++) {
    w.cork();
    for (let i = 0; i < 16; i++) {
      const len = 1 + ((round + i) % 40);
      total += len;
      w.write(Buffer.alloc(len));
    }
    w.uncork();
  }
  await new Promise((r) => w.end(r));
  const s = w.stats();
  assert.equal(s.chunksAccepted, 800);
  assert.equal(s.chunksWritten, 800);
  assert.equal(s.unitsAccepted, total);
  assert.equal(s.unitsWritten, total);
  assert.equal(s.sinkCalls, 800);
});
