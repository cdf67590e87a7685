import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('destroy(): buffered writes fail with ERR_STREAM_DESTROYED, destroy runs once, close once', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(c, e, done) { log('write', c); setImmediate(done); },
      destroy(err, done) { log('destroy', err); done(err); },
    }));
    w.write('a', cb('a'));
    w.write('b', cb('b'));
    w.end(cb('end'));
    w.destroy();
    w.destroy();
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
