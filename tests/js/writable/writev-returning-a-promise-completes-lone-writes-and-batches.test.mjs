import { test } from 'node:test';
import assert from 'node:assert/strict';
import { props, trace, NodeWritable, OurWritable } from '../helpers/trace.mjs';

// A writev implementation may return a promise instead of taking its callback (ours takes one
// from write, writev and final; Node 20 takes none). With no write implementation, a lone write
// goes to writev as a batch of one, through the default _write: its promise must complete it as
// it completes a batch. Node's side calls back where ours' promise settles; everything
// observable must be the same.

/** Writes a, b, c, d, then e (after they drained), then ends; `fail` rejects the batch holding it. */
const scenario = (promised, fail = null) => async ({ Writable, log, listen }) => {
  const failed = (entries) => entries.some((e) => e.chunk === fail);
  const w = listen(
    new Writable({
      objectMode: true,
      highWaterMark: 3,
      ...(promised
        ? {
            async writev(entries) {
              log('writev', entries.map((e) => e.chunk).join(''));
              await null;
              if (failed(entries)) throw new Error('sink failed');
            },
          }
        : {
            writev(entries, done) {
              log('writev', entries.map((e) => e.chunk).join(''));
              Promise.resolve().then(() => done(failed(entries) ? new Error('sink failed') : undefined));
            },
          }),
    }),
  );
  for (const c of 'abcd') log('write', c, w.write(c));
  await new Promise((resolve) => (w.writableNeedDrain ? w.once('drain', resolve) : resolve()));
  log('write', 'e', w.write('e'));
  const closed = new Promise((resolve) => w.once('close', resolve));
  w.end();
  await closed;
  log('at the end', props(w));
};

test('a writev returning a promise completes a lone write and the batches after it as Node does for one calling back', async () => {
  const ours = await trace(OurWritable, scenario(true));
  assert.deepEqual(ours, await trace(NodeWritable, scenario(false)));
  // The lone write after 'drain' reached the sink, and the stream finished.
  assert.ok(ours.includes('"writev" "e"'));
  assert.ok(ours.includes('"event:finish"'));
});

test('a writev returning a rejected promise for a lone write errors the stream with the reason', async () => {
  const ours = await trace(OurWritable, scenario(true, 'e'));
  assert.deepEqual(ours, await trace(NodeWritable, scenario(false, 'e')));
  assert.ok(ours.some((line) => line.startsWith('"event:error"') && line.includes('sink failed')));
});
