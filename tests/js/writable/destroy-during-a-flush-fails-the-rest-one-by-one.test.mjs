// destroy() from a sink call of a flush: Node's clearBuffer loop goes on, and doWrite fails each
// write still buffered with ERR_STREAM_DESTROYED (onwrite, on a tick), so the buffer is empty
// once the flush returns and each callback has that error.
import { test } from 'node:test';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

test('writes still buffered when a sink call of the flush destroys the stream fail one by one with ERR_STREAM_DESTROYED', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 100,
      write(chunk, enc, done) {
        log('sink', chunk.toString(), w.writableLength);
        if (calls++ === 0) {
          w.destroy();
          log('destroyed in sink', props(w));
        }
        done();
      },
    }));
    w.cork();
    for (const c of ['a', 'bb', 'ccc']) log('ret', w.write(c, cb(c)));
    w.uncork();
    log('after uncork', props(w), w._writableState.pendingcb);
    await turns();
    log(props(w));
  });
});

test('a write after end() in a sink call of the flush destroys the stream; the rest of the flush fails with it', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    let calls = 0;
    const w = listen(new Writable({
      highWaterMark: 40,
      write(chunk, enc, done) {
        log('sink', chunk.length, w.writableLength);
        if (calls === 1) {
          log('ret', w.write('éé', 'utf8'), w.writableLength);
          w.end(Buffer.alloc(3), cb('end'));
          log('ret', w.write(Buffer.alloc(1)), props(w));
        }
        if (calls++ === 0) setImmediate(done);
        else done();
      },
    }));
    const seen = (name) => (err) => log(`cb ${name}`, err ?? null, w.writableLength, w.destroyed);
    log('ret', w.write(Buffer.alloc(3), seen('first')));
    log('ret', w.write(Buffer.alloc(1), seen('second')));
    await turns();
    log(props(w));
  });
});
