import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('uncork() without writev writes the buffered chunks one after another', async () => {
  await sameAsNode(async ({ Writable, log, cb }) => {
    const w = new Writable({ write(c, e, done) { log('write', c); setImmediate(done); } });
    w.cork();
    w.write('a', cb('a')); w.write('b', cb('b')); w.write('c', cb('c'));
    w.uncork();
  });
});
