// Streams-chapter example 7, the other exit: a log-file sink destroyed before end() closes its
// file in destroy(); what was written before stays in the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from '../../../pkg/node.mjs';

test('a log-file sink destroyed mid-stream closes its file in destroy and keeps the lines written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wasm-writable-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.log');
  let handle = null;
  let closedBy = null;
  const w = new Writable({
    construct(cb) {
      open(path, 'a').then((h) => { handle = h; cb(); }, cb);
    },
    write(chunk, encoding, cb) {
      handle.appendFile(`${new Date().toISOString()} ${chunk}\n`).then(() => cb(), cb);
    },
    final(cb) {
      closedBy = 'final';
      handle.close().then(() => cb(), cb);
    },
    destroy(err, cb) {
      if (closedBy !== null) return cb(err);
      closedBy = 'destroy';
      handle.close().then(() => cb(err), () => cb(err));
    },
  });
  await new Promise((resolve, reject) => w.write('first line', (err) => (err ? reject(err) : resolve())));
  const boom = new Error('shutting down');
  const errors = [];
  w.on('error', (err) => errors.push(err));
  w.destroy(boom);
  await new Promise((resolve) => w.on('close', resolve)); // events.once would reject on 'error'

  assert.equal(closedBy, 'destroy');
  assert.deepEqual(errors, [boom]);
  assert.equal(handle.fd, -1, 'the file handle is closed');
  const text = await readFile(path, 'utf8');
  assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z first line\n$/);
});
