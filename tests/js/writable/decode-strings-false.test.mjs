import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('decodeStrings: false passes strings with their encoding', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ decodeStrings: false, write(c, e, done) { log('sink', c, e, w.writableLength); done(); } });
    w.write('héllo');
    w.write('abcd', 'hex');
    w.write(Buffer.from('x'));
  });
});
