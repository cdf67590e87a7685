import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('an aborted signal destroys the stream with an AbortError', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const ac = new AbortController();
    const w = listen(new Writable({ signal: ac.signal, write(c, e, done) { setImmediate(done); } }));
    w.write('a', cb('a'));
    ac.abort();
    await new Promise((r) => w.on('close', r));
    log('errored', w.errored?.name);
  });
});
