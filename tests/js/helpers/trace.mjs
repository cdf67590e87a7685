// Differential testing against Node: run one scenario on node:stream's Writable and on ours,
// record everything observable (events, callbacks, return values, properties), and compare.
import assert from 'node:assert/strict';
import { setImmediate as immediate } from 'node:timers/promises';
import { Writable as NodeWritable } from 'node:stream';
import { Writable as OurWritable } from '../../../pkg/node.mjs';

export { NodeWritable, OurWritable };

/** A short, comparable description of a value (errors by class and code). */
export function show(value) {
  if (value instanceof Error) return `${value.constructor.name}:${value.code ?? value.message}`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `bytes(${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')})`;
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  if (value && typeof value === 'object') {
    if ('chunk' in value) return `{${show(value.chunk)}/${value.encoding}}`;
    return JSON.stringify(value);
  }
  return String(value);
}

const EVENTS = ['drain', 'prefinish', 'finish', 'close', 'error', 'pipe', 'unpipe'];

/**
 * Run `scenario({ Writable, log, cb, listen })` against one implementation and return its log.
 * `log(...parts)` records; `cb(name)` makes a callback that records its calls; `listen(w)`
 * records every stream event of `w`.
 */
export async function trace(Writable, scenario) {
  const entries = [];
  const log = (...parts) => entries.push(parts.map(show).join(' '));
  const cb = (name) => (err) => log(`cb:${name}`, err ?? null);
  const listen = (w) => {
    for (const ev of EVENTS) w.on(ev, (arg) => log(`event:${ev}`, ...(ev === 'error' ? [arg] : [])));
    return w;
  };
  await scenario({ Writable, log, cb, listen });
  for (let i = 0; i < 5; i++) await immediate();
  return entries;
}

/**
 * Let `n` turns of the event loop pass (setImmediate rounds). Unlike a timer, this waits the
 * same way relative to a sink's own setImmediate completions on a busy machine and an idle one.
 */
export async function turns(n = 50) {
  for (let i = 0; i < n; i++) await immediate();
}

/** Assert that our Writable produces exactly Node's log for `scenario`; returns the log. */
export async function sameAsNode(scenario) {
  const expected = await trace(NodeWritable, scenario);
  const actual = await trace(OurWritable, scenario);
  assert.deepEqual(actual, expected);
  return actual;
}

/** The writable* properties of a stream, for logging. */
export function props(w) {
  return {
    writable: w.writable,
    length: w.writableLength,
    hwm: w.writableHighWaterMark,
    ended: w.writableEnded,
    finished: w.writableFinished,
    corked: w.writableCorked,
    objectMode: w.writableObjectMode,
    needDrain: w.writableNeedDrain,
    aborted: w.writableAborted,
    destroyed: w.destroyed,
    closed: w.closed,
    errored: w.errored ? show(w.errored) : null,
  };
}
