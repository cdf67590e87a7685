import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test("'drain' is never emitted after end()", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ highWaterMark: 2, write(c, e, cb2) { setImmediate(cb2); } }));
    log('ret', w.write('abcdef', cb('a')));
    w.end(cb('end'));
  });
});
