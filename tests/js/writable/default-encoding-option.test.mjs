import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('defaultEncoding applies to strings written without an encoding', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ defaultEncoding: 'base64', write(c, e, done) { log('sink', c, e); done(); } });
    w.write('AAEC');
  });
});
