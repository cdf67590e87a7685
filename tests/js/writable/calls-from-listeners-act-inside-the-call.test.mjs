import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// A call a listener or a callback makes (uncork, end, destroy, write) does its work inside the
// call, as in Node: the sink has the flushed chunks when uncork() or end() returns, even though
// the stream is still busy with the output that ran the listener; what Node does after the
// listener (the rest of afterWrite: the write callbacks, finishing) still comes after it.

function sink(log, w, later) {
  return {
    write(chunk, enc, done) {
      log('sink', chunk.length, w().writableLength);
      if (later) later(done);
      else done();
    },
    final(done) {
      log('final', w().writableLength);
      done();
    },
  };
}

function drainScenario(inDrain, { later = null } = {}) {
  return async ({ Writable, log, cb, listen }) => {
    const w = listen(new Writable({ highWaterMark: 8, ...sink(log, () => w, later) }));
    log('write', w.write(Buffer.alloc(10), cb('first')));
    w.once('drain', () => {
      log('in drain', props(w));
      inDrain(w, log, cb);
      log('after', props(w));
    });
    await new Promise((r) => setTimeout(r, 5));
    if (!w.writableEnded) w.end();
    await new Promise((r) => setTimeout(r, 5));
    log('end', props(w));
  };
}

test('uncork() in a drain listener hands the chunks to the sink before it returns', async () => {
  await sameAsNode(drainScenario((w, log, cb) => {
    w.cork();
    w.write(Buffer.alloc(3), cb('a'));
    w.write(Buffer.alloc(4));
    w.uncork();
    log('uncorked', w.writableLength);
  }));
});

test('end() of a corked stream in a drain listener flushes before it returns', async () => {
  await sameAsNode(drainScenario((w, log, cb) => {
    w.cork();
    w.write(Buffer.alloc(3));
    w.end(Buffer.alloc(2), cb('end'));
    log('ended', w.writableLength, w.writableFinished);
  }));
});

test('uncork() in a drain listener to an asynchronous sink, as in Node', async () => {
  await sameAsNode(drainScenario((w, log) => {
    w.cork();
    for (let i = 0; i < 4; i++) log('write', w.write(Buffer.alloc(3)));
    w.uncork();
    log('uncorked', w.writableLength);
  }, { later: queueMicrotask }));
});

test('destroy() in a drain listener with corked writes buffered, as in Node', async () => {
  await sameAsNode(drainScenario((w, log, cb) => {
    w.cork();
    w.write(Buffer.alloc(3), cb('buffered'));
    w.destroy();
    log('destroyed', w.writableLength);
  }));
});

test('uncork() in a write callback flushes before it returns, as in Node', async () => {
  await sameAsNode(async ({ Writable, log, cb, listen }) => {
    const w = listen(new Writable({ highWaterMark: 64, ...sink(log, () => w, null) }));
    w.write(Buffer.alloc(2), () => {
      log('callback', props(w));
      w.cork();
      w.write(Buffer.alloc(5), cb('inner'));
      w.uncork();
      log('after uncork', w.writableLength);
    });
    await new Promise((r) => setTimeout(r, 5));
    w.end();
    await new Promise((r) => setTimeout(r, 5));
    log('end', props(w));
  });
});

test('a corked batch written from a finish-side listener of another stream, as in Node', async () => {
  // The listener belongs to a second stream: its calls into the first are not nested at all.
  await sameAsNode(async ({ Writable, log, listen }) => {
    const a = listen(new Writable({ highWaterMark: 8, ...sink(log, () => a, null) }));
    const b = new Writable({ write(chunk, enc, done) { done(); } });
    b.on('finish', () => {
      a.cork();
      a.write(Buffer.alloc(3));
      a.uncork();
      log('a after uncork', a.writableLength);
    });
    b.end(Buffer.alloc(1));
    await new Promise((r) => setTimeout(r, 5));
    a.end();
    await new Promise((r) => setTimeout(r, 5));
    log('end', props(a));
  });
});

test('a sink that throws while uncork() in a drain listener flushes lets the exception out of uncork()', async () => {
  await sameAsNode(async ({ Writable, log, cb, listen }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 8,
      write(chunk, enc, done) {
        calls++;
        log('sink', chunk.length, w.writableLength);
        if (calls === 3) throw new Error('sink threw');
        done();
      },
    }));
    log('write', w.write(Buffer.alloc(10), cb('first')));
    w.once('drain', () => {
      w.cork();
      w.write(Buffer.alloc(2), cb('a'));
      w.write(Buffer.alloc(3), cb('b'));
      try {
        w.uncork();
      } catch (err) {
        log('uncork threw', err.message);
      }
      log('after', props(w));
    });
    await new Promise((r) => setTimeout(r, 5));
    log('end', props(w));
  });
});
