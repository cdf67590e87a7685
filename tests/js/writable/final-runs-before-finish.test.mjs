import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('final runs after the last write completes and before finish', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(c, e, done) { log('write', c); setImmediate(done); },
      final(done) { log('final', w.writableLength); setImmediate(done); },
    }));
    w.write('a', cb('a'));
    w.end(cb('end'));
    await new Promise((r) => w.on('close', r));
  });
});
