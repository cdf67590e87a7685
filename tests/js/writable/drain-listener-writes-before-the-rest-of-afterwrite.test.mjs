// Node's afterWrite emits 'drain', then takes the completions off pendingcb, calls their
// callbacks and checks for the finish, all after the 'drain' listeners returned (in the core,
// the steps queued behind the O_DRAIN). These compare what that rest decides with node:stream,
// around listeners that write, as producers waiting for 'drain' do.
import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

const pendingcb = (w) => w._writableState.pendingcb;

test("pendingcb still counts the completion inside a 'drain' listener that writes, and not once it returned", async () => {
  await sameAsNode(async ({ Writable, log }) => {
    const w = new Writable({ highWaterMark: 8, write(c, e, done) { queueMicrotask(done); } });
    let n = 0;
    w.on('drain', () => {
      log('in listener', pendingcb(w), w.writableLength);
      if (n++ < 2) log('ret', w.write(Buffer.alloc(8)));
      queueMicrotask(() => log('after listener', pendingcb(w), w.writableLength));
    });
    log('ret', w.write(Buffer.alloc(8)));
    await turns();
    log('end', pendingcb(w), props(w));
  });
});

test("end() right after a 'drain' listener that wrote finishes in Node's order", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ highWaterMark: 4, write(c, e, done) { log('sink', c); queueMicrotask(done); } }));
    w.once('drain', () => {
      log('ret', w.write('abcd'));
      queueMicrotask(() => w.end('z', cb('end')));
    });
    log('ret', w.write('wxyz'));
    await turns();
    log(props(w));
  });
});

test("a write from a 'drain' listener that fails inside its sink call destroys the stream in Node's order", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 4,
      write(c, e, done) {
        log('sink', c);
        if (calls++ === 0) setImmediate(done);
        else done(new Error('boom'));
      },
    }));
    w.once('drain', () => {
      log('ret', w.write('late', cb('late')));
      log('in listener', props(w));
    });
    log('ret', w.write('first', cb('first')));
    await turns();
    log(props(w));
  });
});

test("chunks a 'drain' listener writes past the first are buffered and flushed in Node's order", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ highWaterMark: 16, write(c, e, done) { log('sink', c); setImmediate(done); } }));
    let rounds = 0;
    w.on('drain', () => {
      if (rounds++ < 2) {
        for (let i = 0; i < 5; i++) log('ret', w.write(Buffer.alloc(4, i)));
        log('in listener', props(w));
      }
    });
    for (let i = 0; i < 4; i++) log('ret', w.write(Buffer.alloc(4, 9)));
    setImmediate(() => w.end(cb('end')));
    await turns();
    log(props(w), pendingcb(w));
  });
});

test("a 'drain' listener writing objects to a writev sink keeps Node's batches and callbacks", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      objectMode: true,
      highWaterMark: 3,
      write(c, e, done) { log('write', c); queueMicrotask(done); },
      writev(entries, done) { log('writev', entries.map((x) => x.chunk)); queueMicrotask(done); },
    }));
    let n = 0;
    w.on('drain', () => {
      if (n < 6) {
        log('ret', w.write(n++));
        log('ret', w.write(n++, cb(`w${n}`)));
        log('ret', w.write(n++));
      } else {
        w.end(cb('end'));
      }
    });
    for (let i = 0; i < 3; i++) log('ret', w.write(100 + i));
    await turns();
    log(props(w), pendingcb(w));
  });
});

test("destroy() right after a 'drain' listener that wrote errors the buffered writes as Node does", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ highWaterMark: 4, write(c, e, done) { log('sink', c); setImmediate(done); } }));
    w.once('drain', () => {
      log('ret', w.write('abcd', cb('a')));
      log('ret', w.write('efgh', cb('b')));
      queueMicrotask(() => w.destroy());
    });
    log('ret', w.write('wxyz'));
    await turns();
    log(props(w), pendingcb(w));
  });
});
