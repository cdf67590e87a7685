import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WritableCore } from '../../../pkg/wasm/wasm_writable.js';
import { Writable } from '../../../pkg/node.mjs';

// The face saves calls into wasm where the core says in advance what a call would change (README,
// "How it works"): in the steady states below a write costs no call into the core at all, and
// the core hears of the writes in one report now and then. These count the calls (every method
// and getter of the wasm class, wrapped in this process), so a change that silently loses one of
// those shortcuts fails here rather than only in the benchmark.

let calls = 0;
for (const name of Object.getOwnPropertyNames(WritableCore.prototype)) {
  const d = Object.getOwnPropertyDescriptor(WritableCore.prototype, name);
  if (typeof d.value === 'function' && name !== 'constructor') {
    const fn = d.value;
    WritableCore.prototype[name] = function counted(...args) {
      calls++;
      return fn.apply(this, args);
    };
  } else if (d.get) {
    const get = d.get;
    Object.defineProperty(WritableCore.prototype, name, {
      get() {
        calls++;
        return get.call(this);
      },
    });
  }
}

/**
 * Calls into the core while `n` writes of `chunk` go through a producer that waits for 'drain'
 * (to a sink with writev when `writev`).
 */
async function callsFor(n, chunk, complete, { writev = false, objectMode = false } = {}) {
  const options = { objectMode, write(c, e, done) { complete(done); } };
  if (writev) options.writev = (entries, done) => complete(done);
  const w = new Writable(options);
  const before = calls;
  await new Promise((resolve, reject) => {
    let i = 0;
    w.on('error', reject);
    w.on('finish', resolve);
    const pump = () => {
      while (i < n) {
        i++;
        if (!w.write(chunk)) return void w.once('drain', pump);
      }
      w.end();
    };
    pump();
  });
  return calls - before;
}

const N = 2000;
// The calls a stream makes whatever it writes (its start, end() and finish): a constant few.
const FEW = 50;

test('writes of 64 KiB to a sink that completes on a microtask, each awaiting drain, make no call into the core a write', async () => {
  const made = await callsFor(N, Buffer.alloc(65536), (done) => queueMicrotask(done));
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

test('writes of 64 KiB to a sink that completes on setImmediate, each awaiting drain, make no call into the core a write', async () => {
  const made = await callsFor(N, Buffer.alloc(65536), (done) => setImmediate(done));
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

test('writes of 16 bytes to a sink that completes inside its call make no call into the core a write', async () => {
  const made = await callsFor(N, Buffer.alloc(16), (done) => done());
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

test('writes of 1 KiB behind a lead write, to a writev sink on a microtask, each batch awaiting drain, make no call into the core a write', async () => {
  const made = await callsFor(N, Buffer.alloc(1024), (done) => queueMicrotask(done), { writev: true });
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

test('writes of 1 KiB behind a lead write, to a sink without writev on a microtask, each batch awaiting drain, make no call into the core a write', async () => {
  const made = await callsFor(N, Buffer.alloc(1024), (done) => queueMicrotask(done));
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

test('objects behind a lead write, to a writev sink on setImmediate, each batch awaiting drain, make no call into the core a write', async () => {
  const made = await callsFor(N, { id: 1 }, (done) => setImmediate(done), { writev: true, objectMode: true });
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

test('writes of 1 KiB queued behind a sink that completes on a microtask reach it with no call into the core a write', async () => {
  const w = new Writable({ write(c, e, done) { queueMicrotask(done); } });
  const before = calls;
  const chunk = Buffer.alloc(1024);
  for (let i = 0; i < N; i++) w.write(chunk);
  await new Promise((resolve) => w.end(resolve));
  const made = calls - before;
  assert.ok(made < FEW, `${made} calls for ${N} writes`);
});

/**
 * Calls into the core while `batches` cork batches of `size` writes of `chunk` go to a sink (with
 * writev unless `writev` is false), the producer waiting for 'drain' after each batch that
 * reached the highWaterMark.
 */
async function callsForBatches(batches, size, chunk, objectMode, complete, writev = true) {
  const options = { objectMode, write(c, e, done) { complete(done); } };
  if (writev) options.writev = (entries, done) => complete(done);
  const w = new Writable(options);
  const before = calls;
  await new Promise((resolve, reject) => {
    let b = 0;
    w.on('error', reject);
    w.on('finish', resolve);
    const pump = () => {
      while (b < batches) {
        b++;
        w.cork();
        let ok = true;
        for (let j = 0; j < size; j++) ok = w.write(chunk);
        w.uncork();
        if (!ok) return void w.once('drain', pump);
      }
      w.end();
    };
    pump();
  });
  return calls - before;
}

test('cork batches of 1 KiB writes up to the highWaterMark, to a writev sink on a microtask, make no call into the core a batch', async () => {
  const made = await callsForBatches(N / 16, 16, Buffer.alloc(1024), false, (done) => queueMicrotask(done));
  assert.ok(made < FEW, `${made} calls for ${N / 16} batches`);
});

test('cork batches of objects up to the highWaterMark, to a writev sink that completes inside its call, make no call into the core a batch', async () => {
  const made = await callsForBatches(N / 16, 16, { id: 1 }, true, (done) => done());
  assert.ok(made < FEW, `${made} calls for ${N / 16} batches`);
});

test('cork batches of 64 KiB writes, to a writev sink on setImmediate, make no call into the core a batch', async () => {
  const made = await callsForBatches(N / 16, 16, Buffer.alloc(65536), false, (done) => setImmediate(done));
  assert.ok(made < FEW, `${made} calls for ${N / 16} batches`);
});

test('cork batches of 16-byte writes below the highWaterMark, to a writev sink that completes inside its call, make no call into the core a batch', async () => {
  const made = await callsForBatches(N / 16, 16, Buffer.alloc(16), false, (done) => done());
  assert.ok(made < FEW, `${made} calls for ${N / 16} batches`);
});

test('cork batches of objects up to the highWaterMark, to a sink without writev that completes inside its calls, make no call into the core a batch', async () => {
  const made = await callsForBatches(N / 16, 16, { id: 1 }, true, (done) => done(), false);
  assert.ok(made < FEW, `${made} calls for ${N / 16} batches`);
});

test('cork batches of 16-byte writes queued behind a writev sink on a microtask make almost no call into the core a batch', async () => {
  // The cork() and uncork() behind the writev in flight are the face's: a few calls for each
  // 'drain' (here every 64 batches), not two a batch.
  const made = await callsForBatches(N / 16, 16, Buffer.alloc(16), false, (done) => queueMicrotask(done));
  assert.ok(made < FEW, `${made} calls for ${N / 16} batches`);
});
