import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { takeRefusedReports } from '../helpers/core-reports.mjs';
import { batchCycles, completions } from '../helpers/batch-cycles.mjs';
import { sameAsNode, props, OurWritable } from '../helpers/trace.mjs';

// Every report of cycles the face makes must be one the core takes (see core-reports.mjs).
afterEach(() => {
  assert.deepEqual(takeRefusedReports(), [], 'reports the core refused');
});

// A producer that corks, writes until write() returns false, uncorks and waits for 'drain' makes
// every batch a batch cycle: the last uncork() hands the batch to the sink in one call (writev,
// or write for a batch of one), its completion empties the stream and 'drain' follows (at once,
// or on the afterWrite tick when the sink completed inside its call). After a 'drain' that leaves
// the stream idle, the face runs such cycles without a call into the core each and tells the
// core of them later, before anything else uses it. Whatever the listeners, the sink or the
// producer do in the middle of them, everything observable is what Node does. The scenarios read
// the stream's state only where they say so, so the cycles run on as long as they can.

test('cork batches past the highWaterMark, each after the last drain, go to writev and drain as in Node', async () => {
  await sameAsNode(batchCycles());
});

test('batch cycles to a sink that completes on setImmediate drain as in Node', async () => {
  await sameAsNode(batchCycles({ complete: 'setImmediate' }));
});

test("batch cycles to a sink that completes inside its call drain on the afterWrite tick, as in Node", async () => {
  await sameAsNode(batchCycles({ complete: 'sync' }));
});

test('object-mode batch cycles drain as in Node', async () => {
  await sameAsNode(batchCycles({ objectMode: true, hwm: 4 }));
  await sameAsNode(batchCycles({ objectMode: true, hwm: 4, complete: 'sync' }));
});

test('batch cycles corked twice over drain as in Node', async () => {
  await sameAsNode(batchCycles({ depth: 2 }));
  await sameAsNode(batchCycles({ depth: 3, complete: 'sync' }));
});

test('batches of one write past the highWaterMark, to a sink without writev, drain as in Node', async () => {
  await sameAsNode(batchCycles({ writev: false, size: () => 20, max: 1 }));
  await sameAsNode(batchCycles({ writev: false, size: () => 20, max: 1, complete: 'sync' }));
});

test('batches with empty writes and one write far past the highWaterMark drain as in Node', async () => {
  await sameAsNode(batchCycles({ size: (b, j) => (j % 3 === 1 ? 0 : (b % 3) * 9 + 2), max: 6 }));
});

test('a batch that stays below the highWaterMark in the middle of batch cycles flushes and drains as in Node', async () => {
  await sameAsNode(batchCycles({ max: 5, size: (b, j) => (b === 3 ? 1 : j === 4 ? 12 : 1) }));
  await sameAsNode(batchCycles({ max: 5, size: (b, j) => (b === 3 ? 1 : j === 4 ? 12 : 1), complete: 'sync' }));
});

test('cork batches past the highWaterMark to a sink without writev go one write at a time and drain as in Node', async () => {
  for (const complete of ['sync', 'microtask', 'setImmediate']) {
    await sameAsNode(batchCycles({ complete, writev: false }));
    await sameAsNode(batchCycles({ complete, writev: false, objectMode: true, hwm: 4 }));
    await sameAsNode(batchCycles({ complete, writev: false, hwm: 64, max: 4 }));
  }
});

test("a write of a batch to a sink without writev that completes later, after some completed inside their calls, keeps Node's order", async () => {
  await sameAsNode(
    batchCycles({
      complete: 'sync',
      writev: false,
      at: 21,
      odd(w, done, log) {
        log('in sink', props(w), w._writableState.pendingcb);
        queueMicrotask(done);
      },
    }),
  );
  await sameAsNode(
    batchCycles({
      complete: 'sync',
      writev: false,
      at: 22,
      odd(w, done) {
        done(new Error('sink failed'));
      },
    }),
  );
});

for (const complete of ['microtask', 'setImmediate']) {
  test(`the stream's state read by a sink without writev in the middle of a batch cycle's writes is Node's (${complete})`, async () => {
    for (const at of [9, 10, 13]) {
      await sameAsNode(
        batchCycles({
          complete,
          writev: false,
          at,
          odd(w, done, log) {
            // (Not bufferedRequestCount: inside a sink call its clearBuffer loop made, Node's still
            // counts the writes that loop handed out, which the core does not mirror.)
            log('in sink', props(w), w._writableState.pendingcb);
            completions[complete](done);
          },
        }),
      );
    }
  });

  test(`a write in the middle of a batch to a sink without writev that completes inside its call, fails or throws keeps Node's order (${complete})`, async () => {
    for (const odd of [
      (w, done) => done(),
      (w, done) => completions[complete](() => done(new Error('sink failed'))),
      () => {
        throw new Error('write threw');
      },
    ]) {
      await sameAsNode(batchCycles({ complete, writev: false, at: 10, odd }));
    }
  });

  test(`the stream's state read between the completions of a batch to a sink without writev is Node's (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        writev: false,
        atDrain: 1,
        afterPump(w, log) {
          for (let i = 0; i < 3; i++) setImmediate(() => log('between', i, props(w), w._writableState.pendingcb));
        },
      }),
    );
  });

  test(`end(), a write and destroy() while a batch goes one write at a time to a sink without writev keep Node's order (${complete})`, async () => {
    for (const act of ['end', 'write', 'destroy']) {
      await sameAsNode(
        batchCycles({
          complete,
          writev: false,
          atDrain: 1,
          afterPump(w, log) {
            queueMicrotask(() => {
              if (act === 'end') w.end(() => log('end callback'));
              else if (act === 'write') log('ret', w.write(Buffer.alloc(3), () => log('write callback')));
              else w.destroy(new Error('stop'));
              log(act, props(w));
            });
          },
        }),
      );
    }
  });
}

test("the stream's state read in the afterWrite tick window of a batch to a sink without writev is Node's", async () => {
  for (const objectMode of [false, true]) {
    await sameAsNode(
      batchCycles({
        complete: 'sync',
        writev: false,
        objectMode,
        hwm: 4,
        atDrain: 1,
        afterPump(w, log) {
          log('after', props(w), w._writableState.pendingcb);
          process.nextTick(() => log('next tick', props(w), w._writableState.pendingcb));
        },
      }),
    );
  }
});

test('a batch too big for one writev call without writev goes one write at a time, as in Node', async () => {
  await sameAsNode(batchCycles({ writev: false, size: () => 6 }));
});

test('a producer that goes on outside the drain listener batches and drains as in Node', async () => {
  await sameAsNode(batchCycles({ resume: (pump) => setImmediate(pump) }));
  await sameAsNode(batchCycles({ resume: (pump) => queueMicrotask(pump), complete: 'sync' }));
});

for (const complete of ['microtask', 'sync']) {
  test(`the stream's state read in a batch cycle's 'drain' listener, before and after its batch, is Node's (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        atDrain: 2,
        inDrain(w, log) {
          log('before', props(w), w._writableState.pendingcb);
        },
        afterPump(w, log) {
          log('after', props(w), w._writableState.pendingcb);
          process.nextTick(() => log('next tick', props(w), w._writableState.pendingcb));
          queueMicrotask(() => log('microtask', props(w), w._writableState.pendingcb));
        },
      }),
    );
  });

  test(`the stream's state read between cork() and uncork() in a batch cycle is Node's (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        inBatch(w, log, b) {
          if (b === 3) log('in batch', props(w), w._writableState.pendingcb, w._writableState.bufferedRequestCount);
        },
      }),
    );
  });

  test(`the stream's state read by the sink inside a batch cycle's writev is Node's (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        at: 3,
        odd(w, done, log) {
          log('in sink', props(w), w._writableState.pendingcb);
          completions[complete](done);
        },
      }),
    );
  });

  test(`end() from a batch cycle's 'drain' listener finishes in Node's order (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        atDrain: 2,
        inDrain(w, log, cb) {
          w.end(cb('end in drain'));
          log('ended', props(w));
          return true;
        },
      }),
    );
  });

  test(`end(chunk) after a batch in a batch cycle's 'drain' listener writes and finishes in Node's order (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        atDrain: 1,
        afterPump(w, log) {
          w.end(Buffer.alloc(3), () => log('end callback'));
          log('ended', props(w));
        },
      }),
    );
  });

  test(`destroy(err) while a batch cycle's batch is in the sink errors and closes in Node's order (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        atDrain: 2,
        afterPump(w, log) {
          w.destroy(new Error('stop'));
          log('destroyed', props(w));
        },
      }),
    );
  });

  test(`writes with a callback and strings in a batch cycle's batch keep Node's order (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        inBatch(w, log, b) {
          if (b === 2) {
            log('ret', w.write(Buffer.alloc(2), () => log('write callback')));
            log('ret', w.write('abc'));
          }
        },
      }),
    );
  });

  test(`writes made while a batch cycle's batch is in flight, ignoring false, are buffered and flushed as in Node (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        atDrain: 1,
        afterPump(w, log) {
          log('ret', w.write(Buffer.alloc(2)));
          queueMicrotask(() => log('ret', w.write(Buffer.alloc(30))));
        },
      }),
    );
  });

  test(`a batch cycle's writev that throws leaves the stream as Node's does (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        at: 2,
        odd() {
          throw new Error('writev threw');
        },
      }),
    );
  });

  test(`a batch cycle's writev the sink fails inside its call errors the stream as in Node (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        at: 3,
        odd(w, done) {
          done(new Error('sink failed'));
        },
      }),
    );
  });

  test(`a cork() and write in a batch cycle's tick window keep Node's order (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        atDrain: 1,
        afterPump(w, log) {
          process.nextTick(() => {
            w.cork();
            log('ret', w.write(Buffer.alloc(1)));
            log('corked', props(w));
            w.uncork();
          });
        },
      }),
    );
  });
}

for (const complete of ['sync', 'microtask', 'setImmediate']) {
  test(`cork batches that stay below the highWaterMark go to writev as in Node (${complete})`, async () => {
    await sameAsNode(batchCycles({ complete, hwm: 64, max: 4, batches: 12 }));
  });

  test(`object-mode cork batches that stay below the highWaterMark go to writev as in Node (${complete})`, async () => {
    await sameAsNode(batchCycles({ complete, objectMode: true, max: 3, batches: 12 }));
  });

  test(`batches of one write below the highWaterMark, to a sink without writev, go to it as in Node (${complete})`, async () => {
    await sameAsNode(batchCycles({ complete, writev: false, max: 1, batches: 12 }));
  });

  test(`cork batches of empty writes, to a sink without writev, go to it as in Node (${complete})`, async () => {
    // Every other batch is all empty writes (of one length, as a batch of 16 B writes is),
    // which the face must not hand out one at a time as a batch cycle.
    await sameAsNode(batchCycles({ complete, writev: false, max: 3, batches: 12, size: (b) => (b % 2 === 0 ? 0 : 2) }));
    await sameAsNode(batchCycles({ complete, writev: false, max: 3, batches: 12, size: (b, j) => (b % 2 === 0 ? 0 : j) }));
  });

  test(`cork batches below and past the highWaterMark in turn batch and drain as in Node (${complete})`, async () => {
    await sameAsNode(batchCycles({ complete, hwm: 16, max: 8, batches: 12, size: (b) => (b % 3 === 0 ? 4 : 1) }));
  });

  test(`the stream's state read in and between quiet cork batches is Node's (${complete})`, async () => {
    await sameAsNode(
      batchCycles({
        complete,
        hwm: 64,
        max: 4,
        batches: 10,
        at: 4,
        odd(w, done, log) {
          log('in sink', props(w), w._writableState.pendingcb);
          completions[complete](done);
        },
        inBatch(w, log, b) {
          if (b === 6) log('in batch', props(w), w._writableState.pendingcb);
          if (b === 7) queueMicrotask(() => log('after batch', props(w), w._writableState.pendingcb));
        },
      }),
    );
  });

  test(`end(), a write with a callback and destroy() among quiet cork batches keep Node's order (${complete})`, async () => {
    for (const act of ['end', 'callback', 'destroy']) {
      await sameAsNode(
        batchCycles({
          complete,
          hwm: 64,
          max: 4,
          batches: 10,
          inBatch(w, log, b) {
            if (b !== 5) return;
            if (act === 'end') w.end(() => log('end callback'));
            else if (act === 'callback') log('ret', w.write(Buffer.alloc(1), () => log('write callback')));
            else w.destroy();
            log(act, props(w));
          },
        }),
      );
    }
  });
}

test("a batch cycle's writev the sink fails later errors the stream as in Node", async () => {
  await sameAsNode(
    batchCycles({
      at: 4,
      odd(w, done) {
        queueMicrotask(() => done(new Error('sink failed')));
      },
    }),
  );
});

test("a batch cycle's writev the sink calls back twice gets ERR_MULTIPLE_CALLBACK as in Node", async () => {
  await sameAsNode(
    batchCycles({
      complete: 'sync',
      at: 3,
      odd(w, done) {
        done();
        done();
      },
    }),
  );
});

test("a batch cycle's writev the sink completes inside the 'drain' listener that made it drains there, as in Node", async () => {
  let held = null;
  await sameAsNode(
    batchCycles({
      at: 3,
      odd(w, done) {
        held = done;
      },
      atDrain: 2,
      afterPump(w, log) {
        // Call 3 was made by this listener: its completion emits the next 'drain' in here.
        log('completing call 3');
        held();
        log('completed call 3');
      },
    }),
  );
});

test("batch cycles past 2^29 bytes count every write, byte and call in the core's counters", async () => {
  const chunk = Buffer.alloc(1 << 19);
  let writevs = 0;
  const w = new OurWritable({
    highWaterMark: 1 << 20,
    write(c, e, done) { queueMicrotask(done); },
    writev(entries, done) { writevs++; queueMicrotask(done); },
  });
  const n = 1100; // batches of two: 1.07 GiB, the total wraps twice
  let drains = 0;
  w.on('drain', () => drains++);
  await new Promise((resolve) => {
    let b = 0;
    const pump = () => {
      while (b < n) {
        b++;
        w.cork();
        w.write(chunk);
        const ok = w.write(chunk);
        w.uncork();
        if (!ok) return void w.once('drain', pump);
      }
      w.end(resolve);
    };
    pump();
  });
  const s = w.stats();
  assert.equal(drains, n);
  assert.equal(writevs, n);
  assert.equal(s.drains, n);
  assert.equal(s.chunksAccepted, 2 * n);
  assert.equal(s.chunksWritten, 2 * n);
  assert.equal(s.unitsAccepted, 2 * n * chunk.length);
  assert.equal(s.unitsWritten, 2 * n * chunk.length);
  assert.equal(s.writesReturnedFalse, n);
  assert.equal(s.sinkCalls, n);
  assert.equal(s.writevCalls, n);
  assert.equal(s.peakLength, 2 * chunk.length);
});
