// When our sink fails, the pipeline destroys the Readable and stream/promises pipeline rejects
// with the sink's error. Compared with node:stream's Writable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable as NodeWritable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

async function scenario(WritableClass) {
  const boom = new Error('disk full');
  let produced = 0;
  const r = new Readable({
    highWaterMark: 16,
    read() {
      if (produced < 100) this.push(`chunk ${produced++}\n`);
      else this.push(null);
    },
  });
  const readableLog = [];
  r.on('close', () => readableLog.push('close'));
  r.on('end', () => readableLog.push('end'));
  let writes = 0;
  const w = new WritableClass({
    highWaterMark: 16,
    write(chunk, encoding, cb) {
      writes += 1;
      if (writes === 3) setImmediate(() => cb(boom));
      else setImmediate(cb);
    },
  });
  let rejection = null;
  await pipeline(r, w).catch((err) => { rejection = err; });
  return {
    rejectedWithSinkError: rejection === boom,
    readableDestroyed: r.destroyed,
    readableLog,
    ourErrored: w.errored === boom,
    ourDestroyed: w.destroyed,
    writes,
    producedAll: produced === 100,
  };
}

test('our sink erroring destroys the readable and rejects pipeline with the sink error', async () => {
  const ours = await scenario(Writable);
  assert.equal(ours.rejectedWithSinkError, true);
  assert.equal(ours.readableDestroyed, true);
  assert.deepEqual(ours.readableLog, ['close'], 'the readable was closed without ending');
  assert.equal(ours.ourErrored, true);
  assert.equal(ours.ourDestroyed, true);
  assert.equal(ours.writes, 3, 'nothing reaches the sink after its error');
  assert.equal(ours.producedAll, false);
  assert.deepEqual(ours, await scenario(NodeWritable), 'same observable results as node:stream Writable');
});
