// Streams-chapter example 12: a JSON-lines parser (a node:stream Transform) feeding an objectMode
// Writable of ours through stream/promises pipeline. Lines split across chunk boundaries and a
// final line without a newline must all be parsed, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from '../../../pkg/node.mjs';

function jsonLines() {
  let rest = '';
  return new Transform({
    readableObjectMode: true,
    transform(chunk, encoding, cb) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop();
      try {
        for (const line of lines) if (line.trim() !== '') this.push(JSON.parse(line));
        cb();
      } catch (err) {
        cb(err);
      }
    },
    flush(cb) {
      try {
        if (rest.trim() !== '') this.push(JSON.parse(rest));
        cb();
      } catch (err) {
        cb(err);
      }
    },
  });
}

test('a JSON-lines Transform feeds parsed objects into our objectMode Writable via pipeline', async () => {
  const text = '{"id":1,"name":"ada"}\n{"id":2,"tags":["x","y"]}\n\n{"id":3,"nested":{"ok":true}}\n{"id":4}';
  // Cut the text into uneven pieces so that lines straddle chunk boundaries.
  const pieces = [];
  for (let i = 0, n = 3; i < text.length; i += n, n = (n % 11) + 4) pieces.push(Buffer.from(text.slice(i, i + n)));
  const objects = [];
  const sink = new Writable({
    objectMode: true,
    write(obj, encoding, cb) {
      objects.push(obj);
      setImmediate(cb);
    },
  });
  await pipeline(Readable.from(pieces), jsonLines(), sink);

  assert.deepEqual(objects, [
    { id: 1, name: 'ada' },
    { id: 2, tags: ['x', 'y'] },
    { id: 3, nested: { ok: true } },
    { id: 4 },
  ]);
  assert.equal(sink.writableFinished, true);
});
