import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('end() uncorks fully', async () => {
  await sameAsNode(({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(c, e, done) { log('write', c); done(); },
      writev(chunks, done) { log('writev', chunks); done(); },
    }));
    w.cork(); w.cork();
    w.write('a'); w.write('b');
    w.end('c', cb('end'));
    log('corked', w.writableCorked);
  });
});
