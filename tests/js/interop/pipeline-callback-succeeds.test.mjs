// stream.pipeline(readable, ours, cb) moves all data into ours, finishes ours and calls cb
// without an error. Compared with node:stream's Writable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, pipeline, Writable as NodeWritable } from 'node:stream';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const log = [];
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      setImmediate(cb);
    },
  });
  w.on('finish', () => log.push('finish'));
  w.on('close', () => log.push('close'));
  const err = await new Promise((resolve) => {
    pipeline(Readable.from(['x', 'y', 'z']), w, (e) => resolve(e));
  });
  log.push(`cb:${err ?? null}`, `finished:${w.writableFinished}`, `destroyed:${w.destroyed}`);
  return log;
}

test('stream.pipeline(readable, ours, cb) succeeds', async () => {
  const ours = await scenario(Writable);
  assert.deepEqual(ours, ['write:x', 'write:y', 'write:z', 'finish', 'close', 'cb:null', 'finished:true', 'destroyed:true']);
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
