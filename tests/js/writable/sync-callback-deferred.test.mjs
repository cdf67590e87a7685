import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('a write callback completed synchronously by the sink runs after write() returns', async () => {
  await sameAsNode(({ Writable, log, cb }) => {
    const w = new Writable({ write(c, e, done) { log('sink', c); done(); } });
    log('ret', w.write('a', cb('a')));
    log('after write');
    process.nextTick(() => log('tick'));
  });
});
