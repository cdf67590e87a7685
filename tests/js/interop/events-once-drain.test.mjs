// events.once(ours, 'drain') resolves after a write that returned false has been flushed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable as NodeWritable } from 'node:stream';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const log = [];
  const w = new WritableClass({
    highWaterMark: 8,
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      setImmediate(() => { log.push(`done:${chunk}`); cb(); });
    },
  });
  log.push(`ret:${w.write('0123456789')}`, `needDrain:${w.writableNeedDrain}`);
  const args = await once(w, 'drain');
  log.push(`drained:${JSON.stringify(args)}`, `needDrain:${w.writableNeedDrain}`, `length:${w.writableLength}`);
  log.push(`ret:${w.write('x')}`);
  await new Promise((resolve) => w.end(resolve));
  return log;
}

test("events.once(ours, 'drain') resolves once the buffer has drained", async () => {
  const ours = await scenario(Writable);
  assert.deepEqual(ours, [
    'write:0123456789', 'ret:false', 'needDrain:true', // an idle sink gets the chunk inside write()
    'done:0123456789',
    'drained:[]', 'needDrain:false', 'length:0',
    'write:x', 'ret:true', 'done:x',
  ]);
  assert.deepEqual(ours, await scenario(NodeWritable));
});
