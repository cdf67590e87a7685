import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('subclasses implement _write, _writev, _final and _destroy', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    class Sub extends Writable {
      _write(c, e, done) { log('_write', c); done(); }
      _writev(chunks, done) { log('_writev', chunks); done(); }
      _final(done) { log('_final'); done(); }
      _destroy(err, done) { log('_destroy', err); done(err); }
    }
    const w = listen(new Sub());
    w.write('a');
    w.cork(); w.write('b'); w.write('c'); w.uncork();
    w.end(cb('end'));
    await new Promise((r) => w.on('close', r));
  });
});
