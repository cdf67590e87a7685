import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { sameAsNode, props } from '../helpers/trace.mjs';
import { MemorySink, Writable as OurWritable, wasmMemory } from '../../../pkg/node.mjs';

// Callback-less writes behind a cork or a busy sink are accepted on a budget the core names
// and handed to it later; their lengths wait in wasm memory. Growing that memory in between
// (which detaches every view of it) loses none of them.
// Kept alive while the tests run, so the memory they took is not free for the next allocation.
const held = [];
function growWasmMemory() {
  const before = wasmMemory().buffer.byteLength;
  const big = new OurWritable({ sink: new MemorySink() });
  big.write(new Uint8Array(1 << 20));
  held.push(big);
  return wasmMemory().buffer.byteLength > before;
}

after(() => {
  for (const w of held) w.destroy();
});

test('wasm memory grows when a sink takes more than it has', () => {
  const before = wasmMemory().buffer.byteLength;
  for (let i = 0; i < 4; i++) growWasmMemory();
  assert.ok(wasmMemory().buffer.byteLength > before);
});

test('300,000 corked writes with wasm memory growing in between all arrive, in order', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const seen = [];
    const w = listen(new Writable({
      highWaterMark: 1 << 22,
      write(c, e, cb) { seen.push(c.length); cb(); },
      writev(entries, cb) { for (const { chunk } of entries) seen.push(chunk.length); log('writev', entries.length); cb(); },
    }));
    w.cork();
    // So many that the room for their lengths itself grows wasm memory, more than once.
    for (let i = 0; i < 300_000; i++) {
      if (i === 1500) growWasmMemory();
      if (!w.write(Buffer.alloc(i % 7))) log('false at', i);
    }
    log('corked', props(w));
    w.uncork();
    log('sink saw', seen.length, seen.every((len, i) => len === i % 7));
    log('state', props(w));
  });
});

test('writes behind a busy sink with wasm memory growing in between all arrive, in order', async () => {
  await sameAsNode(async ({ Writable, log, listen }) => {
    const seen = [];
    const w = listen(new Writable({
      highWaterMark: 1 << 16,
      write(c, e, cb) { seen.push(c.length); setImmediate(cb); },
    }));
    for (let i = 0; i < 1000; i++) {
      if (i % 250 === 125) growWasmMemory();
      if (!w.write(Buffer.alloc(1 + (i % 5)))) log('false at', i);
    }
    log('busy', props(w));
    w.end();
    await new Promise((r) => w.on('finish', r));
    log('sink saw', seen.length, seen.every((len, i) => len === 1 + (i % 5)));
  });
});
