import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { takeRefusedReports } from '../helpers/core-reports.mjs';
import { batchCycles, completions } from '../helpers/batch-cycles.mjs';
import { sameAsNode, props, OurWritable } from '../helpers/trace.mjs';

// A producer that writes (without cork) until write() returns false and waits for 'drain' makes
// every batch a lead cycle: its first write goes to the sink at once, the rest are buffered
// behind it, and the first write's completion hands them to the sink (writev, or one write at a
// time without it); their completion empties the stream and 'drain' follows. After a 'drain'
// that leaves the stream idle the face runs such cycles without a call into the core each and
// tells the core of them later, before anything else uses it. Whatever the listeners, the sink
// or the producer do in the middle of them, everything observable is what Node does.

// Every report of cycles the face makes must be one the core takes (see core-reports.mjs).
afterEach(() => {
  assert.deepEqual(takeRefusedReports(), [], 'reports the core refused');
});

/** Lead cycles: batchCycles with no cork. */
const leadCycles = (options = {}) => batchCycles({ depth: 0, ...options });

for (const complete of ['microtask', 'setImmediate']) {
  test(`writes past the highWaterMark behind a lead write go to writev at its completion and drain as in Node (${complete})`, async () => {
    await sameAsNode(leadCycles({ complete }));
    await sameAsNode(leadCycles({ complete, objectMode: true, hwm: 4 }));
  });

  test(`writes behind a lead write to a sink without writev go one at a time and drain as in Node (${complete})`, async () => {
    await sameAsNode(leadCycles({ complete, writev: false }));
    await sameAsNode(leadCycles({ complete, writev: false, objectMode: true, hwm: 4 }));
    await sameAsNode(leadCycles({ complete, writev: false, hwm: 64, max: 4 }));
  });
}

test('a lead write the sink completes inside its call leaves the writes after it as Node does', async () => {
  await sameAsNode(leadCycles({ complete: 'sync' }));
  await sameAsNode(leadCycles({ complete: 'sync', writev: false, objectMode: true, hwm: 4 }));
});

test('a lead write with one write behind it, and an empty lead write, drain as in Node', async () => {
  await sameAsNode(leadCycles({ size: () => 9 }));
  await sameAsNode(leadCycles({ size: (b, j) => (j === 0 ? 0 : 7) }));
  await sameAsNode(leadCycles({ writev: false, size: (b, j) => (j === 0 ? 0 : 7) }));
});

test('a write of the highWaterMark or more that starts a batch, among lead cycles, drains as in Node', async () => {
  await sameAsNode(leadCycles({ size: (b, j) => (b % 3 === 1 && j === 0 ? 20 : 5) }));
});

test('empty writes behind a lead write to a sink without writev go one at a time as in Node', async () => {
  await sameAsNode(leadCycles({ writev: false, size: (b, j) => (j % 3 === 1 ? 0 : 5) }));
});

test('lead cycles that stay below the highWaterMark, with the producer waiting between them, complete as in Node', async () => {
  for (const writev of [true, false]) {
    await sameAsNode(leadCycles({ writev, max: 3, gap: (pump) => setImmediate(pump) }));
    await sameAsNode(leadCycles({ writev, max: 1, gap: (pump) => setImmediate(pump) }));
    await sameAsNode(leadCycles({ writev, max: 3, objectMode: true, hwm: 8, gap: (pump) => setImmediate(pump) }));
  }
});

test('lead cycles and cork batches taking turns drain as in Node', async () => {
  await sameAsNode(leadCycles({ depth: (b) => b % 2 }));
  await sameAsNode(leadCycles({ depth: (b) => b % 2, writev: false, complete: 'setImmediate' }));
  await sameAsNode(leadCycles({ depth: (b) => (b % 3 === 2 ? 1 : 0), complete: 'sync' }));
});

test('a producer that goes on outside the drain listener runs lead cycles as in Node', async () => {
  await sameAsNode(leadCycles({ resume: (pump) => setImmediate(pump) }));
  await sameAsNode(leadCycles({ resume: (pump) => queueMicrotask(pump), writev: false }));
});

for (const writev of [true, false]) {
  const sink = writev ? 'writev' : 'one at a time';

  test(`the stream's state read by the sink inside a lead write and inside the batch's call is Node's (${sink})`, async () => {
    for (const at of [4, 5, 6, 7]) {
      await sameAsNode(
        leadCycles({
          writev,
          size: () => 6,
          at,
          odd(w, done, log) {
            // (Not bufferedRequestCount: see batch-cycles-match-node.)
            log('in sink', props(w), w._writableState.pendingcb);
            queueMicrotask(done);
          },
        }),
      );
    }
  });

  test(`the stream's state read in a lead cycle's 'drain' listener, before and after its writes, is Node's (${sink})`, async () => {
    await sameAsNode(
      leadCycles({
        writev,
        atDrain: 2,
        inDrain(w, log) {
          log('before', props(w), w._writableState.pendingcb);
        },
        afterPump(w, log) {
          log('after', props(w), w._writableState.pendingcb, w._writableState.bufferedRequestCount);
          process.nextTick(() => log('next tick', props(w), w._writableState.pendingcb));
          queueMicrotask(() => log('microtask', props(w), w._writableState.pendingcb));
        },
      }),
    );
  });

  test(`the stream's state read between the completions of a lead cycle is Node's (${sink})`, async () => {
    await sameAsNode(
      leadCycles({
        writev,
        complete: 'setImmediate',
        atDrain: 1,
        afterPump(w, log) {
          for (let i = 0; i < 4; i++) setImmediate(() => log('between', i, props(w), w._writableState.pendingcb));
        },
      }),
    );
  });

  test(`the stream's state read while a lead cycle's writes are buffered is Node's (${sink})`, async () => {
    await sameAsNode(
      leadCycles({
        writev,
        inBatch(w, log, b) {
          if (b === 3) log('in batch', props(w), w._writableState.pendingcb, w._writableState.bufferedRequestCount);
        },
      }),
    );
  });

  test(`end() from a lead cycle's 'drain' listener, and end(chunk) after its writes, finish in Node's order (${sink})`, async () => {
    await sameAsNode(
      leadCycles({
        writev,
        atDrain: 2,
        inDrain(w, log, cb) {
          w.end(cb('end in drain'));
          log('ended', props(w));
          return true;
        },
      }),
    );
    await sameAsNode(
      leadCycles({
        writev,
        atDrain: 1,
        afterPump(w, log) {
          w.end(Buffer.alloc(3), () => log('end callback'));
          log('ended', props(w));
        },
      }),
    );
  });

  test(`end(), a write and destroy() while a lead write or its batch is in flight keep Node's order (${sink})`, async () => {
    for (const act of ['end', 'write', 'destroy', 'cork']) {
      for (const when of ['now', 'microtask', 'immediate']) {
        await sameAsNode(
          leadCycles({
            writev,
            complete: 'setImmediate',
            atDrain: 1,
            afterPump(w, log) {
              const run = () => {
                if (act === 'end') w.end(() => log('end callback'));
                else if (act === 'write') log('ret', w.write(Buffer.alloc(3), () => log('write callback')));
                else if (act === 'cork') {
                  w.cork();
                  log('ret', w.write(Buffer.alloc(2)));
                  w.uncork();
                } else w.destroy(new Error('stop'));
                log(act, props(w));
              };
              if (when === 'now') run();
              else if (when === 'microtask') queueMicrotask(run);
              else setImmediate(run);
            },
          }),
        );
      }
    }
  });

  test(`writes with a callback and strings behind a lead write keep Node's order (${sink})`, async () => {
    await sameAsNode(
      leadCycles({
        writev,
        inBatch(w, log, b) {
          if (b === 2) {
            log('ret', w.write(Buffer.alloc(2), () => log('write callback')));
            log('ret', w.write('abc'));
          }
        },
      }),
    );
  });

  test(`writes made while a lead cycle's batch is in flight, ignoring false, are buffered and flushed as in Node (${sink})`, async () => {
    await sameAsNode(
      leadCycles({
        writev,
        atDrain: 1,
        afterPump(w, log) {
          log('ret', w.write(Buffer.alloc(2)));
          queueMicrotask(() => log('ret', w.write(Buffer.alloc(30))));
          setImmediate(() => log('ret', w.write(Buffer.alloc(1))));
        },
      }),
    );
  });

  test(`a lead write or batch write that throws, fails inside its call or fails later leaves the stream as Node's does (${sink})`, async () => {
    for (const at of [4, 5, 6]) {
      for (const odd of [
        () => {
          throw new Error('sink threw');
        },
        (w, done) => done(new Error('sink failed')),
        (w, done) => queueMicrotask(() => done(new Error('sink failed later'))),
      ]) {
        await sameAsNode(leadCycles({ writev, size: () => 6, at, odd }));
      }
    }
  });
}

test("the core's counters after lead cycles count every write, sink call, writev batch and 'drain'", () => {
  // The producer of the benchmarks' plain rows (writes until false, waits for 'drain') to a sink
  // completing on a microtask: 40 writes of 8 bytes, highWaterMark 64, make 5 cycles of a lead
  // write and 7 behind it (the 7th reaching the highWaterMark), which go in one writev.
  const w = new OurWritable({ highWaterMark: 64, write: (c, e, cb) => queueMicrotask(cb), writev: (c, cb) => queueMicrotask(cb) });
  return new Promise((resolve, reject) => {
    let i = 0;
    const pump = () => {
      while (i < 40) {
        i++;
        if (!w.write(Buffer.alloc(8))) {
          w.once('drain', pump);
          return;
        }
      }
      try {
        const stats = w.stats();
        assert.equal(stats.chunksAccepted, 40);
        assert.equal(stats.chunksWritten, 40);
        assert.equal(stats.sinkCalls, 10);
        assert.equal(stats.writevCalls, 5);
        assert.equal(stats.writesReturnedFalse, 5);
        assert.equal(stats.drains, 5);
        assert.equal(stats.peakLength, 64);
        resolve();
      } catch (err) {
        reject(err);
      }
    };
    pump();
  });
});
