// Streams-chapter example 4: a sink that rejects chunks containing "bad". The failing write's
// callback gets the error (before 'error' is emitted), 'error' carries the same error, a write
// buffered behind it is discarded with that error, and a write after that gets
// ERR_STREAM_DESTROYED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from '../../../pkg/node.mjs';

test('a sink rejecting "bad" chunks: callback gets the error, then error event, then ERR_STREAM_DESTROYED', async () => {
  const log = [];
  const accepted = [];
  const w = new Writable({
    write(chunk, encoding, cb) {
      const s = chunk.toString();
      if (s.includes('bad')) {
        setImmediate(() => cb(new Error(`rejected chunk: ${s}`)));
      } else {
        accepted.push(s);
        setImmediate(cb);
      }
    },
  });
  let cbError;
  let eventError;
  w.on('error', (err) => {
    eventError = err;
    log.push(`error:${err.message}`);
  });
  w.on('close', () => log.push('close'));
  w.write('good 1', (err) => log.push(`cb:good 1:${err?.message ?? null}`));
  w.write('this is bad', (err) => {
    cbError = err;
    log.push(`cb:bad:${err?.message ?? null}`);
  });
  let bufferedError;
  w.write('good 2', (err) => {
    bufferedError = err;
    log.push(`cb:good 2:${err?.message ?? null}`);
  });
  await new Promise((resolve) => w.on('close', resolve)); // events.once would reject on 'error'

  assert.deepEqual(accepted, ['good 1'], 'nothing after the bad chunk reaches the sink');
  assert.ok(cbError instanceof Error);
  assert.equal(eventError, cbError, "'error' carries the very error the write callback got");
  assert.equal(bufferedError, cbError, 'as in Node, discarded buffered writes get state.errored');
  assert.deepEqual(log, [
    'cb:good 1:null',
    'cb:bad:rejected chunk: this is bad',
    'cb:good 2:rejected chunk: this is bad', // the buffered write is discarded with the stored error
    'error:rejected chunk: this is bad',
    'close',
  ]);
  assert.equal(w.destroyed, true);
  assert.equal(w.errored, cbError);

  const after = await new Promise((resolve) => {
    const ret = w.write('next', (err) => resolve({ ret, err }));
  });
  assert.equal(after.ret, false);
  assert.equal(after.err?.code, 'ERR_STREAM_DESTROYED');
  assert.deepEqual(accepted, ['good 1']);
});
