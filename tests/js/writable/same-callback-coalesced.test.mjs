import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('many synchronous writes with one shared callback call it once per write, in order', async () => {
  await sameAsNode(({ Writable, log }) => {
    let n = 0;
    const shared = () => log('shared', ++n);
    const w = new Writable({ write(c, e, done) { done(); } });
    for (let i = 0; i < 5; i++) w.write('x', shared);
    process.nextTick(() => log('tick between'));
    w.write('y', () => log('other'));
  });
});
