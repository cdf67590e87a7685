import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('cork() nests: n corks need n uncorks', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ write(c, e, done) { log('write', c); done(); } });
    w.cork(); w.cork();
    w.write('a');
    w.uncork();
    log('corked', w.writableCorked);
    w.uncork();
    log('corked', w.writableCorked);
    w.uncork();
    log('corked', w.writableCorked);
  });
});
