import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a sink failing synchronously reports on a later tick and write() returns false', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { done(new Error('sync boom')); } }));
    log('ret', w.write('a', cb('a')));
    log('errored', w.errored);
    log('ret', w.write('b', cb('b')));
  });
});
