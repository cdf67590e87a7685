import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

test("'drain' is emitted only after a write returned false, once the buffer is empty", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ highWaterMark: 100, write(c, e, cb2) { setImmediate(cb2); } }));
    log('ret', w.write('a', cb('a')));
    await turns();
    const w2 = listen(new Writable({ highWaterMark: 2, write(c, e, cb2) { setImmediate(cb2); } }));
    log('ret', w2.write('abc', cb('b')));
    log('ret', w2.write('d', cb('c')));
  });
});
