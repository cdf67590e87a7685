import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('cork() buffers and uncork() hands the whole batch to writev in one call', async () => {
  await sameAsNode(async ({ Writable, log, cb }) => {
    const w = new Writable({
      write(c, e, done) { log('write', c); done(); },
      writev(chunks, done) { log('writev', chunks); done(); },
    });
    w.cork();
    w.write('a', cb('a'));
    w.write(Buffer.from('b'), cb('b'));
    w.write('c', 'hex', cb('c'));
    log('corked', w.writableCorked, 'length', w.writableLength);
    w.uncork();
    log('corked', w.writableCorked, 'length', w.writableLength);
  });
});
