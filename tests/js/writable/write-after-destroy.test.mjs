import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('write after destroy: callback gets ERR_STREAM_DESTROYED, no error event', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({ write(c, e, done) { done(); } }));
    w.destroy();
    log('ret', w.write('late', cb('late')));
  });
});
