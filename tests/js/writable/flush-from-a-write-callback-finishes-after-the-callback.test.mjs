// A flush made from a write callback (uncork() there) is not a lone one: the afterWrite that
// calls the callback checks for the finish once the callback returns. So when that flush's sink
// calls end the stream, Node's 'prefinish' comes after the callback, not inside uncork().
import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

test("end() from a sink call of a flush made in a write callback: 'prefinish' after the callback returns", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 40,
      write(chunk, enc, done) {
        log('sink', chunk.toString(), w.writableLength);
        if (calls++ === 1) {
          w.end('c', cb('end'));
          log('end in sink', props(w));
        }
        done();
      },
    }));
    log('ret', w.write('a', (err) => {
      log('cb a', err ?? null);
      w.cork();
      log('ret', w.write('b'));
      w.uncork();
      log('uncork returned', props(w));
    }));
    await turns();
    log(props(w));
  });
});

test("end() from a sink call of a flush made in a 'drain' listener: 'prefinish' after the listener returns", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 2,
      write(chunk, enc, done) {
        log('sink', chunk.toString(), w.writableLength);
        if (calls++ === 1) w.end('z', cb('end'));
        if (calls === 1) setImmediate(done);
        else done();
      },
    }));
    w.once('drain', () => {
      w.cork();
      log('ret', w.write('b'));
      w.uncork();
      log('uncork returned', props(w));
    });
    log('ret', w.write('aa'));
    await turns();
    log(props(w));
  });
});

test("end() from a write's sink call, its chunk flushed by that write's completion: the finish waits for the write's own tick", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(chunk, enc, done) {
        log('sink', chunk.toString(), w.writableLength);
        if (chunk.toString() === 'a') w.end('e', cb('end'));
        done();
      },
      final(done) {
        log('final');
        done();
      },
    }));
    // An uncork() earlier on, as in the seeded case that found this (the core marks flushes
    // from uncork() as having no finish check after them).
    w.cork();
    w.uncork();
    log('ret', w.write('a', cb('a')), props(w));
    // A write after end() destroys the stream before the tick that would have finished it.
    log('ret', w.write('late'), props(w));
    await turns();
    log(props(w));
  });
});

test("an uncork() with nothing corked, from a sink call of the flush after an asynchronous completion, leaves the finish to that completion's afterWrite", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(chunk, enc, done) {
        const c = chunk.toString();
        log('sink', c, w.writableLength);
        if (c === 'b') {
          w.uncork();
          log('uncork in sink', props(w));
        }
        if (c === 'a') setImmediate(done);
        else done();
      },
      final(done) {
        log('final');
        queueMicrotask(done);
      },
    }));
    log('ret', w.write('a', cb('a')));
    w.end('b', cb('end'));
    // Until it has closed: a timer here would race the sink's setImmediate on a busy machine.
    await new Promise((r) => w.once('close', r));
    log(props(w));
  });
});
