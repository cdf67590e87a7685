import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a sink that rejects chunks containing "bad": error, then ERR_STREAM_DESTROYED on the next write', async () => {
  await sameAsNode(async ({ Writable, log, listen, cb }) => {
    const w = listen(new Writable({
      write(chunk, e, done) {
        if (chunk.toString().includes('bad')) done(new Error('bad chunk'));
        else setImmediate(done);
      },
    }));
    w.write('good', cb('good'));
    w.write('this is bad', cb('bad'));
    await new Promise((r) => w.on('close', r));
    log('ret', w.write('after', cb('after')));
  });
});
