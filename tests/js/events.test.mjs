// Differential tests for pkg-template/lib/events.js: wherever possible each scenario runs on
// Node's own EventEmitter and on ours, and the observable results must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as nodeEventsModule from 'node:events';
import { Readable } from 'node:stream';

import { EventEmitter as Ours } from '../../pkg-template/lib/events.js';

const NodeEE = nodeEventsModule.EventEmitter;
const IMPLS = [['node', NodeEE], ['ours', Ours]];
const EVENTS_URL = new URL('../../pkg-template/lib/events.js', import.meta.url).href;

/** Runs `scenario(EE)` on both implementations and asserts the returned values are equal. */
function same(scenario) {
  const [expected, actual] = IMPLS.map(([, EE]) => scenario(EE));
  assert.deepStrictEqual(actual, expected);
  return actual;
}

async function sameAsync(scenario) {
  const expected = await scenario(NodeEE);
  const actual = await scenario(Ours);
  assert.deepStrictEqual(actual, expected);
  return actual;
}

/** Gives functions stable names so listener arrays can be compared across implementations. */
function namer() {
  const names = new Map();
  const name = (fn) => {
    if (typeof fn !== 'function') return fn;
    if (typeof fn.listener === 'function') return `once(${name(fn.listener)})`;
    if (!names.has(fn)) names.set(fn, `fn${names.size}`);
    return names.get(fn);
  };
  return name;
}

/** What a thrown value looks like from the outside. */
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof Error)) return { value: err };
    return {
      ctor: err.constructor.name,
      kind: err instanceof RangeError ? 'RangeError' : err instanceof TypeError ? 'TypeError' : 'Error',
      name: err.name,
      code: err.code,
      message: err.message,
      string: String(err),
      stackHead: err.stack.split('\n')[0],
      keys: Object.keys(err),
      hasContext: 'context' in err,
      context: err.context,
    };
  }
  return 'did not throw';
}

function withWarningsCaptured(run) {
  const saved = process.emitWarning;
  const warnings = [];
  process.emitWarning = (w) => warnings.push(w);
  try {
    run();
  } finally {
    process.emitWarning = saved;
  }
  return warnings;
}

test('listeners run in registration order with the emitter as this and the exact arguments', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    e.on('x', function (...args) { log.push(['a', this === e, args.length, args]); });
    e.on('x', function (...args) { log.push(['b', this === e, args.length, args]); });
    e.addListener('x', function (...args) { log.push(['c', this === e, args.length, args]); });
    for (let n = 0; n <= 5; n++) e.emit('x', ...Array.from({ length: n }, (_, i) => i));
    e.emit('x', undefined);
    return log;
  });
});

test('a single listener also receives the exact argument count', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    e.on('x', (...args) => log.push(args.length));
    for (let n = 0; n <= 6; n++) e.emit('x', ...new Array(n));
    return log;
  });
});

test('emit returns true only when the event had listeners', () => {
  same((EE) => {
    const e = new EE();
    const out = [e.emit('x')];
    e.on('x', () => {});
    out.push(e.emit('x'), e.emit('y'));
    e.removeAllListeners('x');
    out.push(e.emit('x'));
    return out;
  });
});

test('on, addListener and off, removeListener are the same functions and chain', () => {
  same((EE) => {
    const e = new EE();
    const f = () => {};
    return [
      e.on === e.addListener, e.off === e.removeListener, e.on.name, e.off.name,
      e.on('x', f) === e, e.once('x', f) === e, e.prependListener('x', f) === e,
      e.prependOnceListener('x', f) === e, e.off('x', f) === e, e.removeAllListeners() === e,
      e.setMaxListeners(3) === e,
    ];
  });
});

test('prependListener and prependOnceListener put the listener first', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    e.on('x', () => log.push('on'));
    e.prependListener('x', () => log.push('prepend'));
    e.prependOnceListener('x', () => log.push('prependOnce'));
    e.prependListener('y', () => log.push('y-only'));
    e.emit('x');
    e.emit('x');
    e.emit('y');
    return log;
  });
});

test('a once listener runs a single time; listeners() unwraps and rawListeners() shows the wrapper', () => {
  same((EE) => {
    const e = new EE();
    const name = namer();
    const log = [];
    const f = (v) => log.push(v);
    const g = () => {};
    e.once('x', f);
    e.on('x', g);
    const before = {
      listeners: e.listeners('x').map(name),
      raw: e.rawListeners('x').map(name),
      wrapperIsNotF: e.rawListeners('x')[0] !== f,
      wrapperListener: e.rawListeners('x')[0].listener === f,
    };
    e.emit('x', 1);
    e.emit('x', 2);
    return { before, log, after: e.rawListeners('x').map(name) };
  });
});

test('calling a once wrapper from rawListeners() runs the listener and removes it', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    e.once('x', (v) => log.push(v));
    const [wrapper] = e.rawListeners('x');
    wrapper('direct');
    wrapper('again');
    return { log, count: e.listenerCount('x'), emitted: e.emit('x', 'late') };
  });
});

test('a once wrapper removes itself before calling the listener', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    e.once('x', () => {
      log.push(['inside', e.listenerCount('x')]);
      log.push(['reentrant emit', e.emit('x')]);
    });
    e.emit('x');
    return log;
  });
});

test('a listener removed during emit still runs for that emit', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    const b = () => log.push('b');
    const c = () => log.push('c');
    e.on('x', () => { log.push('a'); e.off('x', b); e.off('x', c); });
    e.on('x', b);
    e.on('x', c);
    e.emit('x');
    e.emit('x');
    // The same with a single stored listener and with two.
    const d = () => { log.push('d'); e.off('y', d); };
    e.on('y', d);
    e.emit('y');
    e.emit('y');
    const f = () => log.push('f');
    e.on('z', () => { log.push('e'); e.off('z', f); });
    e.on('z', f);
    e.emit('z');
    e.emit('z');
    return log;
  });
});

test('a listener added during emit does not run until the next emit', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    let n = 0;
    e.on('x', () => {
      log.push(`first ${n}`);
      const id = n++;
      e.on('x', () => log.push(`added ${id}`));
    });
    e.emit('x');
    e.emit('x');
    return log;
  });
});

test('removeListener removes the most recently added duplicate', () => {
  same((EE) => {
    const e = new EE();
    const name = namer();
    const f = () => {};
    const g = () => {};
    e.on('x', f);
    e.on('x', g);
    e.on('x', f);
    e.on('x', g);
    const steps = [e.rawListeners('x').map(name)];
    e.removeListener('x', f);
    steps.push(e.rawListeners('x').map(name));
    e.removeListener('x', f);
    steps.push(e.rawListeners('x').map(name));
    e.removeListener('x', f); // no longer present: no-op
    steps.push(e.rawListeners('x').map(name), e.listenerCount('x'));
    return steps;
  });
});

test('removeListener matches a once-wrapped listener by the original function', () => {
  same((EE) => {
    const e = new EE();
    const name = namer();
    const log = [];
    const f = () => log.push('f ran');
    e.on('x', f);
    e.once('x', f);
    e.removeListener('x', f); // the once wrapper is the most recent match
    const afterFirst = e.rawListeners('x').map(name);
    e.once('y', f);
    e.removeListener('y', f); // single stored wrapper
    e.emit('x');
    e.emit('y');
    return { afterFirst, y: e.rawListeners('y'), log };
  });
});

test('newListener fires before the listener is stored, with the unwrapped once listener', () => {
  same((EE) => {
    const e = new EE();
    const name = namer();
    const log = [];
    e.on('newListener', function (type, listener) {
      log.push([String(type), name(listener), e.listenerCount(type), this === e]);
    });
    const f = () => {};
    e.on('x', f);
    e.once('x', f);
    e.prependOnceListener('y', f);
    e.on('newListener', f); // announced to the existing newListener listener
    e.on(Symbol.for('s'), f);
    return log;
  });
});

test('removeListener fires after removal, with the listener Node reports', () => {
  same((EE) => {
    const e = new EE();
    const name = namer();
    const log = [];
    e.on('removeListener', (type, listener) => {
      log.push([String(type), name(listener), typeof listener.listener, e.listenerCount(type)]);
    });
    const f = () => {};
    const g = () => {};
    e.on('x', f);
    e.off('x', f);
    e.once('y', f);
    e.emit('y'); // single stored once wrapper removes itself: reported unwrapped
    e.once('z', f);
    e.on('z', g);
    e.emit('z'); // wrapper removed from an array: Node reports the wrapper itself
    e.on('w', f);
    e.on('w', g);
    e.off('w', g);
    e.off('w', () => {}); // not present: no event
    return log;
  });
});

test('removing the last removeListener listener is not announced', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    const r1 = (type) => log.push(['r1', type]);
    const r2 = (type) => log.push(['r2', type]);
    e.on('removeListener', r1);
    e.on('removeListener', r2);
    e.off('removeListener', r2); // r1 still listens and hears it
    e.on('other', () => {});
    e.off('removeListener', r1); // no listener left to hear it
    return { log, names: e.eventNames() };
  });
});

test('removeAllListeners(name) removes in LIFO order and announces each', () => {
  same((EE) => {
    const e = new EE();
    const name = namer();
    const log = [];
    const fs = [() => {}, () => {}, () => {}];
    fs.forEach((f) => e.on('x', f));
    e.once('x', fs[0]);
    e.on('y', fs[1]);
    e.on('removeListener', (type, l) => log.push([type, name(l)]));
    fs.forEach((f) => name(f));
    e.removeAllListeners('x');
    e.removeAllListeners('absent');
    return { log, names: e.eventNames(), y: e.listenerCount('y') };
  });
});

test('removeAllListeners() clears every event, removeListener listeners last', () => {
  same((EE) => {
    const e = new EE();
    const log = [];
    const sym = Symbol('s');
    e.on('a', () => {});
    e.on('removeListener', (type) => log.push(String(type)));
    e.on(sym, () => {});
    e.on('b', () => {});
    e.on('b', () => {});
    e.removeAllListeners();
    return { log, names: e.eventNames(), count: e._eventsCount };
  });
});

test('removeAllListeners without removeListener listeners drops the event storage', () => {
  same((EE) => {
    const e = new EE();
    e.on('a', () => {});
    e.on('b', () => {});
    e.removeAllListeners('a');
    const afterOne = [e.eventNames(), e._eventsCount];
    e.removeAllListeners(undefined); // an explicit undefined names the event "undefined"
    const afterUndefined = [e.eventNames(), e._eventsCount];
    e.removeAllListeners();
    return { afterOne, afterUndefined, end: [e.eventNames(), e._eventsCount] };
  });
});

test("eventNames lists strings and symbols in Node's order", () => {
  same((EE) => {
    const e = new EE();
    const s1 = Symbol.for('one');
    const s2 = Symbol.for('two');
    const f = () => {};
    e.on(s1, f);
    e.on('b', f);
    e.on('10', f);
    e.on('a', f);
    e.on(2, f);
    e.on(s2, f);
    const first = e.eventNames().map(String);
    e.off('b', f);
    e.on('b', f); // re-added: goes to the end of the string keys
    return { first, second: e.eventNames().map(String), empty: new EE().eventNames() };
  });
});

test('symbols work as event names', () => {
  same((EE) => {
    const e = new EE();
    const sym = Symbol('evt');
    const log = [];
    const f = (v) => log.push(['f', v]);
    e.on(sym, f);
    e.once(sym, (v) => log.push(['once', v]));
    const counts = [e.listenerCount(sym), e.listeners(sym).length, e.eventNames().includes(sym)];
    e.emit(sym, 1);
    e.emit(sym, 2);
    e.off(sym, f);
    return { log, counts, after: [e.listenerCount(sym), e.emit(sym, 3), e.eventNames()] };
  });
});

test('listenerCount counts all listeners, or those matching one listener (once-wrapped too)', () => {
  same((EE) => {
    const e = new EE();
    const f = () => {};
    const g = () => {};
    const out = [e.listenerCount('x'), e.listenerCount('x', f)];
    e.on('x', f);
    out.push(e.listenerCount('x'), e.listenerCount('x', f), e.listenerCount('x', g));
    e.once('x', f);
    e.on('x', g);
    out.push(e.listenerCount('x'), e.listenerCount('x', f), e.listenerCount('x', g),
      e.listenerCount('x', null), EE.listenerCount(e, 'x'));
    e.once('y', f);
    out.push(e.listenerCount('y', f));
    return out;
  });
});

test("storage matches Node's: null-prototype _events, one listener bare, several in an array", () => {
  same((EE) => {
    const e = new EE();
    const f = () => {};
    const g = () => {};
    const shape = () => ({
      proto: Object.getPrototypeOf(e._events),
      x: e._events.x === undefined ? 'none' : typeof e._events.x === 'function' ? 'fn' : e._events.x.length,
      count: e._eventsCount,
      max: e._maxListeners,
      own: Object.hasOwn(e, '_events'),
    });
    const steps = [shape()];
    e.on('x', f);
    steps.push(shape(), e._events.x === f);
    e.on('x', g);
    steps.push(shape(), e._events.x[0] === f && e._events.x[1] === g);
    e.on('y', f);
    steps.push(shape());
    e.off('x', f);
    steps.push(shape(), e._events.x === g);
    e.off('x', g);
    steps.push(shape());
    return steps;
  });
});

test("emit('error', err) without an error listener throws err itself", () => {
  same((EE) => {
    const e = new EE();
    const err = new TypeError('boom');
    let caught;
    try {
      e.emit('error', err, 'extra');
    } catch (x) {
      caught = x;
    }
    let fromEmpty;
    try {
      Object.create(EE.prototype).emit('error', err); // no _events at all
    } catch (x) {
      fromEmpty = x;
    }
    return [caught === err, fromEmpty === err];
  });
});

test("emit('error', value) with a non-Error throws ERR_UNHANDLED_ERROR carrying the value", () => {
  const values = ['boom', "it's", 42, -0, 10n, null, true, Symbol('s'), { a: 1 }, [1, 'two'],
    { nested: { deeper: { deepest: { gone: 1 } } } }, Object.create(null), function named() {},
    new Map([[1, 'a']]), new Set([1]), new Date(0), /re/g];
  same((EE) => values.map((v) => thrown(() => new EE().emit('error', v))));
});

test("emit('error') with no argument throws ERR_UNHANDLED_ERROR for undefined", () => {
  const result = same((EE) => [
    thrown(() => new EE().emit('error')),
    thrown(() => new EE().emit('error', undefined)),
  ]);
  assert.equal(result[0].message, 'Unhandled error. (undefined)');
  assert.equal(result[0].code, 'ERR_UNHANDLED_ERROR');
});

test('an error listener handles the error and errorMonitor sees it first', () => {
  assert.equal(Ours.errorMonitor, nodeEventsModule.errorMonitor);
  same((EE) => {
    const e = new EE();
    const log = [];
    e.on(nodeEventsModule.errorMonitor, (err, extra) => log.push(['monitor', err.message, extra]));
    const withoutHandler = thrown(() => e.emit('error', new Error('first'), 1));
    e.on('error', (err, extra) => log.push(['handler', err.message, extra]));
    const handled = e.emit('error', new Error('second'), 2);
    return { log, withoutHandler: withoutHandler.message, handled };
  });
});

test('getMaxListeners defaults to 10 and follows setMaxListeners', () => {
  same((EE) => {
    const e = new EE();
    const out = [e.getMaxListeners(), e._maxListeners];
    e.setMaxListeners(3);
    out.push(e.getMaxListeners(), e._maxListeners);
    e.setMaxListeners(Infinity);
    out.push(e.getMaxListeners());
    return out;
  });
});

test('exceeding max listeners emits one MaxListenersExceededWarning per event', () => {
  same((EE) => {
    class Sub extends EE {}
    const e = new EE();
    const sub = new Sub();
    const sym = Symbol('sym');
    const warnings = withWarningsCaptured(() => {
      for (let i = 0; i < 12; i++) e.on('a', () => {});
      for (let i = 0; i < 11; i++) e.prependListener(sym, () => {});
      for (let i = 0; i < 11; i++) e.once('b', () => {});
      sub.setMaxListeners(1);
      sub.on('c', () => {});
      sub.on('c', () => {});
      sub.on('c', () => {});
    });
    return warnings.map((w) => ({
      isError: w instanceof Error,
      name: w.name,
      message: w.message,
      keys: Object.keys(w),
      emitter: w.emitter === e ? 'e' : w.emitter === sub ? 'sub' : '?',
      type: String(w.type),
      count: w.count,
    }));
  });
});

test('the warning fires again once the listener array has collapsed and regrown', () => {
  same((EE) => {
    const e = new EE();
    e.setMaxListeners(1);
    const f = () => {};
    const g = () => {};
    return withWarningsCaptured(() => {
      e.on('a', f);
      e.on('a', g); // warns
      e.on('a', f); // same array: already warned
      e.off('a', f);
      e.off('a', f); // down to one listener: stored bare, array dropped
      e.on('a', f); // new array: warns again
    }).map((w) => w.count);
  });
});

test('setMaxListeners(0) and Infinity disable the warning', () => {
  same((EE) => {
    const zero = new EE().setMaxListeners(0);
    const inf = new EE().setMaxListeners(Infinity);
    return withWarningsCaptured(() => {
      for (let i = 0; i < 50; i++) zero.on('a', () => {});
      for (let i = 0; i < 50; i++) inf.on('a', () => {});
    }).length;
  });
});

test('without process.emitWarning the warning goes to console.warn', () => {
  const [nodeWarning] = withWarningsCaptured(() => {
    const e = new NodeEE();
    for (let i = 0; i < 11; i++) e.on('a', () => {});
  });
  const savedEmit = process.emitWarning;
  const savedWarn = console.warn;
  const logged = [];
  process.emitWarning = undefined;
  console.warn = (...args) => logged.push(args);
  try {
    const e = new Ours();
    for (let i = 0; i < 12; i++) e.on('a', () => {});
  } finally {
    process.emitWarning = savedEmit;
    console.warn = savedWarn;
  }
  assert.equal(logged.length, 1);
  const [w] = logged[0];
  assert.ok(w instanceof Error);
  assert.equal(w.name, 'MaxListenersExceededWarning');
  assert.equal(w.message, nodeWarning.message);
  assert.equal(w.count, 11);
});

test('a non-function listener throws ERR_INVALID_ARG_TYPE', () => {
  const values = [undefined, null, 5, -0, NaN, 12n, true, 'str', "it's", 'a string longer than twenty-eight chars',
    Symbol('s'), {}, [], new Map(), Object.create(null), { constructor: null }];
  const methods = ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener', 'off', 'removeListener'];
  same((EE) => {
    const e = new EE();
    e.on('x', () => {});
    return methods.flatMap((m) => values.map((v) => thrown(() => e[m]('x', v))));
  });
});

test('setMaxListeners rejects negative, NaN and non-number values like Node', () => {
  same((EE) => [-1, -1.5, NaN, -(2 ** 40), '3', null, undefined, 3n]
    .map((v) => thrown(() => new EE().setMaxListeners(v))));
});

test('the captureRejections option is validated like Node', () => {
  same((EE) => [
    thrown(() => new EE({ captureRejections: 'yes' })),
    thrown(() => new EE({ captureRejections: 1 })),
    thrown(() => new EE({ captureRejections: false })),
  ]);
});

test('captureRejections routes a rejected async listener to error, or to Symbol.for(nodejs.rejection)', async () => {
  await sameAsync(async (EE) => {
    const log = [];
    const plain = new EE({ captureRejections: true });
    plain.on('x', async (v) => { throw new Error(`bad ${v}`); });
    plain.on('error', (err) => log.push(['error', err.message]));
    plain.emit('x', 1);
    const custom = new EE({ captureRejections: true });
    custom[Symbol.for('nodejs.rejection')] = (err, type, ...args) => log.push(['hook', err.message, type, args]);
    custom.on('y', async () => { throw new Error('hooked'); });
    custom.emit('y', 'a', 'b');
    await new Promise((resolve) => setTimeout(resolve, 10));
    return log;
  });
});

test('once and prependOnceListener register through this.on and this.prependListener', () => {
  same((EE) => {
    const log = [];
    class Spy extends EE {
      on(type, fn) { log.push(['on', type, typeof fn.listener]); return super.on(type, fn); }
      prependListener(type, fn) { log.push(['prepend', type, typeof fn.listener]); return super.prependListener(type, fn); }
    }
    const s = new Spy();
    s.once('a', () => {});
    s.prependOnceListener('b', () => {});
    return log;
  });
});

test('a subclass prototype _maxListeners is picked up by the constructor', () => {
  same((EE) => {
    class Roomy extends EE {}
    Roomy.prototype._maxListeners = 20;
    const r = new Roomy();
    return [r.getMaxListeners(), Object.hasOwn(r, '_maxListeners'), r._maxListeners];
  });
});

test('events.once(ourEmitter) resolves with the emitted arguments and cleans up', async () => {
  await sameAsync(async (EE) => {
    const e = new EE();
    const pending = nodeEventsModule.once(e, 'drain');
    const during = [e.listenerCount('drain'), e.listenerCount('error')];
    e.emit('drain', 1, 2);
    const args = await pending;
    const none = nodeEventsModule.once(e, 'drain');
    e.emit('drain');
    return { during, args, none: await none, after: [e.listenerCount('drain'), e.listenerCount('error')] };
  });
});

test('events.once(ourEmitter) rejects on error and cleans up', async () => {
  await sameAsync(async (EE) => {
    const e = new EE();
    const pending = nodeEventsModule.once(e, 'drain');
    const err = new Error('nope');
    e.emit('error', err);
    const rejected = await pending.then(() => 'resolved', (x) => x === err);
    return { rejected, after: [e.listenerCount('drain'), e.listenerCount('error'), e.eventNames()] };
  });
});

test('events.on(ourEmitter) iterates events and removes its listeners when stopped', async () => {
  await sameAsync(async (EE) => {
    const e = new EE();
    const iter = nodeEventsModule.on(e, 'data');
    const during = [e.listenerCount('data'), e.listenerCount('error')];
    e.emit('data', 'a');
    e.emit('data', 'b', 'c');
    e.emit('data', 'd');
    const seen = [];
    for await (const args of iter) {
      seen.push(args);
      if (seen.length === 2) break;
    }
    return { during, seen, after: [e.listenerCount('data'), e.listenerCount('error')] };
  });
});

test('events.on(ourEmitter) rejects with an emitted error', async () => {
  await sameAsync(async (EE) => {
    const e = new EE();
    const iter = nodeEventsModule.on(e, 'data');
    const err = new Error('broken');
    e.emit('data', 1);
    e.emit('error', err);
    const first = await iter.next();
    const second = await iter.next().then(() => 'resolved', (x) => x === err);
    return { first, second, after: e.eventNames() };
  });
});

test("node:events' static helpers accept our emitter", () => {
  same((EE) => {
    const e = new EE();
    const f = () => {};
    e.on('x', f);
    e.once('x', f);
    const out = [
      nodeEventsModule.listenerCount(e, 'x'),
      nodeEventsModule.getEventListeners(e, 'x').map((l) => l === f),
      nodeEventsModule.getMaxListeners(e),
    ];
    nodeEventsModule.setMaxListeners(4, e);
    out.push(e.getMaxListeners(), nodeEventsModule.getMaxListeners(e));
    return out;
  });
});

test('defaultMaxListeners is shared with node:events', () => {
  const saved = NodeEE.defaultMaxListeners;
  try {
    assert.equal(Ours.defaultMaxListeners, 10);
    NodeEE.defaultMaxListeners = 3;
    assert.equal(new Ours().getMaxListeners(), 3);
    Ours.defaultMaxListeners = 5;
    assert.equal(NodeEE.defaultMaxListeners, 5);
    Ours.setMaxListeners(7);
    assert.equal(NodeEE.defaultMaxListeners, 7);
    assert.deepEqual(thrown(() => { Ours.defaultMaxListeners = -1; }),
      thrown(() => { NodeEE.defaultMaxListeners = -1; }));
  } finally {
    NodeEE.defaultMaxListeners = saved;
  }
});

test("Node's Readable.prototype.pipe can pipe into it", async () => {
  await sameAsync(async (EE) => {
    const dest = new EE();
    const chunks = [];
    const log = [];
    dest.write = (chunk) => { chunks.push(chunk); return true; };
    const ended = new Promise((resolve) => { dest.end = () => resolve('ended'); });
    dest.on('error', () => log.push('user error handler'));
    dest.on('pipe', (src) => log.push(['pipe', src instanceof Readable]));
    const src = Readable.from(['a', 'b', 'c']);
    src.pipe(dest);
    // pipe prepends its own error handler in front of ours.
    const errorListeners = dest.listeners('error').map((l) => l.name);
    const during = dest.eventNames().map(String);
    const result = await ended;
    await new Promise((resolve) => setImmediate(resolve));
    return { chunks, log, errorListeners, during, result, after: dest.eventNames().map(String) };
  });
});

test('without Node builtins (browsers, Node < 20.16) messages and warnings are built locally', () => {
  const cases = `[
    'boom', "it's", 'both \\' and "', 'all \\' " \`', 'tab\\tnew\\nline\\x01\\x7f\\\\', '\\ud83d',
    42, -0, NaN, -Infinity, 10n, null, true, false, undefined, Symbol('s'), Symbol(),
    {}, [], { a: 1, 'b-c': 'x', [Symbol('k')]: 2 }, [1, 'two', [3]], { nested: { deeper: { deepest: { gone: 1 } } } },
    Object.create(null), Object.assign(Object.create(null), { a: 1 }), new (class Foo { constructor() { this.x = 1; } })(),
    function named() {}, () => {}, class K {}, async function af() {},
    new Map([[1, 'a']]), new Set([1, 2]), new Date(0), /re/g, [ , 1], new Uint8Array([1, 2]),
  ]`;
  const badListeners = `[Object.create(null), Symbol('x'), 'it\\'s']`;
  const probe = (modulePath) => `
    const cases = ${cases};
    const badListeners = ${badListeners};
    ${modulePath ? `const { EventEmitter: EE } = await import(${JSON.stringify(modulePath)});`
    : 'const { EventEmitter: EE } = await import("node:events");'}
    const warnings = [];
    process.emitWarning = (w) => warnings.push([w.name, w.message]);
    const messages = cases.map((v) => { try { new EE().emit('error', v); } catch (e) { return e.message; } });
    const listenerMessages = badListeners.map((v) => { try { new EE().on('x', v); } catch (e) { return e.message; } });
    const ranges = [-1, -(2 ** 40), NaN].map((v) => { try { new EE().setMaxListeners(v); } catch (e) { return e.message; } });
    class Sub extends EE {}
    const e = new Sub();
    for (let i = 0; i < 11; i++) e.on('a', () => {});
    await new Promise((r) => setImmediate(r));
    process.stdout.write(JSON.stringify({ messages, listenerMessages, ranges, warnings }));
  `;
  const run = (source, hideBuiltins) => {
    const prelude = hideBuiltins ? 'delete process.getBuiltinModule; if (process.getBuiltinModule) throw new Error("still there");' : '';
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', prelude + source], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout);
  };
  const expected = run(probe(null), false);
  const actual = run(probe(EVENTS_URL), true);
  assert.deepStrictEqual(actual, expected);
});
