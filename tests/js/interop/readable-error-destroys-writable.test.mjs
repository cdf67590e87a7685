// In a pipeline, an erroring Readable destroys our Writable with that very error, and the
// pipeline callback gets it. Compared with node:stream's Writable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, pipeline, Writable as NodeWritable } from 'node:stream';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const log = [];
  const boom = new Error('source failed');
  let n = 0;
  const r = new Readable({
    read() {
      if (n++ < 2) this.push(`chunk${n}`);
      else this.destroy(boom);
    },
  });
  const w = new WritableClass({
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      setImmediate(cb);
    },
    destroy(err, cb) {
      log.push(`_destroy:${err === boom}`);
      cb(err);
    },
  });
  w.on('error', (err) => log.push(`error:${err === boom}`));
  w.on('close', () => log.push('close'));
  w.on('finish', () => log.push('finish'));
  const err = await new Promise((resolve) => pipeline(r, w, resolve));
  log.push(`cb:${err === boom}`, `destroyed:${w.destroyed}`, `errored:${w.errored === boom}`, `finished:${w.writableFinished}`);
  return log;
}

test('an erroring readable in a pipeline destroys ours with the same error', async () => {
  const ours = await scenario(Writable);
  assert.ok(ours.includes('_destroy:true'), 'our destroy implementation got the source error');
  assert.ok(ours.includes('cb:true'), 'the pipeline callback got the source error');
  assert.ok(ours.includes('destroyed:true'));
  assert.ok(ours.includes('errored:true'), 'ours is errored with the source error');
  assert.ok(!ours.includes('finish'), 'ours never finishes');
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
