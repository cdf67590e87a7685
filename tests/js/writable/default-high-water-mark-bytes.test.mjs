import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';

test('byte mode defaults to a 16 KiB highWaterMark', async () => {
  await sameAsNode(({ Writable, log }) => {
    const w = new Writable({ write(c, e, cb) {} });
    log('hwm', w.writableHighWaterMark, 'objectMode', w.writableObjectMode);
    log('ret', w.write(Buffer.alloc(16383)), w.write('x'));
  });
});
