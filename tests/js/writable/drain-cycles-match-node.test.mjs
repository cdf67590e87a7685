import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, trace, turns, NodeWritable, OurWritable } from '../helpers/trace.mjs';

// A producer that waits for 'drain' after each write of at least the highWaterMark makes every
// write a drain cycle: the write goes to an idle sink and returns false, its completion empties
// the stream and emits 'drain', and the listener writes the next chunk. The face runs such cycles
// without a call into the core each and tells the core of them later, before anything else uses
// it. Whatever the listeners, the sink or the producer do in the middle of them, everything
// observable is what Node does. The scenarios read the stream's state only where they say so, so
// the cycles run on as long as they can.

/** Until the stream has closed, or 50 turns of the event loop (see turns) for one that does not. */
const settle = (w) => Promise.race([new Promise((resolve) => (w.closed ? resolve() : w.once('close', resolve))), turns()]);

/**
 * `n` writes from a producer that waits for 'drain' whenever write() returns false. The sink
 * completes each on `later`, but write number `at` runs `odd(w, done, log)` instead; 'drain'
 * number `atDrain` runs `inDrain(w, log, cb)` first (returning true stops the producer) and
 * `afterPump(w, log)` after the producer's writes in it.
 */
function cycles({ n = 8, hwm = 8, objectMode = false, size = (i) => 8 + (i % 3), later = queueMicrotask, at = -1, odd, atDrain = -1, inDrain = () => false, afterPump = () => {} } = {}) {
  return async ({ Writable, log, cb, listen }) => {
    let k = 0;
    const w = listen(new Writable({
      highWaterMark: hwm,
      objectMode,
      write(chunk, enc, done) {
        const i = k++;
        log('sink', i);
        if (i === at) return odd(w, done, log);
        later(() => done());
      },
    }));
    let i = 0;
    let drains = 0;
    const pump = () => {
      while (i < n) {
        const chunk = objectMode ? { i } : Buffer.alloc(size(i), i);
        let ok;
        try {
          ok = w.write(chunk);
        } catch (err) {
          log('write threw', i, err.message);
          return;
        }
        log('write', i++, ok);
        if (!ok) {
          w.once('drain', () => {
            const d = drains++;
            log('drain', d);
            if (d === atDrain && inDrain(w, log, cb) === true) return;
            pump();
            if (d === atDrain) afterPump(w, log);
          });
          return;
        }
      }
      w.end(cb('end'));
    };
    pump();
    await settle(w);
    log('at the end', props(w), w._writableState.pendingcb);
  };
}

test('writes of at least the highWaterMark, each after the last drain, return and drain as in Node', async () => {
  await sameAsNode(cycles());
});

test('drain cycles to a sink that completes on setImmediate drain as in Node', async () => {
  await sameAsNode(cycles({ later: setImmediate }));
});

test('drain cycles with highWaterMark 0 drain as in Node, and an empty write leaves them', async () => {
  await sameAsNode(cycles({ hwm: 0, size: (i) => (i === 4 ? 0 : 3) }));
});

test('object-mode drain cycles with highWaterMark 1 drain as in Node', async () => {
  await sameAsNode(cycles({ objectMode: true, hwm: 1 }));
});

test('a write below the highWaterMark in the middle of drain cycles returns and drains as in Node', async () => {
  await sameAsNode(cycles({ size: (i) => (i === 3 ? 2 : 9) }));
});

test("the stream's state read inside a drain cycle's 'drain' listener, before and after its write, is Node's", async () => {
  await sameAsNode(
    cycles({
      atDrain: 2,
      inDrain(w, log) {
        log('before', props(w), w._writableState.pendingcb);
        queueMicrotask(() => log('after', props(w), w._writableState.pendingcb));
      },
    }),
  );
});

test("the stream's state read by the sink inside a drain cycle's write is Node's", async () => {
  await sameAsNode(
    cycles({
      at: 3,
      odd(w, done, log) {
        log('in sink', props(w), w._writableState.pendingcb);
        queueMicrotask(done);
      },
    }),
  );
});

test("end() from a drain cycle's 'drain' listener finishes in Node's order", async () => {
  await sameAsNode(
    cycles({
      atDrain: 2,
      inDrain(w, log, cb) {
        w.end(cb('end in drain'));
        log('ended', props(w));
        return true;
      },
    }),
  );
});

test("end(chunk) from a drain cycle's 'drain' listener writes and finishes in Node's order", async () => {
  await sameAsNode(
    cycles({
      atDrain: 1,
      inDrain(w, log, cb) {
        w.end(Buffer.alloc(20), cb('end in drain'));
        log('ended', props(w));
        return true;
      },
    }),
  );
});

test("destroy(err) from a drain cycle's 'drain' listener errors and closes in Node's order", async () => {
  await sameAsNode(
    cycles({
      atDrain: 3,
      inDrain(w, log) {
        w.destroy(new Error('stop'));
        log('destroyed', props(w));
        return true;
      },
    }),
  );
});

test("writes with a callback and strings from a drain cycle's 'drain' listener keep Node's order", async () => {
  await sameAsNode(
    cycles({
      atDrain: 1,
      inDrain(w, log, cb) {
        log('ret', w.write(Buffer.alloc(9), cb('with cb')));
        log('ret', w.write('abcdefghij'));
      },
    }),
  );
});

test("cork() and uncork() in a drain cycle's 'drain' listener batch as in Node", async () => {
  await sameAsNode(
    cycles({
      atDrain: 2,
      inDrain(w, log) {
        w.cork();
        log('ret', w.write(Buffer.alloc(3)));
        log('ret', w.write(Buffer.alloc(12)));
        queueMicrotask(() => w.uncork());
      },
    }),
  );
});

test('writes made while a drain cycle is in flight, ignoring false, are buffered and flushed as in Node', async () => {
  await sameAsNode(
    cycles({
      atDrain: 1,
      inDrain(w, log) {
        queueMicrotask(() => {
          log('ret', w.write(Buffer.alloc(2)));
          log('ret', w.write(Buffer.alloc(30)));
        });
      },
    }),
  );
});

test("a drain cycle's write the sink completes inside its call returns true as in Node", async () => {
  await sameAsNode(
    cycles({
      at: 3,
      odd(w, done) {
        done();
      },
    }),
  );
});

test("a drain cycle's write the sink fails later errors the stream as in Node", async () => {
  await sameAsNode(
    cycles({
      at: 4,
      odd(w, done) {
        queueMicrotask(() => done(new Error('sink failed')));
      },
    }),
  );
});

test("a drain cycle's write the sink completes inside the 'drain' listener that made it drains there, as in Node", async () => {
  let held = null;
  await sameAsNode(
    cycles({
      at: 3,
      odd(w, done) {
        held = done;
      },
      atDrain: 2,
      afterPump(w, log) {
        // Write 3 was made by this listener: its completion emits the next 'drain' in here.
        log('completing write 3');
        held();
        log('completed write 3');
      },
    }),
  );
});

test('drain cycles to a write implementation that returns a promise drain as Node does for one that calls back', async () => {
  // Node 20 does not take a promise from _write (ours does): its side calls back instead.
  const scenario = (promised) => async ({ Writable, log, listen }) => {
    const w = listen(new Writable({
      highWaterMark: 4,
      ...(promised
        ? { async write(chunk) { log('sink', chunk.length); await null; } }
        : { write(chunk, enc, done) { log('sink', chunk.length); Promise.resolve().then(() => done()); } }),
    }));
    let i = 0;
    const pump = () => {
      while (i < 6) {
        const ok = w.write(Buffer.alloc(4 + i));
        log('write', i++, ok);
        if (!ok) return void w.once('drain', pump);
      }
      w.end();
    };
    pump();
    await settle(w);
    log('at the end', props(w));
  };
  assert.deepEqual(await trace(OurWritable, scenario(true)), await trace(NodeWritable, scenario(false)));
});

test("drain cycles past 2^29 bytes count every write and byte in the core's counters", async () => {
  // The face keeps the cycles' total in two parts, each a small integer in V8; what the core
  // counts when it hears of them must be exact.
  const chunk = Buffer.alloc(1 << 20);
  const w = new OurWritable({ highWaterMark: 1 << 20, write(c, e, done) { queueMicrotask(done); } });
  const n = 1100; // 1.07 GiB: the total wraps twice
  let drains = 0;
  w.on('drain', () => drains++);
  await new Promise((resolve) => {
    let i = 0;
    const pump = () => {
      while (i < n) {
        i++;
        if (!w.write(chunk)) return void w.once('drain', pump);
      }
      w.end(resolve);
    };
    pump();
  });
  const s = w.stats();
  assert.equal(drains, n);
  assert.equal(s.drains, n);
  assert.equal(s.chunksAccepted, n);
  assert.equal(s.chunksWritten, n);
  assert.equal(s.unitsAccepted, n * chunk.length);
  assert.equal(s.unitsWritten, n * chunk.length);
  assert.equal(s.writesReturnedFalse, n);
  assert.equal(s.sinkCalls, n);
  assert.equal(s.peakLength, chunk.length);
});
