import { test } from 'node:test';
import { sameAsNode, props } from '../helpers/trace.mjs';

// A sink that calls back inside its write and then looks at the stream (or writes again) sees
// the write completed, as Node's synchronous onwrite leaves it.
test('a sink that completes inside its call sees writableLength drop at once', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({
      highWaterMark: 32,
      write(c, e, cb) {
        log('before cb', this.writableLength);
        cb();
        log('after cb', this.writableLength, this.writableNeedDrain);
      },
    }));
    log('ret', w.write(Buffer.alloc(8)));
    log('ret', w.write(Buffer.alloc(40)));
    log('state', props(w));
    await new Promise((r) => setImmediate(r));
    log('state', props(w));
  });
});

test('a sink that completes inside its call and then writes again dispatches that write at once', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    let nested = 0;
    const w = listen(new Writable({
      write(c, e, cb) {
        log('sink', c.toString());
        cb();
        if (nested++ < 2) log('nested ret', this.write(`n${nested}`), this.writableLength);
      },
    }));
    log('ret', w.write('a'));
    log('ret', w.write('b'));
    log('state', props(w));
    w.end();
    await new Promise((r) => w.on('finish', r));
    log('state', props(w));
  });
});

test('a polled write that completes inside its call and reads state sees it completed', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const w = listen(new Writable({
      write(c, e, cb) {
        cb();
        log('sink', c.toString(), this.writableLength);
      },
    }));
    w.cork();
    w.write('a');
    w.write('bb');
    w.write('ccc');
    w.uncork();
    log('state', props(w));
    await new Promise((r) => setImmediate(r));
    log('state', props(w));
  });
});
