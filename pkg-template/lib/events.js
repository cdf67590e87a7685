// A browser-safe EventEmitter that behaves like Node 20's `events.EventEmitter` for everything a
// stream user touches. Node's Writable is the model for this package's JS face, so code written
// against Node streams (including Node's own helpers: `Readable.prototype.pipe`, `events.once`,
// `events.on`, `events.listenerCount`) must be able to drive our emitters unchanged. That is why
// the storage is Node's too: `_events` (null-prototype object, one listener stored bare, several
// as an array), `_eventsCount` and `_maxListeners` are read and even patched by Node's helpers.
//
// Nothing here imports Node. When it does run in Node (>= 20.16, which has
// `process.getBuiltinModule`), the few process-wide knobs are shared with Node's own events
// module instead of duplicated: `defaultMaxListeners`, `captureRejections`, the `errorMonitor`
// symbol, and `util.inspect` for error/warning messages. Elsewhere local equivalents are used.

// Read off globalThis so bundlers see no free `process` to polyfill.
const nodeProcess = typeof globalThis.process === 'object' ? globalThis.process : undefined;

function nodeBuiltin(name) {
  try {
    const get = nodeProcess && nodeProcess.getBuiltinModule;
    return typeof get === 'function' ? get.call(nodeProcess, name) : undefined;
  } catch {
    return undefined;
  }
}

const nodeEvents = nodeBuiltin('events');
const nodeEE = typeof nodeEvents === 'function' ? nodeEvents : undefined;

let nodeInspectFn; // lazily resolved: util.inspect in Node, `false` when unavailable
function inspect(value, depth) {
  if (nodeInspectFn === undefined) {
    const util = nodeBuiltin('util');
    nodeInspectFn = util && typeof util.inspect === 'function' ? util.inspect : false;
  }
  if (nodeInspectFn) {
    return depth === undefined ? nodeInspectFn(value) : nodeInspectFn(value, { depth });
  }
  return fallbackInspect(value, depth === undefined ? 2 : depth);
}

const kCapture = Symbol('kCapture');
const kRejection = Symbol.for('nodejs.rejection');
const kErrorMonitor = (nodeEE && typeof nodeEE.errorMonitor === 'symbol')
  ? nodeEE.errorMonitor
  : Symbol('events.errorMonitor');

let localDefaultMaxListeners = 10;
let localCaptureRejections = false;

// ---------------------------------------------------------------------------------------------
// Errors shaped like Node's internal ones: `code` own and enumerable, `message` non-enumerable,
// `err.constructor` is the base class, `String(err)` and the stack header read
// `TypeError [CODE]: message`.

function nodeErrorClass(Base) {
  return class NodeError extends Base {
    constructor(code, message) {
      super();
      this.code = code;
      Object.defineProperty(this, 'message', {
        value: message,
        enumerable: false,
        writable: true,
        configurable: true,
      });
      // V8 formats the stack header lazily from `name` and `message`; other engines' stacks
      // carry no header, so this is harmless there.
      this.name = `${Base.name} [${code}]`;
      void this.stack;
      delete this.name;
    }

    get ['constructor']() {
      return Base;
    }

    toString() {
      return `${this.name} [${this.code}]: ${this.message}`;
    }
  };
}

const NodeError = nodeErrorClass(Error);
const NodeTypeError = nodeErrorClass(TypeError);
const NodeRangeError = nodeErrorClass(RangeError);

function describeReceived(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      if (value === 0) return Object.is(value, -0) ? 'type number (-0)' : 'type number (0)';
      return `type number (${value})`; // NaN and ±Infinity stringify as Node prints them
    case 'boolean':
      return `type boolean (${value})`;
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${value.name}`;
    case 'object':
      if (value.constructor && 'name' in value.constructor) {
        return `an instance of ${value.constructor.name}`;
      }
      return inspect(value, -1);
    case 'string': {
      const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return shown.includes("'") ? `type string (${JSON.stringify(shown)})` : `type string ('${shown}')`;
    }
    default: {
      let shown = inspect(value);
      if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
      return `type ${typeof value} (${shown})`;
    }
  }
}

function invalidArgType(name, type, actual) {
  const kind = name.includes('.') ? 'property' : 'argument';
  return new NodeTypeError(
    'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${kind} must be ${type}. Received ${describeReceived(actual)}`,
  );
}

function withSeparators(digits) {
  const start = digits[0] === '-' ? 1 : 0;
  let out = '';
  let i = digits.length;
  for (; i >= start + 4; i -= 3) out = `_${digits.slice(i - 3, i)}${out}`;
  return digits.slice(0, i) + out;
}

function validateNonNegativeNumber(value, name) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (value < 0 || value !== value) {
    const received = Number.isInteger(value) && Math.abs(value) > 2 ** 32
      ? withSeparators(String(value))
      : inspect(value);
    throw new NodeRangeError(
      'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be >= 0. Received ${received}`,
    );
  }
}

function checkListener(listener) {
  if (typeof listener !== 'function') throw invalidArgType('listener', 'of type function', listener);
}

function unhandledError(value) {
  let shown;
  try {
    shown = inspect(value);
  } catch {
    shown = value;
  }
  const err = new NodeError('ERR_UNHANDLED_ERROR', `Unhandled error. (${shown})`);
  err.context = value;
  return err;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function maxListenersOf(target) {
  const own = target._maxListeners;
  return own === undefined ? EventEmitter.defaultMaxListeners : own;
}

function copyListeners(list) {
  switch (list.length) {
    case 2: return [list[0], list[1]];
    case 3: return [list[0], list[1], list[2]];
    case 4: return [list[0], list[1], list[2], list[3]];
    default: return list.slice();
  }
}

function warnLeak(target, type, count, max) {
  const w = new Error(
    `Possible EventEmitter memory leak detected. ${count} ${String(type)} listeners added to ` +
    `${inspect(target, -1)}. MaxListeners is ${max}. Use emitter.setMaxListeners() to increase limit`,
  );
  w.name = 'MaxListenersExceededWarning';
  w.emitter = target;
  w.type = type;
  w.count = count;
  const proc = globalThis.process;
  if (proc && typeof proc.emitWarning === 'function') {
    proc.emitWarning(w);
  } else if (typeof console === 'object' && console && typeof console.warn === 'function') {
    console.warn(w);
  }
}

function addListenerImpl(target, type, listener, prepend) {
  checkListener(listener);

  let events = target._events;
  let existing;
  if (events === undefined) {
    events = target._events = { __proto__: null };
    target._eventsCount = 0;
  } else {
    if (events.newListener !== undefined) {
      // Announced before the listener is stored, so adding a 'newListener' listener never sees
      // itself; a once-wrapper is announced as the function the caller passed.
      target.emit('newListener', type, listener.listener ?? listener);
      events = target._events; // a 'newListener' handler may have replaced the store
    }
    existing = events[type];
  }

  if (existing === undefined) {
    events[type] = listener;
    ++target._eventsCount;
    return target;
  }

  if (typeof existing === 'function') {
    existing = events[type] = prepend ? [listener, existing] : [existing, listener];
  } else if (prepend) {
    existing.unshift(listener);
  } else {
    existing.push(listener);
  }

  // Warned at most once per listener array, like Node (the flag lives on the array).
  const max = maxListenersOf(target);
  if (max > 0 && existing.length > max && !existing.warned) {
    existing.warned = true;
    warnLeak(target, type, existing.length, max);
  }
  return target;
}

function onceWrapper() {
  // `this` is the wrapper's state (the wrapper is `onceWrapper.bind(state)`).
  if (this.fired) return undefined;
  this.target.removeListener(this.type, this.wrapFn);
  this.fired = true;
  return this.listener.apply(this.target, arguments);
}

function wrapOnce(target, type, listener) {
  const state = { fired: false, wrapFn: undefined, target, type, listener };
  const wrapped = onceWrapper.bind(state);
  wrapped.listener = listener;
  state.wrapFn = wrapped;
  return wrapped;
}

function scheduleTask(fn, a, b, c, d) {
  const proc = globalThis.process;
  if (proc && typeof proc.nextTick === 'function') proc.nextTick(fn, a, b, c, d);
  else queueMicrotask(() => fn(a, b, c, d));
}

function reportRejection(emitter, err, type, args) {
  if (typeof emitter[kRejection] === 'function') {
    emitter[kRejection](err, type, ...args);
    return;
  }
  // Capturing is switched off while re-emitting so a failing async 'error' handler cannot loop.
  const previous = emitter[kCapture];
  try {
    emitter[kCapture] = false;
    emitter.emit('error', err);
  } finally {
    emitter[kCapture] = previous;
  }
}

// Only reached when a listener returned something other than undefined/null.
function captureRejection(emitter, result, type, args) {
  if (!emitter[kCapture]) return;
  try {
    const then = result.then;
    if (typeof then === 'function') {
      then.call(result, undefined, (err) => {
        scheduleTask(reportRejection, emitter, err, type, args);
      });
    }
  } catch (err) {
    emitter.emit('error', err);
  }
}

function listenersOf(target, type, unwrap) {
  const events = target._events;
  if (events === undefined) return [];
  const stored = events[type];
  if (stored === undefined) return [];
  if (typeof stored === 'function') return [unwrap ? stored.listener || stored : stored];
  const copy = copyListeners(stored);
  if (unwrap) {
    for (let i = 0; i < copy.length; ++i) {
      const original = copy[i].listener;
      if (typeof original === 'function') copy[i] = original;
    }
  }
  return copy;
}

function countListeners(type, listener) {
  const events = this._events;
  if (events === undefined) return 0;
  const stored = events[type];
  if (stored === undefined) return 0;
  if (typeof stored === 'function') {
    if (listener == null) return 1;
    return stored === listener || stored.listener === listener ? 1 : 0;
  }
  if (listener == null) return stored.length;
  let n = 0;
  for (let i = 0; i < stored.length; ++i) {
    if (stored[i] === listener || stored[i].listener === listener) ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------

/**
 * Node's shape mode (streams turn it on): the events a stream always has stay keys of `_events`
 * (set to undefined when their last listener goes) instead of being deleted, so `_events` keeps
 * one hidden class; deleting keys would make V8 fall back to a slow dictionary for it, and every
 * `once('drain')` would pay for that. `removeAllListeners()` turns it off, as in Node.
 */
export const kShapeMode = Symbol('shapeMode');

export class EventEmitter {
  constructor(opts) {
    const inherited = Object.getPrototypeOf(this)._events;
    if (this._events === undefined || this._events === inherited) {
      this._events = { __proto__: null };
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;

    if (opts != null && opts.captureRejections) {
      if (typeof opts.captureRejections !== 'boolean') {
        throw invalidArgType('options.captureRejections', 'of type boolean', opts.captureRejections);
      }
      this[kCapture] = true;
    } else {
      this[kCapture] = EventEmitter.captureRejections;
    }
  }

  setMaxListeners(n) {
    validateNonNegativeNumber(n, 'setMaxListeners');
    this._maxListeners = n;
    return this;
  }

  getMaxListeners() {
    return maxListenersOf(this);
  }

  // Hot path. `args` is only forwarded with `apply` or read by index, which V8 compiles without
  // allocating it (Node 20: no scavenges over 3e7 emits, inlined or not). Named parameters plus
  // `arguments.length` to keep the exact argument count were tried and measured 1.5-3x slower.
  // One listener is called directly and two are snapshotted in locals, so neither allocates.
  emit(type, ...args) {
    const events = this._events;
    let unhandled = type === 'error';

    if (events !== undefined) {
      if (unhandled && events[kErrorMonitor] !== undefined) this.emit(kErrorMonitor, ...args);
      unhandled = unhandled && events.error === undefined;
    } else if (!unhandled) {
      return false;
    }

    if (unhandled) {
      const er = args.length > 0 ? args[0] : undefined;
      if (er instanceof Error) throw er; // Unhandled 'error' event
      throw unhandledError(er); // Unhandled 'error' event
    }

    const handler = events[type];
    if (handler === undefined) return false;

    let result;
    if (typeof handler === 'function') {
      result = handler.apply(this, args);
      if (result !== undefined && result !== null) captureRejection(this, result, type, args);
      return true;
    }

    // Snapshot first: listeners removed during this emit still run, ones added do not.
    if (handler.length === 2) {
      const second = handler[1];
      result = handler[0].apply(this, args);
      if (result !== undefined && result !== null) captureRejection(this, result, type, args);
      result = second.apply(this, args);
      if (result !== undefined && result !== null) captureRejection(this, result, type, args);
      return true;
    }
    const listeners = copyListeners(handler);
    for (let i = 0; i < listeners.length; ++i) {
      result = listeners[i].apply(this, args);
      if (result !== undefined && result !== null) captureRejection(this, result, type, args);
    }
    return true;
  }

  addListener(type, listener) {
    return addListenerImpl(this, type, listener, false);
  }

  prependListener(type, listener) {
    return addListenerImpl(this, type, listener, true);
  }

  once(type, listener) {
    checkListener(listener);
    this.on(type, wrapOnce(this, type, listener));
    return this;
  }

  prependOnceListener(type, listener) {
    checkListener(listener);
    this.prependListener(type, wrapOnce(this, type, listener));
    return this;
  }

  removeListener(type, listener) {
    checkListener(listener);

    const events = this._events;
    if (events === undefined) return this;
    const list = events[type];
    if (list === undefined) return this;

    if (list === listener || list.listener === listener) {
      this._eventsCount -= 1;
      if (this[kShapeMode]) {
        // As Node: the key stays, and no 'removeListener' is emitted.
        events[type] = undefined;
      } else if (this._eventsCount === 0) {
        this._events = { __proto__: null };
      } else {
        delete events[type];
        if (events.removeListener) this.emit('removeListener', type, list.listener || listener);
      }
      return this;
    }

    if (typeof list === 'function') return this;

    // Node's rule: the most recently added matching instance goes.
    let position = -1;
    for (let i = list.length - 1; i >= 0; --i) {
      if (list[i] === listener || list[i].listener === listener) {
        position = i;
        break;
      }
    }
    if (position < 0) return this;

    if (position === 0) list.shift();
    else list.splice(position, 1);
    if (list.length === 1) events[type] = list[0];

    if (events.removeListener !== undefined) this.emit('removeListener', type, listener);
    return this;
  }

  removeAllListeners(type) {
    const events = this._events;
    if (events === undefined) return this;
    const all = arguments.length === 0;

    if (events.removeListener === undefined) {
      if (all) {
        this._events = { __proto__: null };
        this._eventsCount = 0;
      } else if (events[type] !== undefined) {
        if (--this._eventsCount === 0) this._events = { __proto__: null };
        else delete events[type];
      }
      this[kShapeMode] = false;
      return this;
    }

    if (all) {
      // Every other event first, so 'removeListener' listeners hear about all of them.
      for (const key of Reflect.ownKeys(events)) {
        if (key !== 'removeListener') this.removeAllListeners(key);
      }
      this.removeAllListeners('removeListener');
      this._events = { __proto__: null };
      this._eventsCount = 0;
      this[kShapeMode] = false;
      return this;
    }

    const stored = events[type];
    if (typeof stored === 'function') {
      this.removeListener(type, stored);
    } else if (stored !== undefined) {
      for (let i = stored.length - 1; i >= 0; --i) this.removeListener(type, stored[i]);
    }
    return this;
  }

  listeners(type) {
    return listenersOf(this, type, true);
  }

  rawListeners(type) {
    return listenersOf(this, type, false);
  }

  eventNames() {
    if (this._eventsCount === 0) return [];
    const events = this._events;
    // In shape mode some keys are there with no listener.
    return Reflect.ownKeys(events).filter((key) => events[key] !== undefined);
  }

  static listenerCount(emitter, type) {
    if (typeof emitter.listenerCount === 'function') return emitter.listenerCount(type);
    return countListeners.call(emitter, type);
  }

  static setMaxListeners(n = EventEmitter.defaultMaxListeners, ...targets) {
    if (nodeEE && typeof nodeEE.setMaxListeners === 'function') {
      // Node's version also understands EventTargets and sets the shared default.
      nodeEE.setMaxListeners(n, ...targets);
      return;
    }
    validateNonNegativeNumber(n, 'setMaxListeners');
    if (targets.length === 0) {
      localDefaultMaxListeners = n;
      return;
    }
    for (const target of targets) {
      if (target != null && typeof target.setMaxListeners === 'function') {
        target.setMaxListeners(n);
      } else if (typeof EventTarget !== 'function' || !(target instanceof EventTarget)) {
        // Browser EventTargets have no listener limit, so they are accepted and left alone.
        throw invalidArgType('eventTargets', 'an instance of EventEmitter or EventTarget', target);
      }
    }
  }

  static get defaultMaxListeners() {
    return nodeEE ? nodeEE.defaultMaxListeners : localDefaultMaxListeners;
  }

  static set defaultMaxListeners(n) {
    if (nodeEE) {
      nodeEE.defaultMaxListeners = n;
      return;
    }
    validateNonNegativeNumber(n, 'defaultMaxListeners');
    localDefaultMaxListeners = n;
  }

  static get captureRejections() {
    return nodeEE ? nodeEE.captureRejections : localCaptureRejections;
  }

  static set captureRejections(value) {
    if (typeof value !== 'boolean') {
      throw invalidArgType('EventEmitter.captureRejections', 'of type boolean', value);
    }
    if (nodeEE) nodeEE.captureRejections = value;
    else localCaptureRejections = value;
    EventEmitter.prototype[kCapture] = value;
  }
}

const proto = EventEmitter.prototype;

// Same function objects as in Node: `on === addListener`, `off === removeListener`.
Object.defineProperty(proto, 'on', { value: proto.addListener, writable: true, configurable: true });
Object.defineProperty(proto, 'off', { value: proto.removeListener, writable: true, configurable: true });
Object.defineProperty(proto, 'listenerCount', { value: countListeners, writable: true, configurable: true });
Object.defineProperty(countListeners, 'name', { value: 'listenerCount' });

// Read by emitters that never ran the constructor; constructed ones carry their own flag.
Object.defineProperty(proto, kCapture, { value: false, writable: true, enumerable: false });

// Defaults for objects that reach these methods without having run the constructor.
proto._events = undefined;
proto._eventsCount = 0;
proto._maxListeners = undefined;

Object.defineProperties(EventEmitter, {
  errorMonitor: { value: kErrorMonitor, enumerable: true, writable: true, configurable: true },
  captureRejectionSymbol: { value: kRejection, enumerable: true, writable: true, configurable: true },
});

// ---------------------------------------------------------------------------------------------
// A small stand-in for `util.inspect`, used where Node's is unavailable (browsers, Node < 20.16).
// Exact for primitives and for small, shallow objects and arrays; bigger structures keep Node's
// overall shape (braces, quoting, `[Object]` past the depth limit) but not its column layout.

function quoteString(str) {
  let quote = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) quote = '"';
    else if (!str.includes('`') && !str.includes('${')) quote = '`';
  }
  let out = '';
  for (let i = 0; i < str.length; ++i) {
    const ch = str[i];
    const code = str.charCodeAt(i);
    if (ch === quote || ch === '\\') {
      out += `\\${ch}`;
    } else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      const named = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }[code];
      out += named || `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = str.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += ch + str[i + 1];
        ++i;
      } else {
        out += `\\u${code.toString(16)}`;
      }
    } else {
      out += ch;
    }
  }
  return quote + out + quote;
}

function inspectPrimitive(value) {
  switch (typeof value) {
    case 'string': return quoteString(value);
    case 'number': return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint': return `${value}n`;
    case 'undefined': return 'undefined';
    case 'symbol': return String(value);
    default: return String(value); // boolean, null
  }
}

function constructorName(obj) {
  let o = obj;
  while (o !== null) {
    const desc = Object.getOwnPropertyDescriptor(o, 'constructor');
    if (desc && typeof desc.value === 'function' && desc.value.name !== '') return desc.value.name;
    o = Object.getPrototypeOf(o);
  }
  return null;
}

function inspectFunction(fn) {
  if (/^class\b/.test(Function.prototype.toString.call(fn))) {
    return `[class ${fn.name || '(anonymous)'}]`;
  }
  let kind = 'Function';
  const tag = Object.prototype.toString.call(fn).slice(8, -1);
  if (tag === 'AsyncFunction' || tag === 'GeneratorFunction' || tag === 'AsyncGeneratorFunction') kind = tag;
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
}

function formatKey(key) {
  if (typeof key === 'symbol') return `[${String(key)}]`;
  return /^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key) ? key : quoteString(key);
}

function fallbackInspect(value, depth) {
  return formatValue({ depth, seen: new Set(), currentDepth: 0 }, value, 0);
}

function ownEnumerableKeys(obj, skipIndices) {
  return Reflect.ownKeys(obj).filter((key) => {
    if (skipIndices && typeof key === 'string' && String(key >>> 0) === key && key >>> 0 < obj.length) return false;
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    return desc !== undefined && desc.enumerable;
  });
}

function formatProperty(ctx, obj, key, level) {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  let shown;
  if (desc.get && desc.set) shown = '[Getter/Setter]';
  else if (desc.get) shown = '[Getter]';
  else if (desc.set) shown = '[Setter]';
  else shown = formatValue(ctx, desc.value, level + 1);
  return `${formatKey(key)}: ${shown}`;
}

// `level` is the nesting level of `value` (0 at the top); `ctx.currentDepth` follows Node: it is
// the level of the object most recently expanded, which decides whether entries share a line.
function formatValue(ctx, value, level) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return inspectPrimitive(value);
  }
  if (typeof value === 'function') return inspectFunction(value);
  if (ctx.seen.has(value)) return '[Circular *1]';

  if (value instanceof Error) {
    return typeof value.stack === 'string' && value.stack ? value.stack : `[${String(value)}]`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return String(value);
  for (const [Box, label] of [[String, 'String'], [Number, 'Number'], [Boolean, 'Boolean']]) {
    if (value instanceof Box) return `[${label}: ${inspectPrimitive(value.valueOf())}]`;
  }

  const ctor = constructorName(value);
  const isArray = Array.isArray(value);
  const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
  const isMap = value instanceof Map;
  const isSet = value instanceof Set;
  const indexed = isArray || isTyped;
  const keys = ownEnumerableKeys(value, indexed);

  let prefix;
  if (indexed) {
    if (ctor === null) prefix = `[${isArray ? 'Array' : 'TypedArray'}(${value.length}): null prototype] `;
    else prefix = ctor === 'Array' ? '' : `${ctor}(${value.length}) `;
  } else if (isMap || isSet) {
    prefix = `${ctor === null ? `[${isMap ? 'Map' : 'Set'}(${value.size}): null prototype]` : `${ctor}(${value.size})`} `;
  } else {
    prefix = ctor === null ? '[Object: null prototype] ' : ctor === 'Object' ? '' : `${ctor} `;
  }
  const open = indexed ? `${prefix}[` : `${prefix}{`;
  const close = indexed ? ']' : '}';

  // Empty containers print in full even past the depth limit.
  const size = indexed ? value.length : isMap || isSet ? value.size : 0;
  if (size === 0 && keys.length === 0) return `${open}${close}`;

  if (level > ctx.depth) {
    const name = prefix.slice(0, -1) || (indexed ? 'Array' : 'Object');
    return ctor === null ? name : `[${name}]`;
  }

  ctx.seen.add(value);
  ctx.currentDepth = level;
  const output = [];
  if (indexed) {
    const shown = Math.min(value.length, 100);
    let holes = 0;
    const flushHoles = () => {
      if (holes) output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      holes = 0;
    };
    for (let i = 0; i < shown; ++i) {
      if (isArray && !Object.prototype.hasOwnProperty.call(value, i)) {
        ++holes;
        continue;
      }
      flushHoles();
      output.push(formatValue(ctx, value[i], level + 1));
    }
    flushHoles();
    if (value.length > shown) {
      const more = value.length - shown;
      output.push(`... ${more} more item${more > 1 ? 's' : ''}`);
    }
  } else if (isMap) {
    for (const [k, v] of value) output.push(`${formatValue(ctx, k, level + 1)} => ${formatValue(ctx, v, level + 1)}`);
  } else if (isSet) {
    for (const v of value) output.push(formatValue(ctx, v, level + 1));
  }
  for (const key of keys) output.push(formatProperty(ctx, value, key, level));
  ctx.seen.delete(value);

  const indentation = ' '.repeat(level * 2);
  if (ctx.currentDepth - level < 3) {
    const start = output.length + indentation.length + open.length + 10;
    let total = output.length + start;
    let fits = total + output.length <= 80;
    for (let i = 0; fits && i < output.length; ++i) {
      total += output[i].length;
      fits = total <= 80;
    }
    const joined = output.join(', ');
    if (fits && !joined.includes('\n')) return `${open} ${joined} ${close}`;
  }
  return `${open}\n${indentation}  ${output.join(`,\n${indentation}  `)}\n${indentation}${close}`;
}
