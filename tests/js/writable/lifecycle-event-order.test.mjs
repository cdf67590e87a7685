import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test("end(): 'prefinish', 'finish', then 'close'; properties along the way", async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { setImmediate(done); } }));
    w.write('a', cb('a'));
    w.end('b', cb('end'));
    log('props', props(w));
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
