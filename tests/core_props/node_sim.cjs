// The reference driver (src/core/sim.rs) re-done over Node's own stream.Writable, for the
// differential test in tests/core_props.rs (`node_differential`, run with NODE_DIFF_CASES=n).
//
// Reads one case per line on stdin: `<setup> | <cmd> ; <cmd> ; ...` and prints one line per case:
// the log in the format of `format_log` in tests/core_props.rs. `process.nextTick` is replaced by
// a queue the commands `t` (one tick) and `T` (all ticks) run, as Sim's tick queue does; Node's
// stream code looks `process.nextTick` up at each call, so it uses the queue.
'use strict';
const { Writable } = require('stream');
const readline = require('readline');

const ticks = [];
const realNextTick = process.nextTick;

function errTag(e) {
  if (e == null) return '-';
  // aggregateTwoErrors(inner, outer): the core's default `StreamError::aggregate` keeps `outer`.
  if (e instanceof AggregateError && e.errors && e.errors.length) return errTag(e.errors[0]);
  if (e.simTag !== undefined) return `S${e.simTag}`;
  return e.code || `?${e.message}`;
}

function runCase(line) {
  const [setupStr, cmdStr] = line.split('|');
  const [hwm, objectMode, hasWritev, hasFinal, hasConstruct, emitClose, autoDestroy, sync] =
    setupStr.trim().split(' ').map(Number);
  const cmds = cmdStr.trim() === '' ? [] : cmdStr.split(';').map((c) => c.trim().split(' '));
  const out = [];
  const pending = [];
  let armed = null;
  let nextWrite = 0;
  let nextEnd = 0;
  let lastCb = null;
  const ids = new Map(); // chunk object -> write id
  const fifo = new Map(); // callback function -> ids it still owes, oldest first
  const accepted = new Map(); // accepted writes with a callback not called yet
  let destroyErr = null;
  ticks.length = 0;

  function sinkDone(kind, cb, err) {
    if (sync) cb(err);
    else pending.push({ kind, cb });
  }
  const opts = {
    highWaterMark: hwm,
    objectMode: !!objectMode,
    emitClose: !!emitClose,
    autoDestroy: !!autoDestroy,
    decodeStrings: true,
    write(chunk, enc, cb) {
      out.push(`W${ids.get(chunk)}`);
      if (armed) { const e = armed; armed = null; cb(e); return; }
      sinkDone('write', cb, null);
    },
    destroy(err, cb) {
      out.push(`D${errTag(err)}`);
      destroyErr = err;
      sinkDone('destroy', cb, err);
    },
  };
  if (hasWritev) {
    opts.writev = function (chunks, cb) {
      out.push(`V${chunks.map((c) => ids.get(c.chunk)).join(',')}`);
      if (armed) { const e = armed; armed = null; cb(e); return; }
      sinkDone('write', cb, null);
    };
  }
  if (hasFinal) {
    opts.final = function (cb) {
      out.push('F');
      sinkDone('final', cb, null);
    };
  }
  if (hasConstruct) {
    opts.construct = function (cb) {
      out.push('C');
      sinkDone('construct', cb, null);
    };
  }
  // Node queues `nextTick(nop, err)` for a refused write without a callback; the core skips
  // that tick (unobservable: it does nothing and the queue is FIFO), so skip it here too.
  process.nextTick = (fn, ...args) => { if (fn.name !== 'nop') ticks.push(() => fn(...args)); };
  const w = new Writable(opts);
  for (const ev of ['drain', 'prefinish', 'finish', 'close']) w.on(ev, () => out.push(`e:${ev}`));
  w.on('error', (e) => out.push(`e:error:${errTag(e)}`));
  const state = w._writableState;

  function chunkFor(len, id) {
    const c = objectMode ? { id } : Buffer.alloc(len);
    ids.set(c, id);
    return c;
  }
  function tick() {
    const fn = ticks.shift();
    if (fn) fn();
    return !!fn;
  }
  function snapshot() {
    const e = state.errored;
    out.push(`s:${state.length},${w.writableNeedDrain ? 1 : 0},${state.corked},${w.writableEnded ? 1 : 0},` +
      `${w.writableFinished ? 1 : 0},${w.destroyed ? 1 : 0},${w.closed ? 1 : 0},${errTag(e)},${w.writable ? 1 : 0}`);
  }

  for (const [op, a, b, c] of cmds) {
    switch (op) {
      case 'w': {
        const id = nextWrite++;
        const len = Number(a);
        const withCb = b === '1';
        const same = c === '1' && lastCb !== null;
        let cb;
        if (withCb) {
          const rejected = (w.writableEnded || w.destroyed);
          if (same && !rejected) {
            cb = lastCb;
          } else {
            const f = (err) => {
              const owed = fifo.get(f);
              const who = owed.shift();
              // Node calls a buffered write's callback before an earlier write's deferred one
              // when errorBuffer runs first; the core keeps write order (a known divergence).
              for (const [id, ok] of accepted) if (id < who && ok) { out.push('OOO'); break; }
              accepted.delete(who);
              out.push(`wcb${who}:${errTag(err)}`);
            };
            fifo.set(f, []);
            cb = f;
          }
          fifo.get(cb).push(id);
          lastCb = cb;
          if (!(w.writableEnded || w.destroyed)) accepted.set(id, true);
        }
        const ret = withCb ? w.write(chunkFor(len, id), cb) : w.write(chunkFor(len, id));
        out.push(`r${ret ? 1 : 0}`);
        break;
      }
      case 'c': w.cork(); break;
      case 'u': w.uncork(); break;
      case 'e': {
        const id = nextEnd++;
        const cb = (err) => out.push(`ecb${id}:${errTag(err)}`);
        if (a !== undefined) {
          const wid = nextWrite++;
          w.end(chunkFor(Number(a), wid), cb);
        } else {
          w.end(cb);
        }
        break;
      }
      case 'd': {
        if (a !== undefined) {
          const e = new Error(`sink ${a}`);
          e.simTag = Number(a);
          w.destroy(e);
        } else {
          w.destroy();
        }
        break;
      }
      case 'ok':
      case 'fail': {
        const p = pending.shift();
        if (!p) break;
        let err = null;
        if (op === 'fail') { err = new Error(`sink ${a}`); err.simTag = Number(a); }
        if (p.kind === 'destroy' && op === 'ok') err = destroyErr;
        p.cb(err);
        break;
      }
      case 'arm': armed = new Error(`sink ${a}`); armed.simTag = Number(a); break;
      case 'spur': state.onwrite(null); break;
      case 'nop': break;
      case 't': tick(); break;
      case 'T': { let n = 0; while (n < 100000 && tick()) n++; break; }
      default: throw new Error(`unknown command ${op}`);
    }
    snapshot();
  }
  process.nextTick = realNextTick;
  return out.join(' ');
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let result;
  try {
    result = runCase(line);
  } catch (e) {
    process.nextTick = realNextTick;
    result = `THROW ${e && e.stack ? e.stack.split('\n')[0] : e}`;
  }
  process.stdout.write(result + '\n');
});
