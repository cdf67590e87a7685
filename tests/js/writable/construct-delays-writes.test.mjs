import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('construct runs before the first write reaches the sink', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      construct(done) { log('construct'); setImmediate(done); },
      write(c, e, done) { log('write', c); done(); },
    }));
    w.write('a', cb('a'));
    w.end(cb('end'));
    log('length', w.writableLength);
    await new Promise((r) => w.on('close', r));
  });
});
