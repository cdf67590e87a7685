import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('an unknown encoding throws ERR_UNKNOWN_ENCODING', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ write(c, e, done) { done(); } });
    try { w.write('x', 'nope'); } catch (err) { log('threw', err, err.message); }
    try { w.setDefaultEncoding('nope'); } catch (err) { log('threw', err, err.message); }
    try { new Writable({ defaultEncoding: 'nope' }); } catch (err) { log('threw', err, err.message); }
  });
});
