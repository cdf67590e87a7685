// Streams-chapter example 6: final() does asynchronous cleanup after the last write completed
// and before 'finish' is emitted (then 'close').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from '../../../pkg/node.mjs';

test('final cleanup runs after the last write and completes before finish and close', async () => {
  const log = [];
  const w = new Writable({
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      setTimeout(() => {
        log.push(`write-done:${chunk}`);
        cb();
      }, 2);
    },
    final(cb) {
      log.push('final:start');
      setTimeout(() => {
        log.push('final:cleaned-up');
        cb();
      }, 5);
    },
  });
  w.on('prefinish', () => log.push('prefinish'));
  w.on('finish', () => log.push('finish'));
  w.on('close', () => log.push('close'));
  w.write('a');
  w.end('b', () => log.push('end-cb'));
  log.push('end-called');
  await once(w, 'close');

  assert.deepEqual(log, [
    'write:a',
    'end-called',
    'write-done:a',
    'write:b',
    'write-done:b',
    'final:start',
    'final:cleaned-up',
    'prefinish',
    'end-cb', // as in Node: end() callbacks run just before 'finish' is emitted
    'finish',
    'close',
  ]);
});
