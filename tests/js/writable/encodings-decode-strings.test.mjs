import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('strings are decoded to Buffers with the given or default encoding', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ write(c, e, done) { log('sink', c, e); done(); } });
    w.write('héllo');
    w.write('68656c6c6f', 'hex');
    w.write('aGVsbG8=', 'base64');
    w.write('aGVsbG8', 'base64url');
    w.write('hé', 'latin1');
    w.write('hé', 'utf16le');
    w.setDefaultEncoding('hex');
    w.write('ff00');
    w.write(new Uint16Array([1, 2]));
    w.write(new DataView(new ArrayBuffer(3)));
  });
});
