import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('end(cb) gets the error when the stream errors before finishing', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { setImmediate(() => done(new Error('late fail'))); } }));
    w.write('a');
    w.end(cb('end'));
    await new Promise((r) => w.on('close', r));
  });
});
