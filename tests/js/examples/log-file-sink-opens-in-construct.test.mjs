// Streams-chapter example 7: a log-file sink. construct() opens a real file asynchronously
// (fs.promises.open), write() appends a timestamped line, final() closes the file. Writes issued
// before the file is open wait for construct().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from '../../../pkg/node.mjs';

function logFileSink(path, log) {
  let handle = null;
  return new Writable({
    construct(cb) {
      log.push('construct:start');
      open(path, 'a').then((h) => {
        handle = h;
        log.push('construct:open');
        cb();
      }, cb);
    },
    write(chunk, encoding, cb) {
      log.push(`write:${chunk}`);
      assert.ok(handle, 'write only runs once the file is open');
      const line = `${new Date().toISOString()} ${chunk}\n`;
      handle.appendFile(line).then(() => cb(), cb);
    },
    final(cb) {
      log.push('final:close');
      const h = handle;
      handle = null;
      h.close().then(() => cb(), cb);
    },
    destroy(err, cb) {
      log.push('destroy');
      if (handle === null) return cb(err);
      const h = handle;
      handle = null;
      h.close().then(() => cb(err), () => cb(err));
    },
  });
}

test('a log-file sink opened in construct appends timestamped lines and closes the file in final', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wasm-writable-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.log');
  const log = [];
  const before = Date.now();
  const w = logFileSink(path, log);
  // Written synchronously, before the file can possibly be open.
  w.write('server started');
  w.write('request /index.html');
  log.push(`length-before-open:${w.writableLength}`);
  w.end('server stopped');
  w.on('finish', () => log.push('finish'));
  await once(w, 'close');
  const after = Date.now();

  assert.deepEqual(log, [
    'length-before-open:33', // as in Node, construct() itself starts on the next tick
    'construct:start',
    'construct:open',
    'write:server started',
    'write:request /index.html',
    'write:server stopped',
    'final:close',
    'finish',
    'destroy',
  ]);
  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  assert.equal(lines.length, 3);
  const messages = [];
  let last = before;
  for (const line of lines) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (.*)$/.exec(line);
    assert.ok(m, `timestamped line: ${line}`);
    const time = Date.parse(m[1]);
    assert.ok(time >= last && time <= after, 'timestamps are in order and within the run');
    last = time;
    messages.push(m[2]);
  }
  assert.deepEqual(messages, ['server started', 'request /index.html', 'server stopped']);
});
