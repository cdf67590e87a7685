import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('write after end: callback gets ERR_STREAM_WRITE_AFTER_END, then error, then close', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); } }));
    w.end();
    log('ret', w.write('late', cb('late')));
    await new Promise((r) => w.on('close', r));
    log('props', props(w));
  });
});
