import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('writes made while the sink is busy go to writev as one batch', async () => {
  await sameAsNode(async ({ Writable, log, cb }) => {
    const w = new Writable({
      write(c, e, done) { log('write', c); setImmediate(done); },
      writev(chunks, done) { log('writev', chunks); setImmediate(done); },
    });
    w.write('a', cb('a')); w.write('b', cb('b')); w.write('c', cb('c'));
  });
});
