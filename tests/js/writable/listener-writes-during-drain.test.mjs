import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props, turns } from '../helpers/trace.mjs';

test("a 'drain' listener that writes again keeps Node's order of sink calls and callbacks", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ highWaterMark: 4, write(c, e, done) { log('write', c); setImmediate(done); } }));
    let n = 0;
    w.on('drain', () => { if (n++ < 2) log('ret', w.write('more' + n, cb('more' + n))); });
    log('ret', w.write('first', cb('first')));
    await turns();
  });
});
