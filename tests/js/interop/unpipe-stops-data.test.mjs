// readable.unpipe(ours) emits 'unpipe' on ours (with the source), stops the data flowing into
// ours, and does not end ours. Compared with node:stream's Writable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as immediate } from 'node:timers/promises';
import { Readable, Writable as NodeWritable } from 'node:stream';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const log = [];
  const r = new Readable({ read() {} });
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      cb();
    },
  });
  w.on('pipe', (src) => log.push(`pipe:${src === r}`));
  w.on('unpipe', (src) => log.push(`unpipe:${src === r}`));
  w.on('finish', () => log.push('finish'));
  r.pipe(w);
  r.push('a');
  r.push('b');
  await immediate();
  r.unpipe(w);
  log.push(`flowing:${r.readableFlowing}`);
  r.push('c');
  r.push(null);
  await immediate();
  await immediate();
  log.push(`ended:${w.writableEnded}`, `writable:${w.writable}`, `readableLength:${r.readableLength}`);
  return log;
}

test('unpipe emits unpipe on ours and stops the data, leaving ours open', async () => {
  const ours = await scenario(Writable);
  assert.deepEqual(ours, [
    'pipe:true',
    'write:a',
    'write:b',
    'unpipe:true',
    'flowing:false',
    'ended:false',
    'writable:true',
    'readableLength:1',
  ]);
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
