// The web face's behaviours (issue 5, GUIDE §3 "Web face"), written once and run twice: in Node 20
// by tests/js/web/*.test.mjs (api = pkg/node.mjs) and in headless Chromium by
// tests/e2e/web-face.test.mjs (api = /pkg/browser.js). Browser-compatible: web APIs only.
//
// Each scenario is { name, group, run: async (api, env) => void | { skip }, needs?, todo? }:
//   run      throws on failure; may return { skip: 'why' } when a part cannot be observed;
//   needs    ['dataUrl']: needs env.dataUrl, a file served by the test server whose bytes are
//            dataBytes(env.dataLength);
//   todo     'divergence: …' (or { node, browser }) when OUR library diverges from the spec/issue:
//            the runners report it as todo so the suite stays green while it is tracked.
//
// "buffered" below is what the stream accepted and the sink has not completed (queued + in
// flight), in bytes, or chunks in objectMode: Node's writableLength.

import * as assert from './assert.mjs';
import { createScriptedSink, settle, stateOf, track, until, unitsOf, bytesOf, macrotask } from './scripted-sink.mjs';

/** The bytes of the data file the runners serve: a fixed pattern of `length` bytes. */
export function dataBytes(length) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + 7 + (i >> 8)) & 0xff;
  return out;
}

/** Resolves with the first `name` event's argument; rejects after `ms`. */
function onceEvent(emitter, name, ms = 3000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' event within ${ms} ms`)), ms);
    emitter.once(name, (arg) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}

/** Rejects if `promise` has not settled within `ms` (a stall is a failure, not a hang). */
function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms (stalled)`)), ms);
    }),
  ]);
}

function concat(parts) {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(bytesOf(p), at);
    at += p.byteLength;
  }
  return out;
}

const text = (chunk) => new TextDecoder().decode(bytesOf(chunk));

/**
 * Watches one writer: `write()` counts what the stream accepted, `check()` compares
 * writer.desiredSize with highWaterMark − buffered (and with w.writableHighWaterMark −
 * w.writableLength when `w` is given), `checkSettled()` does so after pending promises settle and
 * also checks that `ready` is pending exactly while desiredSize ≤ 0.
 */
class Meter {
  constructor({ writer, sink, hwm, objectMode = false, w = null }) {
    Object.assign(this, { writer, sink, hwm, objectMode, w });
    this.written = 0;
    this.maxBuffered = 0;
    this.maxChunk = 0;
  }
  get buffered() {
    return this.written - this.sink.completedUnits;
  }
  write(chunk) {
    const units = unitsOf(chunk, this.objectMode);
    this.written += units;
    this.maxChunk = Math.max(this.maxChunk, units);
    const t = track(this.writer.write(chunk));
    this.maxBuffered = Math.max(this.maxBuffered, this.buffered);
    return t;
  }
  check(where) {
    const { writer, hwm, w } = this;
    assert.equal(writer.desiredSize, hwm - this.buffered, `${where}: writer.desiredSize === highWaterMark - buffered`);
    if (w) {
      assert.equal(w.writableLength, this.buffered, `${where}: w.writableLength === buffered`);
      assert.equal(
        writer.desiredSize,
        w.writableHighWaterMark - w.writableLength,
        `${where}: writer.desiredSize === w.writableHighWaterMark - w.writableLength`,
      );
    }
  }
  async checkSettled(where) {
    await settle();
    this.check(`${where} (settled)`);
    const expected = this.writer.desiredSize > 0 ? 'fulfilled' : 'pending';
    assert.equal(await stateOf(this.writer.ready), expected, `${where}: writer.ready with desiredSize ${this.writer.desiredSize}`);
  }
}

export const scenarios = [];
const add = (group, name, run, extra = {}) => scenarios.push({ group, name, run, ...extra });

// ---------------------------------------------------------------------------------------------
// desired-size: one set of numbers
// ---------------------------------------------------------------------------------------------

add('desired-size', 'byte mode: desiredSize is highWaterMark minus buffered bytes after each write and once settled; ready is pending exactly while it is <= 0', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const hwm = 10;
  const writer = api.createWritableStream(sink.options, { highWaterMark: hwm }).getWriter();
  const m = new Meter({ writer, sink, hwm });
  await m.checkSettled('after start');
  const a = m.write('abcd');
  m.check('after writing 4 bytes');
  await m.checkSettled('4 bytes in flight');
  m.write(new Uint8Array(3));
  m.check('after writing 3 more bytes');
  await m.checkSettled('7 bytes buffered');
  m.write('é€'); // 2 + 3 UTF-8 bytes
  m.check('after writing a 5-byte string');
  await m.checkSettled('12 bytes buffered (desiredSize -2)');
  assert.equal(sink.writes.length, 1, 'one write reached the sink (the others wait in the queue)');
  sink.complete();
  await m.checkSettled('first chunk completed');
  assert.equal(a.state, 'fulfilled', 'the first write promise settles once the sink completed it');
  sink.complete();
  await m.checkSettled('second chunk completed');
  sink.complete();
  await m.checkSettled('all completed');
  assert.equal(writer.desiredSize, hwm, 'back to highWaterMark');
});

add('desired-size', 'objectMode: desiredSize counts chunks, and ready is pending exactly while it is <= 0', async (api) => {
  const sink = createScriptedSink({ objectMode: true, mode: 'hang' });
  const hwm = 3;
  const writer = api.createWritableStream(sink.options, { highWaterMark: hwm, objectMode: true }).getWriter();
  const m = new Meter({ writer, sink, hwm, objectMode: true });
  await m.checkSettled('after start');
  const objects = [{ n: 1 }, 'two', [3], 4, { n: 5 }];
  for (const [i, o] of objects.entries()) {
    m.write(o);
    m.check(`after write ${i + 1}`);
    await m.checkSettled(`${i + 1} chunks buffered`);
  }
  for (let i = 0; i < objects.length; i++) {
    sink.complete();
    await m.checkSettled(`${i + 1} chunks completed`);
  }
  assert.deepEqual(sink.writes, objects, 'the sink got the very objects, in order');
});

add('desired-size', 'the default highWaterMark is 16384 bytes, or 16 chunks in objectMode', async (api) => {
  const bytes = api.createWritableStream(createScriptedSink().options).getWriter();
  const objects = api.createWritableStream(createScriptedSink({ objectMode: true }).options, { objectMode: true }).getWriter();
  await settle();
  assert.equal(bytes.desiredSize, 16384, 'byte mode');
  assert.equal(objects.desiredSize, 16, 'objectMode');
});

add('desired-size', 'Writable.toWeb(w): desiredSize equals w.writableHighWaterMark - w.writableLength at every step', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const w = new api.Writable({ highWaterMark: 8, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm: 8, w });
  await m.checkSettled('after start');
  // '😀\uD800' is 4 + 3 UTF-8 bytes: a lone surrogate counts as the 3 bytes of U+FFFD it becomes.
  for (const chunk of ['abc', new Uint8Array(4), 'xy', 'ñ', '😀\uD800']) {
    m.write(chunk);
    m.check(`after writing ${unitsOf(chunk)} bytes`);
    await m.checkSettled(`${m.buffered} bytes buffered`);
  }
  while (sink.inFlight.length > 0) {
    sink.complete();
    await m.checkSettled(`${m.buffered} bytes left`);
  }
  assert.equal(w.writableLength, 0, 'nothing left in the core');
});

add('desired-size', 'Writable.toWeb(w) in objectMode: desiredSize equals w.writableHighWaterMark - w.writableLength', async (api) => {
  const sink = createScriptedSink({ objectMode: true, mode: 'hang' });
  const w = new api.Writable({ objectMode: true, highWaterMark: 2, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm: 2, objectMode: true, w });
  await m.checkSettled('after start');
  for (let i = 0; i < 4; i++) {
    m.write({ i });
    m.check(`after write ${i + 1}`);
    await m.checkSettled(`${i + 1} buffered`);
  }
  for (let i = 0; i < 4; i++) {
    sink.complete();
    await m.checkSettled(`${i + 1} completed`);
  }
});

add('desired-size', 'a producer that awaits ready never has more than highWaterMark + one chunk buffered', async (api) => {
  const sink = createScriptedSink({ mode: 'async' });
  const hwm = 16;
  const w = new api.Writable({ highWaterMark: hwm, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm, w });
  const sizes = [1, 5, 9, 13, 7, 3, 15, 2];
  let maxLength = 0;
  const pending = [];
  for (let i = 0; i < 80; i++) {
    await writer.ready;
    pending.push(m.write(new Uint8Array(sizes[i % sizes.length]).fill(i)));
    maxLength = Math.max(maxLength, w.writableLength);
    if (i % 7 === 0) sink.script('sync'); // mix synchronous and later completions
  }
  await writer.close();
  for (const p of pending) await p.promise;
  assert.ok(pending.every((p) => p.state === 'fulfilled'), 'every write fulfilled');
  assert.ok(m.maxBuffered <= hwm + m.maxChunk, `peak buffered ${m.maxBuffered} <= highWaterMark ${hwm} + largest chunk ${m.maxChunk}`);
  assert.ok(maxLength <= hwm + m.maxChunk, `peak w.writableLength ${maxLength} <= highWaterMark + largest chunk`);
  assert.ok(m.maxBuffered > hwm - m.maxChunk, `backpressure was actually reached (peak ${m.maxBuffered})`);
  assert.equal(sink.maxInFlight, 1, 'one write at a time');
});

// ---------------------------------------------------------------------------------------------
// spec: the WHATWG underlying-sink contract
// ---------------------------------------------------------------------------------------------

add('spec', 'write() waits for start: nothing reaches the sink synchronously, the chunk arrives after start', async (api) => {
  const sink = createScriptedSink({ mode: 'sync' });
  const writer = api.createWritableStream(sink.options).getWriter();
  const t = track(writer.write('early'));
  const c = track(writer.close());
  assert.equal(sink.calls.length, 0, 'no sink call inside write()/close()');
  await within(c.promise, 2000, 'close()');
  assert.equal(t.state, 'fulfilled');
  // After final, the Node-style core auto-destroys (autoDestroy), so destroy(null) comes last.
  assert.deepEqual(sink.calls.map((x) => x.op), ['write', 'final', 'destroy'], 'write, then final (then autoDestroy)');
  assert.equal(sink.destroyCalls[0].err ?? null, null, 'a clean close destroys without an error');
  assert.equal(text(sink.writes[0]), 'early');
});

add('spec', "write() and close() wait for the sink's construct() to finish", async (api) => {
  const sink = createScriptedSink({ mode: 'sync', construct: true });
  const writer = api.createWritableStream(sink.options, { highWaterMark: 4 }).getWriter();
  const a = track(writer.write('ab'));
  const c = track(writer.close());
  await settle();
  assert.deepEqual(sink.calls.map((x) => x.op), ['construct'], 'only construct() ran so far');
  assert.equal(a.state, 'pending', 'the write waits');
  assert.equal(c.state, 'pending', 'close waits');
  sink.finishConstruct();
  await within(c.promise, 2000, 'close()');
  assert.equal(a.state, 'fulfilled');
  assert.deepEqual(sink.calls.map((x) => x.op), ['construct', 'write', 'final', 'destroy'], 'construct, write, final (then autoDestroy)');
});

add('spec', 'chunks reach the sink in order and one at a time (never concurrently)', async (api) => {
  const sink = createScriptedSink({ mode: 'async' });
  const writer = api.createWritableStream(sink.options, { highWaterMark: 1024 }).getWriter();
  const chunks = ['one', 'two', 'three', 'four', 'five', 'six'];
  const ts = chunks.map((c) => track(writer.write(c)));
  await within(writer.close(), 2000, 'close()');
  assert.ok(ts.every((t) => t.state === 'fulfilled'));
  assert.deepEqual(sink.writes.map(text), chunks, 'order');
  assert.equal(sink.maxInFlight, 1, 'at most one write in flight');
});

add('spec', 'close() runs final only after every write completed, and resolves after final', async (api) => {
  const sink = createScriptedSink({ mode: 'hang', finalMode: 'hang' });
  const writer = api.createWritableStream(sink.options, { highWaterMark: 100 }).getWriter();
  ['a', 'b', 'c'].forEach((c) => writer.write(c).catch(() => {}));
  const closed = track(writer.close());
  for (let i = 0; i < 3; i++) {
    await settle();
    assert.equal(sink.finalCalls.length, 0, `no final while ${3 - i} write(s) are not completed`);
    sink.complete();
  }
  await until(() => sink.finalCalls.length === 1, 'final()');
  assert.deepEqual(sink.calls.map((x) => x.op), ['write', 'write', 'write', 'final']);
  await settle();
  assert.equal(closed.state, 'pending', 'close() waits for final to complete');
  sink.completeFinal();
  await within(closed.promise, 2000, 'close()');
  assert.equal(closed.state, 'fulfilled');
  await within(writer.closed, 2000, 'writer.closed');
});

add('spec', 'a rejected sink write errors the stream; every later write rejects with the same stored error, and close() with the spec TypeError', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const writer = api.createWritableStream(sink.options, { highWaterMark: 100 }).getWriter();
  const boom = new Error('sink failed');
  const a = track(writer.write('a'));
  const b = track(writer.write('b'));
  const closedT = track(writer.closed);
  await until(() => sink.inFlight.length === 1, 'the first write');
  sink.fail(boom);
  await settle();
  assert.equal(a.state, 'rejected', 'the failed write rejects');
  assert.same(a.reason, boom, 'the failed write rejects with the sink error');
  assert.same(b.reason, boom, 'the queued write rejects with the same error');
  assert.same(closedT.reason, boom, 'writer.closed rejects with the same error');
  assert.equal(writer.desiredSize, null, 'desiredSize is null once errored');
  const later = await assert.rejects(writer.write('c'));
  assert.same(later, boom, 'a later write rejects with the same stored error');
  // close() on an errored stream: the Streams Standard (WritableStreamClose step 2) rejects with
  // a TypeError, not the stored error (the native WritableStream decides this); writer.closed
  // keeps carrying the stored error.
  const close = await assert.rejects(writer.close());
  assert.ok(close instanceof TypeError, `close() rejects with a TypeError per the spec, got ${close}`);
  assert.same(await assert.rejects(writer.closed), boom, 'writer.closed still rejects with the stored error');
  assert.deepEqual(sink.writes.map(text), ['a'], 'nothing after the failure reached the sink');
});

add('spec', 'abort(reason) waits for the in-flight write, rejects queued writes in order with the reason, then gives the reason to destroy', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const writer = api.createWritableStream(sink.options, { highWaterMark: 100 }).getWriter();
  const order = [];
  const names = ['a', 'b', 'c', 'd'];
  const ts = names.map((n) => {
    const t = track(writer.write(n));
    t.promise.then(() => order.push(`${n}:${t.state}`));
    return t;
  });
  await until(() => sink.inFlight.length === 1, 'the first write');
  const reason = new Error('stop');
  const aborted = track(writer.abort(reason));
  await settle();
  assert.equal(sink.destroyCalls.length, 0, 'destroy waits for the in-flight write');
  assert.equal(aborted.state, 'pending', 'abort() waits for the in-flight write');
  assert.equal(ts[0].state, 'pending', 'the in-flight write is not cut short');
  sink.complete();
  await within(aborted.promise, 2000, 'abort()');
  assert.equal(aborted.state, 'fulfilled', 'abort() resolves');
  assert.equal(ts[0].state, 'fulfilled', 'the in-flight write completed');
  assert.deepEqual(order, ['a:fulfilled', 'b:rejected', 'c:rejected', 'd:rejected'], 'queued writes reject in order');
  for (const t of ts.slice(1)) assert.same(t.reason, reason, 'a queued write rejects with the abort reason');
  assert.equal(sink.destroyCalls.length, 1, 'destroy ran once');
  assert.same(sink.destroyCalls[0].err, reason, 'destroy got the abort reason');
  assert.deepEqual(sink.writes.map(text), ['a'], 'queued chunks never reached the sink');
  assert.same(await assert.rejects(writer.write('e')), reason, 'a later write rejects with the reason');
});

add('spec', 'abort() with a non-Error reason gives destroy an AbortError whose cause is the reason', async (api) => {
  const sink = createScriptedSink({ mode: 'sync' });
  const writer = api.createWritableStream(sink.options).getWriter();
  await writer.write('x');
  await within(writer.abort('enough'), 2000, 'abort()');
  assert.equal(sink.destroyCalls.length, 1, 'destroy ran once');
  const err = sink.destroyCalls[0].err;
  assert.ok(err instanceof Error, 'destroy got an Error');
  assert.equal(err.name, 'AbortError');
  assert.equal(err.cause, 'enough', 'the reason is its cause');
  assert.equal(await assert.rejects(writer.closed), 'enough', 'the web stream keeps the reason itself');
});

add('spec', 'abort() fires controller.signal at once: the sink hears it while its write is in flight', async (api) => {
  let release = null;
  const heard = [];
  const ws = api.createWritableStream({
    write(chunk, encoding, cb) {
      release = cb; // hangs until released
    },
    abort(reason) {
      heard.push({ reason, writeInFlight: release !== null });
    },
  });
  const writer = ws.getWriter();
  writer.write(new Uint8Array([1])).catch(() => {});
  await until(() => release !== null, 'the write reaching the sink');
  const reason = new Error('stop now');
  const aborted = track(writer.abort(reason));
  assert.equal(heard.length, 1, 'abort(reason) reached the sink synchronously, inside writer.abort()');
  assert.same(heard[0].reason, reason, 'with the reason itself');
  assert.ok(heard[0].writeInFlight, 'while the write was still in flight');
  await settle();
  assert.equal(aborted.state, 'pending', 'abort() waits for the in-flight write');
  release();
  await aborted.promise;
});

add('spec', 'Writable.toWeb(w): destroying w while no write is pending errors the web stream with that error', async (api) => {
  const sink = createScriptedSink({ mode: 'sync' });
  const w = new api.Writable(sink.options);
  const writer = api.Writable.toWeb(w).getWriter();
  await writer.write('a');
  const boom = new Error('gone');
  w.destroy(boom);
  const err = await within(assert.rejects(writer.closed), 2000, 'writer.closed');
  assert.same(err, boom, 'writer.closed rejects with the error');
  assert.same(await assert.rejects(writer.write('b')), boom, 'a later write rejects with it');
});

add('spec', 'a Rust sink that fails (MemorySink over its limit) errors the web stream; later writes reject with the same error', async (api) => {
  const sink = new api.MemorySink({ limit: 4 });
  const writer = api.createWritableStream(sink).getWriter();
  await writer.write('abc');
  const err = await assert.rejects(writer.write('defg'));
  assert.ok(err instanceof Error, `the sink error is an Error (${err})`);
  assert.same(await assert.rejects(writer.closed), err, 'writer.closed rejects with the same error');
  assert.same(await assert.rejects(writer.write('h')), err, 'a later write rejects with the same error');
  assert.equal(sink.text(), 'abc', 'what fit stays');
});

add('spec', 'highWaterMark 0 does not stall pipeTo (byte mode and objectMode)', async (api) => {
  for (const objectMode of [false, true]) {
    const sink = createScriptedSink({ mode: 'async', objectMode });
    const ws = api.createWritableStream(sink.options, { highWaterMark: 0, objectMode });
    const chunks = ['p', 'q', 'r'];
    const rs = new ReadableStream({
      start(c) {
        for (const x of chunks) c.enqueue(objectMode ? { x } : x);
        c.close();
      },
    });
    await within(rs.pipeTo(ws), 2000, `pipeTo into a highWaterMark-0 stream (objectMode ${objectMode})`);
    assert.equal(sink.writes.length, 3, 'every chunk arrived');
    assert.equal(sink.finalCalls.length, 1, 'closed');
  }
});

add('spec', 'a chunk whose size is not a valid number (a number or plain object in byte mode) rejects that write with a RangeError', async (api) => {
  for (const bad of [42, { not: 'bytes' }]) {
    const sink = createScriptedSink({ mode: 'sync' });
    const writer = api.createWritableStream(sink.options).getWriter();
    await writer.ready;
    const err = await assert.rejects(writer.write(bad));
    assert.ok(err instanceof RangeError, `write(${typeof bad}) rejects with a RangeError, got ${err}`);
    assert.same(await assert.rejects(writer.closed), err, 'the stream is errored with that RangeError');
    assert.equal(sink.writes.length, 0, 'nothing reached the sink');
  }
});

add('spec', "a write re-entering from inside the sink's write keeps the numbers in agreement", async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const w = new api.Writable({ highWaterMark: 8, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm: 8, w });
  await settle();
  let reentered = false;
  sink.onWrite = (chunk) => {
    if (reentered) return;
    reentered = true;
    m.write('xyz'); // from inside the sink's write, before it completes synchronously
    m.write('12345');
  };
  sink.script('sync');
  const first = m.write('ab');
  await m.checkSettled('after the re-entrant writes');
  assert.equal(first.state, 'fulfilled');
  while (sink.inFlight.length > 0) {
    sink.complete();
    await m.checkSettled(`${m.buffered} bytes left`);
  }
  assert.deepEqual(sink.writes.map(text), ['ab', 'xyz', '12345'], 'order');
  assert.equal(w.writableLength, 0);
});

add('spec', 'a write re-entering from inside size() (a chunk whose length getters write) keeps the numbers in agreement', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const w = new api.Writable({ highWaterMark: 16, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm: 16, w });
  await settle();
  m.write('first'); // in flight, so the next chunks queue in the web stream
  const outer = new Uint8Array([1, 2, 3, 4]);
  let inner = null;
  let armed = false; // only while writer.write(outer) runs, i.e. inside the strategy's size()
  // size() may read either length of a Uint8Array: the first one it reads writes.
  for (const name of ['byteLength', 'length']) {
    const real = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), name).get;
    Object.defineProperty(outer, name, {
      get() {
        if (armed) {
          armed = false;
          inner = m.write('inner');
        }
        return real.call(this);
      },
    });
  }
  m.written += 4;
  armed = true;
  const o = track(writer.write(outer));
  armed = false;
  assert.ok(inner, 'size() read a length and wrote from inside it');
  m.check('right after the nested writes');
  await m.checkSettled('after the write from inside size()');
  while (sink.inFlight.length > 0) {
    sink.complete();
    await m.checkSettled(`${m.buffered} bytes left`);
  }
  assert.equal(o.state, 'fulfilled');
  assert.equal(inner.state, 'fulfilled');
  assert.deepEqual(sink.writes.map((c) => Array.from(bytesOf(c)).join(',')),
    ['first', 'inner', outer].map((c) => Array.from(bytesOf(c)).join(',')),
    'the inner write was queued first (its size was computed first)');
  assert.equal(w.writableLength, 0);
});

add('spec', 'a write rejected because the stream is closing leaves w.writableLength (and desiredSize) unchanged', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const w = new api.Writable({ highWaterMark: 10, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm: 10, w });
  await settle();
  m.write('abc');
  const closed = track(writer.close());
  // The Streams Standard computes the chunk's size (our size() runs) before it sees the close
  // request and rejects the write with a TypeError: those units must not stay counted.
  const late = await assert.rejects(writer.write('defg'));
  assert.ok(late instanceof TypeError, `a write after close() rejects with a TypeError, got ${late}`);
  await m.checkSettled('closing, with a rejected write');
  sink.complete();
  await within(closed.promise, 2000, 'close()');
  assert.equal(w.writableLength, 0, 'nothing left after close');
});

add('spec', 'over a sink object, a write refused after close() leaves every accepted chunk, then final, to the sink', async (api) => {
  const calls = [];
  let release = null;
  const sink = {
    write(chunk) {
      calls.push(`write ${text(chunk)}`);
      if (release === null) return new Promise((resolve) => (release = resolve));
      return undefined;
    },
    final() {
      calls.push('final');
    },
  };
  const writer = api.createWritableStream(sink, { highWaterMark: 4 }).getWriter();
  await settle();
  const first = track(writer.write(new TextEncoder().encode('ab')));
  const second = track(writer.write(new TextEncoder().encode('cdef')));
  const closed = track(writer.close());
  const late = await assert.rejects(writer.write(new TextEncoder().encode('gh')));
  assert.ok(late instanceof TypeError, `a write after close() rejects with a TypeError, got ${late}`);
  assert.deepEqual(calls, ['write ab'], 'one write in flight');
  release();
  await within(closed.promise, 2000, 'close()');
  assert.equal(first.state, 'fulfilled');
  assert.equal(second.state, 'fulfilled');
  assert.deepEqual(calls, ['write ab', 'write cdef', 'final']);
});

/**
 * A sink object whose write(chunk) does `answer(i)` for its i-th call (the first ones complete
 * at once, so the stream is in its steady state when a later one answers otherwise), recording
 * the first byte of each chunk, and its destroy(err).
 */
function answeringSink(answer) {
  const sink = {
    seen: [],
    destroyed: [],
    write(chunk) {
      const i = sink.seen.length;
      sink.seen.push(chunk[0]);
      return answer(i);
    },
    destroy(err) {
      sink.destroyed.push(err);
    },
  };
  return sink;
}

/** Writes bytes [0], [1], … [n-1] through `writer`, each tracked. */
function writeNumbered(writer, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(track(writer.write(new Uint8Array([i]))));
  return out;
}

add('spec', 'over a sink object, a write() that throws after writes it completed at once errors the stream with the thrown error', async (api) => {
  const boom = new Error('sink threw');
  const sink = answeringSink((i) => {
    if (i === 3) throw boom;
    return undefined;
  });
  const writer = api.createWritableStream(sink, { highWaterMark: 8 }).getWriter();
  await settle();
  const writes = writeNumbered(writer, 5);
  await settle();
  assert.deepEqual(writes.map((t) => t.state), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
  assert.same(writes[3].reason, boom, 'the write whose sink call threw rejects with the thrown error');
  assert.same(writes[4].reason, boom, 'the queued write rejects with the same error');
  assert.deepEqual(sink.seen, [0, 1, 2, 3], 'nothing after the throw reached the sink');
  assert.equal(writer.desiredSize, null, 'desiredSize is null once errored');
  assert.same(await assert.rejects(writer.write(new Uint8Array([9]))), boom, 'a later write rejects with the same error');
  assert.same(await assert.rejects(writer.closed), boom, 'writer.closed rejects with it');
  assert.deepEqual(sink.destroyed, [boom], 'destroy gets the thrown error, once');
});

add('spec', 'over a sink object, a write() returning a value that is not a promise completes that write at once', async (api) => {
  const sink = answeringSink((i) => [undefined, 42, 'done', null, false][i % 5]);
  const writer = api.createWritableStream(sink, { highWaterMark: 4 }).getWriter();
  await settle();
  for (let i = 0; i < 10; i++) {
    const t = track(writer.write(new Uint8Array([i])));
    assert.equal(writer.desiredSize, 3, `write ${i}: one byte buffered until its promise settles`);
    await settle();
    assert.equal(t.state, 'fulfilled', `write ${i} fulfils`);
    assert.equal(writer.desiredSize, 4, `write ${i}: nothing buffered once it settled`);
  }
  await writer.close();
  assert.deepEqual(sink.seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(sink.destroyed, [undefined], 'destroy without an error after close');
});

add('spec', 'over a sink object, a rejected promise from write() after writes it completed at once errors the stream with its reason', async (api) => {
  const nope = new Error('sink rejected');
  let reject = null;
  const sink = answeringSink((i) => (i === 2 ? new Promise((_, r) => (reject = r)) : undefined));
  const writer = api.createWritableStream(sink, { highWaterMark: 8 }).getWriter();
  await settle();
  const writes = writeNumbered(writer, 4);
  await settle();
  assert.deepEqual(writes.map((t) => t.state), ['fulfilled', 'fulfilled', 'pending', 'pending'], 'the third write waits for its promise');
  assert.equal(writer.desiredSize, 6, 'two bytes buffered: the one in flight and the one queued');
  reject(nope);
  await settle();
  assert.same(writes[2].reason, nope, 'the write rejects with the reason');
  assert.same(writes[3].reason, nope, 'the queued write rejects with the same reason');
  assert.deepEqual(sink.seen, [0, 1, 2]);
  assert.same(await assert.rejects(writer.closed), nope);
  assert.deepEqual(sink.destroyed, [nope], 'destroy gets the reason, once');
});

add('spec', 'over a sink object in objectMode, every value reaches write() as it is and desiredSize counts chunks', async (api) => {
  const seen = [];
  let release = null;
  const sink = {
    write(value) {
      seen.push(value);
      // The fourth value waits, so the ones after it queue up and are counted.
      if (seen.length === 4) return new Promise((resolve) => (release = resolve));
      return undefined;
    },
  };
  const writer = api.createWritableStream(sink, { highWaterMark: 3, objectMode: true }).getWriter();
  await settle();
  const obj = { id: 1 };
  const bytes = new Uint8Array([1, 2]);
  const values = [obj, 'text', 42, bytes, false, [1, 2]];
  const writes = values.map((v) => track(writer.write(v)));
  await settle();
  assert.equal(seen.length, 4, 'three completed at once, the fourth in flight');
  assert.equal(writer.desiredSize, 0, 'three chunks buffered: the one in flight and two queued');
  assert.equal(await stateOf(writer.ready), 'pending', 'ready waits while desiredSize is 0');
  release();
  await settle();
  assert.ok(writes.every((t) => t.state === 'fulfilled'), 'every write fulfils');
  assert.equal(writer.desiredSize, 3, 'nothing buffered');
  assert.same(seen[0], obj, 'the object itself');
  assert.same(seen[3], bytes, 'the Uint8Array itself');
  assert.deepEqual(seen.slice(1, 3), ['text', 42]);
  assert.equal(seen[4], false);
  assert.deepEqual(seen[5], [1, 2]);
  await writer.close();
});

add('spec', 'a write from a ready callback keeps the numbers in agreement', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const w = new api.Writable({ highWaterMark: 4, ...sink.options });
  const writer = api.Writable.toWeb(w).getWriter();
  const m = new Meter({ writer, sink, hwm: 4, w });
  await settle();
  m.write('abcd');
  await m.checkSettled('at highWaterMark');
  let fromReady = null;
  writer.ready.then(() => {
    m.check('inside the ready callback');
    fromReady = [m.write('ef'), m.write('g')];
    m.check('after writing from the ready callback');
  });
  sink.complete();
  await m.checkSettled('after the ready callback wrote');
  assert.ok(fromReady, 'ready resolved');
  sink.complete();
  await m.checkSettled('one left');
  sink.complete();
  await m.checkSettled('drained');
  assert.ok(fromReady.every((t) => t.state === 'fulfilled'));
  assert.deepEqual(sink.writes.map(text), ['abcd', 'ef', 'g']);
});

// ---------------------------------------------------------------------------------------------
// piping
// ---------------------------------------------------------------------------------------------

function arraySource(chunks) {
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });
}

/** A source that enqueues `chunks` one per pull, then errors with `err`. */
function failingSource(chunks, err) {
  let i = 0;
  return new ReadableStream(
    {
      pull(c) {
        if (i < chunks.length) c.enqueue(chunks[i++]);
        else c.error(err);
      },
    },
    { highWaterMark: 0 },
  );
}

add('piping', 'ReadableStream.pipeTo(ours) delivers every chunk in order, then closes ours (final runs)', async (api) => {
  const sink = createScriptedSink({ mode: 'async' });
  const ws = api.createWritableStream(sink.options, { highWaterMark: 8 });
  const chunks = ['alpha', new Uint8Array([1, 2, 3]), 'beta', 'gamma-delta'];
  await within(arraySource(chunks).pipeTo(ws), 2000, 'pipeTo');
  assert.deepEqual(sink.writes.map(bytesOf), chunks.map(bytesOf), 'bytes in order');
  assert.equal(sink.finalCalls.length, 1, 'final ran');
  assert.equal(sink.maxInFlight, 1);
});

add('piping', 'pipeTo with preventClose leaves ours open for more writes', async (api) => {
  const sink = createScriptedSink({ mode: 'sync' });
  const ws = api.createWritableStream(sink.options);
  await within(arraySource(['a', 'b']).pipeTo(ws, { preventClose: true }), 2000, 'pipeTo');
  assert.equal(sink.finalCalls.length, 0, 'not closed');
  assert.equal(ws.locked, false, 'unlocked after the pipe');
  const writer = ws.getWriter();
  await writer.write('c');
  await writer.close();
  assert.deepEqual(sink.writes.map(text), ['a', 'b', 'c']);
  assert.equal(sink.finalCalls.length, 1);
});

add('piping', "pipeTo aborts ours with the source's error (destroy gets it)", async (api) => {
  const sink = createScriptedSink({ mode: 'sync' });
  const ws = api.createWritableStream(sink.options);
  const boom = new Error('source failed');
  const err = await within(assert.rejects(failingSource(['a'], boom).pipeTo(ws)), 2000, 'pipeTo');
  assert.same(err, boom, 'pipeTo rejects with the source error');
  await settle();
  assert.equal(sink.destroyCalls.length, 1, 'ours was aborted');
  assert.same(sink.destroyCalls[0].err, boom, 'destroy got the source error');
});

add('piping', 'pipeTo with preventAbort: a source error leaves ours writable', async (api) => {
  const sink = createScriptedSink({ mode: 'sync' });
  const ws = api.createWritableStream(sink.options);
  const boom = new Error('source failed');
  const err = await within(assert.rejects(failingSource(['a'], boom).pipeTo(ws, { preventAbort: true })), 2000, 'pipeTo');
  assert.same(err, boom);
  await settle();
  assert.equal(sink.destroyCalls.length, 0, 'not aborted');
  const writer = ws.getWriter();
  await writer.write('b');
  await writer.close();
  assert.deepEqual(sink.writes.map(text), ['a', 'b']);
});

add('piping', 'pipeTo with a signal: aborting rejects pipeTo with the reason and aborts ours with it', async (api) => {
  const sink = createScriptedSink({ mode: 'hang' });
  const ws = api.createWritableStream(sink.options, { highWaterMark: 4 });
  const ac = new AbortController();
  const pipe = track(arraySource(['a', 'b', 'c', 'd', 'e']).pipeTo(ws, { signal: ac.signal }));
  await until(() => sink.inFlight.length === 1, 'the first write');
  const reason = new Error('cancelled by the user');
  ac.abort(reason);
  await settle();
  sink.mode = 'sync';
  sink.completeAll();
  await within(pipe.promise, 2000, 'pipeTo after the signal aborted');
  assert.equal(pipe.state, 'rejected');
  assert.same(pipe.reason, reason, 'pipeTo rejects with the signal reason');
  await settle();
  assert.equal(sink.destroyCalls.length, 1, 'ours was aborted');
  assert.same(sink.destroyCalls[0].err, reason, 'destroy got the signal reason');
  assert.equal(sink.finalCalls.length, 0, 'not closed');
});

add('piping', 'backpressure reaches the source: a pull-based ReadableStream is not pulled while desiredSize <= 0', async (api) => {
  const hwm = 3;
  const sink = createScriptedSink({ objectMode: true, mode: 'hang' });
  const ws = api.createWritableStream(sink.options, { highWaterMark: hwm, objectMode: true });
  let pulls = 0;
  const rs = new ReadableStream(
    {
      pull(c) {
        pulls++;
        // Bounded, so a library without backpressure fails the assertions below instead of
        // spinning the microtask queue forever (which would starve every timeout).
        if (pulls > 100) c.close();
        else c.enqueue({ n: pulls });
      },
    },
    { highWaterMark: 0 }, // pulled only when the pipe reads
  );
  const ac = new AbortController();
  const pipe = track(rs.pipeTo(ws, { signal: ac.signal }));
  for (let round = 0; round < 4; round++) {
    await settle();
    const before = pulls;
    for (let i = 0; i < 10; i++) await macrotask();
    assert.equal(pulls, before, `round ${round}: no pulls while the stream is full (desiredSize <= 0)`);
    // pulled = completed + buffered in ours (= highWaterMark when full) + held by the pipe (<= 1)
    assert.ok(pulls >= sink.completedUnits + hwm, `round ${round}: the stream was filled to highWaterMark (${pulls} pulls, ${sink.completedUnits} completed)`);
    assert.ok(pulls <= sink.completedUnits + hwm + 1, `round ${round}: ${pulls} pulls for ${sink.completedUnits} completed chunks and highWaterMark ${hwm}`);
    assert.equal(sink.inFlight.length, 1, 'one write in flight');
    sink.complete();
  }
  ac.abort(new Error('done'));
  sink.mode = 'sync';
  sink.completeAll();
  await within(pipe.promise, 2000, 'pipeTo after abort');
  assert.equal(pipe.state, 'rejected');
});

add('piping', 'fetch(url).body.pipeTo(createWritableStream(new MemorySink())) delivers the served bytes', async (api, env) => {
  const res = await fetch(env.dataUrl);
  assert.equal(res.status, 200);
  const sink = new api.MemorySink();
  await within(res.body.pipeTo(api.createWritableStream(sink)), 5000, 'pipeTo');
  assert.bytesEqual(sink.bytes(), dataBytes(env.dataLength), 'MemorySink bytes');
}, { needs: ['dataUrl'] });

add('piping', 'new Blob([...]).stream().pipeTo(createWritableStream(new MemorySink())) delivers the blob bytes', async (api) => {
  const parts = [dataBytes(70000), 'a string part ✓', dataBytes(1000).subarray(10)];
  const expected = concat(parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p)));
  const sink = new api.MemorySink();
  await within(new Blob(parts).stream().pipeTo(api.createWritableStream(sink)), 5000, 'pipeTo');
  assert.bytesEqual(sink.bytes(), expected, 'MemorySink bytes');
});

// ---------------------------------------------------------------------------------------------
// Rust sinks through the web face
// ---------------------------------------------------------------------------------------------

add('rust-sinks', 'createWritableStream(new MemorySink()) collects strings, bytes and ArrayBuffers in order', async (api) => {
  const sink = new api.MemorySink();
  const writer = api.createWritableStream(sink, { highWaterMark: 8 }).getWriter();
  const enc = new TextEncoder();
  await writer.write('héllo ');
  await writer.write(new Uint8Array([0x77, 0x6f]));
  await writer.write(enc.encode('rld').buffer);
  writer.write(' ✓');
  await settle();
  assert.equal(writer.desiredSize, 8, 'a synchronous Rust sink leaves nothing buffered');
  await writer.close();
  assert.equal(sink.text(), 'héllo world ✓');
  assert.bytesEqual(sink.bytes(), enc.encode('héllo world ✓'));
});

add('rust-sinks', 'createWritableStream(new CountingSink()) counts bytes and chunks', async (api) => {
  const sink = new api.CountingSink();
  const writer = api.createWritableStream(sink).getWriter();
  writer.write('abc');
  writer.write('é');
  writer.write(new Uint8Array(1000));
  await writer.close();
  assert.equal(sink.chunkCount, 3);
  assert.equal(sink.byteCount, 3 + 2 + 1000);
});

// ---------------------------------------------------------------------------------------------
// Writable.fromWeb
// ---------------------------------------------------------------------------------------------

function recordingWebStream({ writeImpl } = {}) {
  const rec = { chunks: [], closed: false, aborts: [], controller: null };
  rec.stream = new WritableStream({
    start(c) {
      rec.controller = c;
    },
    write(chunk) {
      rec.chunks.push(chunk);
      return writeImpl ? writeImpl(chunk, rec) : macrotask();
    },
    close() {
      rec.closed = true;
    },
    abort(reason) {
      rec.aborts.push(reason);
    },
  });
  return rec;
}

add('from-web', 'Writable.fromWeb: writes reach the web stream in order and end() closes it', async (api) => {
  const rec = recordingWebStream();
  const w = api.Writable.fromWeb(rec.stream);
  const errors = [];
  w.on('error', (e) => errors.push(e));
  w.write('ab');
  w.write(new Uint8Array([0x63, 0x64]));
  w.write('é');
  w.end();
  await onceEvent(w, 'finish');
  assert.deepEqual(rec.chunks.map(text), ['ab', 'cd', 'é'], 'chunks in order');
  assert.equal(rec.closed, true, 'the web stream was closed');
  assert.deepEqual(errors, []);
});

add('from-web', 'Writable.fromWeb in objectMode hands the very objects (and strings) through', async (api) => {
  const rec = recordingWebStream();
  const w = api.Writable.fromWeb(rec.stream, { objectMode: true });
  const objects = [{ a: 1 }, [2], 'three'];
  for (const o of objects) w.write(o);
  w.end();
  await onceEvent(w, 'finish');
  assert.equal(rec.chunks.length, 3);
  objects.forEach((o, i) => assert.same(rec.chunks[i], o, `object ${i}`));
});

add('from-web', 'Writable.fromWeb: a rejected web write destroys ours with that error', async (api) => {
  const boom = new Error('web sink failed');
  const rec = recordingWebStream({ writeImpl: (chunk, r) => (r.chunks.length === 2 ? Promise.reject(boom) : undefined) });
  const w = api.Writable.fromWeb(rec.stream);
  const errors = [];
  w.on('error', (e) => errors.push(e));
  const closed = onceEvent(w, 'close');
  w.write('a');
  w.write('b');
  w.write('c');
  await closed;
  assert.equal(errors.length, 1, "one 'error'");
  assert.same(errors[0], boom, "'error' carries the web error");
  assert.same(w.errored, boom, 'w.errored');
  assert.equal(w.destroyed, true);
});

add('from-web', 'Writable.fromWeb: controller.error on the web side destroys ours with that error', async (api) => {
  const rec = recordingWebStream();
  const w = api.Writable.fromWeb(rec.stream);
  const errors = [];
  w.on('error', (e) => errors.push(e));
  await settle();
  const boom = new Error('web side errored');
  const closed = onceEvent(w, 'close');
  rec.controller.error(boom);
  await closed;
  assert.same(errors[0], boom, "'error' carries the web error");
  assert.same(w.errored, boom);
  assert.equal(w.destroyed, true);
});

add('from-web', 'Writable.fromWeb: destroy(err) aborts the web stream with err', async (api) => {
  const rec = recordingWebStream();
  const w = api.Writable.fromWeb(rec.stream);
  w.on('error', () => {});
  await settle();
  const boom = new Error('ours destroyed');
  const closed = onceEvent(w, 'close');
  w.destroy(boom);
  await closed;
  await settle();
  assert.equal(rec.aborts.length, 1, 'the web sink was aborted');
  assert.same(rec.aborts[0], boom, 'with err');
});

export const groups = [...new Set(scenarios.map((s) => s.group))];

/** The todo text for a runner ('node' | 'browser'), or undefined. */
export function todoFor(scenario, runner) {
  const t = scenario.todo;
  if (!t) return undefined;
  return typeof t === 'string' ? t : t[runner];
}
