// The Node-style face: `Writable`, with Node 20's `stream.Writable` API and events.
//
// This class is a driver for the Rust core (src/core): every decision about buffering,
// highWaterMark, needDrain, cork/writev batching, the lifecycle and the order of events and
// callbacks is the core's. The face keeps what must stay JavaScript — the chunk values, the
// callbacks and the listeners — in FIFOs whose order the core names, and calls the sink.
//
// Protocol (see src/core/sim.rs for the same in Rust): call a core command; if it reports
// outputs, run `drive()`, which polls the core and does what each output says. `drive()` never
// nests: a command issued from inside a listener or callback leaves its outputs to the running
// loop, which handles them next (before what the interrupted operation had left). To save calls
// into the core, the inputs that end a sink call or report a completion outside the loop return
// the next output themselves, and a completion inside a sink call the face is making is held
// back (kPending) and reported with the call that says the sink call returned. More is held
// back where the core says in advance what reporting it would change (nothing but counters):
// folded completions and steady-state runs, writes on a budget or refusals, buffered and
// asynchronous runs, and quiet returns of sink calls; every use of the core reports what is
// held first (coreOf), or takes it along (the `batch` and held flags of its calls). README's
// "How it works" has the list.

import { WritableCore, wasmMemory } from '../wasm/wasm_writable.js';
import * as C from './codes.js';
import { EventEmitter, kShapeMode } from './events.js';
import { errors } from './errors.js';
import { encodeString, isEncoding, isSinkBytes, toBytes } from './encoding.js';
import { CallbackTable, ChunkQueue, Ring } from './ring.js';
import { isSinkObject, settleWrite, sinkImplementation } from './sink.js';
import { nextTick } from './tick.js';

const kCore = Symbol('kCore');
const kChunks = Symbol('kChunks');
const kWriteCbs = Symbol('kWriteCbs');
const kOneOff = Symbol('kOneOff');
const kEndCbs = Symbol('kEndCbs');
const kDestroyCbs = Symbol('kDestroyCbs');
const kPolling = Symbol('kPolling');
const kOnWrite = Symbol('kOnWrite');
const kOnFinal = Symbol('kOnFinal');
const kOnDestroy = Symbol('kOnDestroy');
const kOnConstruct = Symbol('kOnConstruct');
const kTick = Symbol('kTick');
const kInDispatch = Symbol('kInDispatch');
const kPending = Symbol('kPending');
const kSyncErr = Symbol('kSyncErr');
const kUses = Symbol('kUses');
const kLease = Symbol('kLease');
const kSteady = Symbol('kSteady');
const kRunCount = Symbol('kRunCount');
const kRunTotal = Symbol('kRunTotal');
const kRunMax = Symbol('kRunMax');
const kRunLast = Symbol('kRunLast');
const kRunLen = Symbol('kRunLen');
const kRunDone = Symbol('kRunDone');
const kRunR = Symbol('kRunR');
const kBufRun = Symbol('kBufRun');
const kRunAsync = Symbol('kRunAsync');
const kAsyncLeft = Symbol('kAsyncLeft');
const kLeaseLens = Symbol('kLeaseLens');
const kLeaseCount = Symbol('kLeaseCount');
const kLeaseReturn = Symbol('kLeaseReturn');
const kLeaseCross = Symbol('kLeaseCross');
const kInHandler = Symbol('kInHandler');
const kLastCb = Symbol('kLastCb');
const kDecodeStrings = Symbol('kDecodeStrings');
const kDefaultEncoding = Symbol('kDefaultEncoding');
const kObjectMode = Symbol('kObjectMode');
const kAllBuffers = Symbol('kAllBuffers');
const kEmitClose = Symbol('kEmitClose');
const kAutoDestroy = Symbol('kAutoDestroy');
const kSink = Symbol('kSink');
const kState = Symbol('kState');
const kReserveLater = Symbol('kReserveLater');

const REJECTED = Symbol('rejected');

// Hooks for the WHATWG face (lib/web.js): its strategy's size() reserves a chunk's units in the
// core when the web stream accepts it; the chunk then arrives through kWriteReserved.
export const kReserve = Symbol('kReserve');
export const kUnreserve = Symbol('kUnreserve');
export const kWriteReserved = Symbol('kWriteReserved');
// The WHATWG face's write without a callback: returns true when the sink completed the chunk
// inside the call; otherwise the function in stream[kCompletionHook] is called (with the error,
// if any) when the sink completes it.
export const kWriteReservedQuiet = Symbol('kWriteReservedQuiet');
export const kCompletionHook = Symbol('kCompletionHook');
let completedInCall = false;
// Units reserved by the WHATWG face's size() are not reported to the core at once: they wait in
// stream[kReserveLater] and go with the next use of the core (coreOf), or, for the chunk they
// belong to, with its write (the core's write of an unreserved chunk is exactly reserve + write
// of a reserved one): one call into the core per chunk instead of two (or three, with the
// folded completion of the previous write that reserve() had to report first).
const RESERVED = C.RESERVED;
const PREVIOUS_DONE = C.PREVIOUS_DONE;
const FOLDABLE = C.FOLDABLE;
const STEADY = C.STEADY;
const W_DISPATCH = C.W_DISPATCH;

function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
}

/**
 * A read-only view of the core's state with the field names of Node's `WritableState`, so Node's
 * own helpers (`stream.finished`, `pipeline`, `Readable.prototype.pipe`) understand our streams.
 */
class WritableStateView {
  constructor(stream) {
    this.stream = stream;
  }
  get objectMode() { return this.stream[kObjectMode]; }
  get highWaterMark() { return coreOf(this.stream).highWaterMark; }
  get length() { return coreOf(this.stream).length; }
  get corked() { return coreOf(this.stream).corked; }
  get pendingcb() { return coreOf(this.stream).pendingCallbacks; }
  get ending() { return (coreOf(this.stream).state & C.S_ENDED) !== 0; }
  get ended() { return (coreOf(this.stream).state & C.S_ENDED) !== 0; }
  get finished() { return (coreOf(this.stream).state & C.S_FINISHED) !== 0; }
  get destroyed() { return (coreOf(this.stream).state & C.S_DESTROYED) !== 0; }
  get closed() { return (coreOf(this.stream).state & C.S_CLOSED) !== 0; }
  get closeEmitted() { return (coreOf(this.stream).state & C.S_CLOSE_EMITTED) !== 0; }
  get errorEmitted() { return (coreOf(this.stream).state & C.S_ERROR_EMITTED) !== 0; }
  get needDrain() { return (coreOf(this.stream).state & C.S_NEED_DRAIN) !== 0; }
  get writing() { return (coreOf(this.stream).state & C.S_WRITING) !== 0; }
  get errored() { return coreOf(this.stream).errored; }
  get emitClose() { return this.stream[kEmitClose]; }
  get autoDestroy() { return this.stream[kAutoDestroy]; }
  get decodeStrings() { return this.stream[kDecodeStrings]; }
  get defaultEncoding() { return this.stream[kDefaultEncoding]; }
  get bufferedRequestCount() { return coreOf(this.stream).bufferedCount; }
  getBuffer() { return this.stream[kChunks].toArray(); }
}

function nop() {}

// A sink completion the face holds back to report with its next call into the core
// (stream[kPending]): the core must hear of it before anything else.
/** The write completed inside its sink call, which returned, and the core said that was silent. */
const FOLDED = 1;
/** The sink completed the write it is being called with, inside that call (not yet returned). */
const SYNC_OK = 2;
/** The same, failing with stream[kSyncErr]. */
const SYNC_ERR = 3;
/** A polled write's sink call returned without completing it, and the core said (QUIET) that
 * reporting so would be silent. */
const RETURNED = 4;
/** The same for a write the core dispatched from write() (QUIET_RET): write() has answered with
 * what writeReturned() would have said. */
const RETURNED_W = 5;

/** stream[kLease] when the face holds no budget for buffered writes (see `cork()`). */
const NO_LEASE = -1;
/** A result of the core's write()/writeReturned() at or above this carries a budget. */
const BUDGET_UNIT = 1 << C.BUDGET_SHIFT;
/** The largest budget a result carries: one this large may be capped (see holdLease). */
const BUDGET_MAX = 2 ** (32 - C.BUDGET_SHIFT) - 1;
/** An opcode at or above this is an O_WRITEV with its size, or an O_WRITE with a run (see
 * polledRun and asyncRunWrite). */
const RUN_UNIT = 1 << C.RUN_SHIFT;
/** An opcode without its flags and payload. */
const OP_MASK = C.QUIET - 1;
/** An opcode below RUN_UNIT without LAST. */
const NOT_LAST = ~C.LAST;
/** stream[kLeaseLens] before the first write on a budget. */
const NO_LENS = new Float64Array(0);

/**
 * The stream's core, after reporting a held-back completion if there is one: every use of the
 * core but `coreWrite` goes through here, so the core always knows what the sink has done.
 */
function coreOf(stream) {
  const core = stream[kCore];
  stream[kUses]++;
  if (stream[kBufRun] !== 0) flushBufferedRun(stream);
  if (stream[kSteady]) flushRun(stream);
  // A held-back return comes before the writes accepted on the budget it gave (the other held
  // completions never coexist with a budget).
  const pending = stream[kPending];
  if (pending !== 0) reportPending(stream, core, pending);
  if (stream[kLease] !== NO_LEASE) endLease(stream);
  const later = stream[kReserveLater];
  if (later !== 0) {
    stream[kReserveLater] = 0;
    core.reserve(later);
  }
  return core;
}

/**
 * Hand the writes accepted within the buffered-write budget to the core (one call for the lot)
 * and give the budget up: every use of the core ends it.
 */
function endLease(stream) {
  const n = takeLease(stream);
  // Writes on the budget are buffered and have no output: nothing for the poll loop.
  if (n !== 0) stream[kCore].writeBufferedBatch(n);
}

/**
 * Give the budget up and return how many writes were accepted on it, for a call into the core
 * that takes them first (a `batch` argument); 0 when there is no budget.
 */
function takeLease(stream) {
  if (stream[kLease] === NO_LEASE) return 0;
  stream[kLease] = NO_LEASE;
  stream[kLeaseCross] = false;
  const n = stream[kLeaseCount];
  stream[kLeaseCount] = 0;
  return n;
}

/**
 * Tell the core of the writes the face handed to the sink on its own in the steady state (see
 * runWrite), and give that state up: every use of the core ends it. A run write still inside
 * its sink call is reported as dispatched now (its answer in stream[kRunR]), and a completion
 * it already had becomes the held-back one.
 */
function flushRun(stream) {
  stream[kSteady] = false;
  const core = stream[kCore];
  const count = stream[kRunCount];
  if (count !== 0) {
    core.foldRun(count, stream[kRunTotal], stream[kRunMax], stream[kRunLast]);
    stream[kRunCount] = 0;
    stream[kRunTotal] = 0;
    stream[kRunMax] = 0;
  }
  const len = stream[kRunLen];
  if (len >= 0) {
    // PREVIOUS_DONE reports the folded write's completion; this write's own, if it had one in
    // its call so far, becomes the held-back one.
    stream[kRunLen] = -1;
    stream[kRunR] = core.write(len, PREVIOUS_DONE, 0);
    stream[kPending] = stream[kRunDone];
    stream[kRunDone] = 0;
  }
}

/**
 * Tell the core of the completions of a run so far (see polledRun and asyncRunWrite): the face
 * is in (or, for an asynchronous run, has returned from) the sink call of the write after them.
 */
function flushBufferedRun(stream) {
  const count = stream[kBufRun];
  stream[kBufRun] = 0;
  if (stream[kRunAsync]) stream[kCore].asyncRun(count);
  else stream[kCore].syncRun(count);
}

/** The budget's writes that `takeHeld` took (a second return value, without an allocation). */
let heldBatch = 0;

/**
 * For a call into the core that reports what the face holds back first (a `flags`, `batch`
 * pair): when all it holds is a sink call's return (RETURNED, RETURNED_W) and the writes
 * accepted on the budget after it, take them and return their WD_* flag (0 for no return),
 * with the budget's writes in `heldBatch`, and count the use. -1 when anything else is held:
 * coreOf() must report it.
 */
function takeHeld(stream) {
  const pending = stream[kPending];
  if ((pending !== 0 && pending !== RETURNED && pending !== RETURNED_W) || stream[kReserveLater] !== 0 || stream[kBufRun] !== 0 || stream[kSteady]) {
    return -1;
  }
  stream[kPending] = 0;
  stream[kUses]++;
  heldBatch = takeLease(stream);
  if (pending === RETURNED) return C.WD_RETURNED;
  return pending === RETURNED_W ? C.WD_RETURNED_W : 0;
}

/** The poll loop's next output, with what is held back reported in the same call. */
function pollCore(stream) {
  const held = takeHeld(stream);
  if (held < 0) return coreOf(stream).poll();
  return held === 0 && heldBatch === 0 ? stream[kCore].poll() : stream[kCore].pollHeld(held, heldBatch);
}

function reportPending(stream, core, pending) {
  stream[kPending] = 0;
  if (pending === FOLDED) {
    core.flush();
  } else if (pending === RETURNED) {
    stream[kAsyncLeft] = 0;
    core.dispatchReturnedQuietly();
  } else if (pending === RETURNED_W) {
    core.writeReturned();
  } else if (pending === SYNC_OK) {
    completedInCall = true;
    core.writeDone(0, 0);
    completionHook(stream, undefined);
  } else {
    const err = stream[kSyncErr];
    stream[kSyncErr] = undefined;
    core.writeFailed(err, 0, 0);
    completionHook(stream, err);
  }
}

export class Writable extends EventEmitter {
  constructor(options) {
    super();
    // The events every stream has, as keys from the start, in Node's order and shape mode. (A
    // `__proto__: null` literal or Object.create(null) would start V8 in dictionary mode;
    // setPrototypeOf on a literal keeps its fast shape.)
    const events = { close: undefined, error: undefined, prefinish: undefined, finish: undefined, drain: undefined };
    Object.setPrototypeOf(events, null);
    this._events = events;
    this[kShapeMode] = true;
    const o = options ?? {};
    if (o.sink !== undefined) {
      if (!isSinkObject(o.sink)) throw errors.invalidArgType('options.sink', 'an object with a write method', o.sink);
      const impl = sinkImplementation(o.sink);
      this._write = impl.write;
      if (impl.writev) this._writev = impl.writev;
      if (impl.final) this._final = impl.final;
      this._destroy = impl.destroy;
      this[kSink] = o.sink;
    }
    if (typeof o.write === 'function') this._write = o.write;
    if (typeof o.writev === 'function') this._writev = o.writev;
    if (typeof o.destroy === 'function') this._destroy = o.destroy;
    if (typeof o.final === 'function') this._final = o.final;
    if (typeof o.construct === 'function') this._construct = o.construct;

    const objectMode = !!(o.objectMode || o.writableObjectMode);
    const hwm = o.highWaterMark ?? o.writableHighWaterMark;
    if (hwm != null && !(Number.isInteger(hwm) && hwm >= 0)) {
      throw errors.invalidOption(o.highWaterMark != null ? 'options.highWaterMark' : 'options.writableHighWaterMark', hwm);
    }
    let defaultEncoding = 'utf8';
    if (o.defaultEncoding != null && o.defaultEncoding !== 'utf8' && o.defaultEncoding !== 'utf-8') {
      if (!isEncoding(o.defaultEncoding)) throw errors.unknownEncoding(o.defaultEncoding);
      defaultEncoding = o.defaultEncoding;
    }
    this[kObjectMode] = objectMode;
    this[kDecodeStrings] = o.decodeStrings !== false;
    this[kDefaultEncoding] = defaultEncoding;
    this[kEmitClose] = o.emitClose !== false;
    this[kAutoDestroy] = o.autoDestroy !== false;
    this[kAllBuffers] = true;

    let flags = 0;
    if (objectMode) flags |= C.F_OBJECT_MODE;
    if (this[kEmitClose]) flags |= C.F_EMIT_CLOSE;
    if (this[kAutoDestroy]) flags |= C.F_AUTO_DESTROY;
    if (typeof this._writev === 'function') flags |= C.F_HAS_WRITEV;
    if (typeof this._final === 'function') flags |= C.F_HAS_FINAL;
    if (typeof this._construct === 'function') flags |= C.F_HAS_CONSTRUCT;
    this[kCore] = new WritableCore(hwm ?? undefined, flags);

    this[kChunks] = new ChunkQueue();
    this[kWriteCbs] = new CallbackTable();
    this[kOneOff] = new Ring();
    this[kEndCbs] = [];
    this[kDestroyCbs] = [];
    this[kPolling] = false;
    // While the poll loop runs user code (a listener, a callback) for an output: a call from
    // that code handles its own outputs at once, in a nest (see drive).
    this[kInHandler] = false;
    this[kLastCb] = null;
    // The sink's completion callback. A completion inside the sink call the face is making is
    // only recorded (kPending), and reported with the call that says the sink call returned
    // (one call into the core instead of two), or before any other use of the core.
    this[kInDispatch] = false;
    this[kPending] = 0;
    this[kSyncErr] = undefined;
    // Uses of the core (see coreOf): a write's completion may be folded only if nothing used
    // the core during its sink call.
    this[kUses] = 0;
    // While writes are buffered (corked, or behind a write in flight) the core names a budget of
    // units of callback-less writes that will each be buffered and return true; the face
    // accepts those without a call each (their lengths wait in kLeaseLens) and hands them over
    // with its next call into the core (endLease).
    this[kLease] = NO_LEASE;
    // In the steady state (the core's STEADY) the face hands callback-less writes that the sink
    // completes inside its call straight to the sink and tells the core of the run later
    // (flushRun): kRunCount writes of kRunTotal units, the largest kRunMax, the last kRunLast;
    // kRunLen is the length of a run write inside its sink call, kRunDone its completion there.
    this[kSteady] = false;
    this[kRunCount] = 0;
    this[kRunTotal] = 0;
    this[kRunMax] = 0;
    this[kRunLast] = 0;
    this[kRunLen] = -1;
    this[kRunDone] = 0;
    this[kRunR] = 0;
    // Buffered writes the sink completed in a run the core has not heard of yet, inside their
    // calls (polledRun) or after them (kRunAsync, asyncRunWrite); and while a return is held
    // back (RETURNED), how many more completions an asynchronous run may take.
    this[kBufRun] = 0;
    this[kRunAsync] = false;
    this[kAsyncLeft] = 0;
    this[kLeaseLens] = NO_LENS;
    this[kLeaseCount] = 0;
    // What a write on the lease returns: true within a budget, false on refusals.
    this[kLeaseReturn] = true;
    // Whether the first write past the budget may be taken too (see crossWrite): the budget
    // is the whole room below the highWaterMark, not capped.
    this[kLeaseCross] = false;
    this[kOnWrite] = (err) => {
      if (this[kInDispatch] && this[kRunLen] >= 0 && this[kRunDone] === 0) {
        // A run write's own sink call (see runWrite).
        if (err) {
          this[kRunDone] = SYNC_ERR;
          this[kSyncErr] = err;
        } else {
          this[kRunDone] = SYNC_OK;
        }
        return;
      }
      if (this[kInDispatch] && this[kPending] === 0 && this[kRunLen] < 0) {
        // Writes accepted on a budget came first: the core hears of them first.
        if (this[kLease] !== NO_LEASE) endLease(this);
        if (err) {
          this[kPending] = SYNC_ERR;
          this[kSyncErr] = err;
        } else {
          this[kPending] = SYNC_OK;
        }
        return;
      }
      if (this[kPending] === RETURNED && this[kAsyncLeft] > 0 && !err && !this[kPolling] && this[kReserveLater] === 0) {
        // A completion of an asynchronous run (see asyncRunWrite).
        asyncRunWrite(this);
        return;
      }
      // What is usually held back (a sink call's return, the writes on the budget after it)
      // goes with the completion (takeHeld); anything else coreOf() reports first, such as a
      // completion recorded earlier in the same sink call (the core then answers this one with
      // ERR_MULTIPLE_CALLBACK, as Node does).
      let flags = this[kPolling] ? 0 : C.WD_POLL;
      let core;
      let batch = 0;
      const held = takeHeld(this);
      if (held >= 0) {
        core = this[kCore];
        flags |= held;
        batch = heldBatch;
      } else {
        core = coreOf(this);
      }
      runLoop(this, err ? core.writeFailed(err, flags, batch) : core.writeDone(flags, batch));
      completionHook(this, err);
    };
    this[kCompletionHook] = null;
    this[kOnFinal] = (err) => {
      runLoop(this, coreOf(this).finalDone(err, !this[kPolling]));
    };
    this[kOnDestroy] = (err) => {
      if (this[kDestroyCbs].length > 0) {
        const cbs = this[kDestroyCbs];
        this[kDestroyCbs] = [];
        for (const cb of cbs) cb(err);
      }
      runLoop(this, coreOf(this).destroyDone(err, !this[kPolling]));
    };
    this[kOnConstruct] = (err) => {
      runLoop(this, coreOf(this).constructDone(err, !this[kPolling]));
    };
    this[kTick] = () => {
      runLoop(this, coreOf(this).tick(!this[kPolling]));
    };
    this[kState] = null;
    this[kReserveLater] = 0;

    if (o.signal !== undefined) addAbortSignal(o.signal, this);
    drive(this);
  }

  /** Node's internal state object, as a read-only view (used by Node's stream helpers). */
  get _writableState() {
    return (this[kState] ??= new WritableStateView(this));
  }

  write(chunk, encoding, cb) {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = null;
    }
    return writeChunk(this, chunk, encoding, cb, 0) === true;
  }

  end(chunk, encoding, cb) {
    if (typeof chunk === 'function') {
      cb = chunk;
      chunk = null;
      encoding = null;
    } else if (typeof encoding === 'function') {
      cb = encoding;
      encoding = null;
    }
    let rejected = false;
    if (chunk !== null && chunk !== undefined) {
      rejected = writeChunk(this, chunk, encoding, null, 0) === REJECTED;
    }
    const hasCb = typeof cb === 'function';
    const r = coreOf(this).end(hasCb, rejected);
    const slot = (r >> 3) & 3;
    if (slot === C.SLOT_ONE_OFF) this[kOneOff].push(cb);
    else if (slot === C.SLOT_END) this[kEndCbs].push(cb);
    if ((r & C.HAS_OUTPUT) !== 0) drive(this);
    return this;
  }

  cork() {
    const budget = coreOf(this).cork();
    if (budget > 0) {
      this[kLease] = budget;
      this[kLeaseReturn] = true;
      this[kLeaseCross] = true;
    } else if (budget < 0) {
      this[kLease] = Infinity;
      this[kLeaseReturn] = false;
    }
  }

  uncork() {
    // coreOf without its end of the budget: the budget's writes go with uncork() (first), and
    // the first output comes back with it.
    const batch = this[kReserveLater] === 0 ? takeLease(this) : 0;
    const core = coreOf(this);
    const polling = this[kPolling];
    if (!polling) {
      runLoop(this, core.uncork(batch, 1));
    } else if (this[kInHandler] && !this[kInDispatch]) {
      nestedLoop(this, core.uncork(batch, 2));
    } else {
      core.uncork(batch, 0);
    }
  }

  setDefaultEncoding(encoding) {
    if (typeof encoding === 'string') encoding = encoding.toLowerCase();
    if (!isEncoding(encoding)) throw errors.unknownEncoding(encoding);
    this[kDefaultEncoding] = encoding;
    return this;
  }

  destroy(err, cb) {
    const core = coreOf(this);
    if ((core.state & C.S_DESTROYED) !== 0) {
      if (typeof cb === 'function') cb();
      return this;
    }
    if (typeof cb === 'function') this[kDestroyCbs].push(cb);
    core.destroy(err);
    drive(this);
    return this;
  }

  pipe() {
    coreOf(this).error(errors.cannotPipe());
    drive(this);
  }

  _write(chunk, encoding, cb) {
    if (typeof this._writev === 'function') {
      this._writev([{ chunk, encoding }], cb);
    } else {
      throw errors.notImplemented('_write()');
    }
  }

  _destroy(err, cb) {
    cb(err);
  }

  get writable() {
    return (coreOf(this).state & C.S_WRITABLE) !== 0;
  }
  get writableLength() {
    return coreOf(this).length;
  }
  get writableHighWaterMark() {
    return coreOf(this).highWaterMark;
  }
  get writableEnded() {
    return (coreOf(this).state & C.S_ENDED) !== 0;
  }
  get writableFinished() {
    return (coreOf(this).state & C.S_FINISHED) !== 0;
  }
  get writableCorked() {
    return coreOf(this).corked;
  }
  get writableObjectMode() {
    return this[kObjectMode];
  }
  get writableNeedDrain() {
    return (coreOf(this).state & C.S_NEED_DRAIN) !== 0;
  }
  get writableAborted() {
    return (coreOf(this).state & C.S_ABORTED) !== 0;
  }
  get destroyed() {
    return (coreOf(this).state & C.S_DESTROYED) !== 0;
  }
  get closed() {
    return (coreOf(this).state & C.S_CLOSED) !== 0;
  }
  get errored() {
    return coreOf(this).errored;
  }
  get writableBuffer() {
    return this[kChunks].toArray();
  }

  /** Observability counters kept by the core (totals, peak length, sink calls, drains). */
  stats() {
    return coreOf(this).stats();
  }

  [kReserve](units) {
    // Inside a sink call the core must hear of it now (a folded completion depends on nothing
    // having touched the core meanwhile); otherwise it waits for the chunk's write (see
    // kReserveLater).
    if (this[kInDispatch]) {
      coreOf(this).reserve(units);
    } else {
      // Writes accepted on a cork budget came first, and the budget did not count these units.
      if (this[kLease] !== NO_LEASE) endLease(this);
      this[kReserveLater] += units;
    }
  }

  [kUnreserve](units) {
    if ((coreOf(this).unreserve(units) & C.HAS_OUTPUT) !== 0) drive(this);
  }

  [kWriteReserved](chunk, cb) {
    return writeChunk(this, chunk, null, cb, RESERVED);
  }

  /**
   * `sink`: the sink object this stream was made over with no other implementation (the
   * WHATWG face's `createWritableStream(sinkObject)`), or null. A `Uint8Array` chunk (or any
   * chunk in objectMode) then goes to `sink.write(chunk)` as it is: no `Buffer` made of it, no
   * Node-style callback in between.
   */
  [kWriteReservedQuiet](chunk, sink) {
    completedInCall = false;
    const ret =
      sink !== null && (this[kObjectMode] ? chunk !== null : chunk instanceof Uint8Array)
        ? writeToSinkObject(this, chunk, sink)
        : writeChunk(this, chunk, null, null, RESERVED);
    if (ret === REJECTED) return REJECTED;
    return completedInCall;
  }

  /** The sink object given as `options.sink`, if any. */
  get sink() {
    return this[kSink];
  }
}

Writable.prototype._writev = null;

if (typeof Symbol.asyncDispose === 'symbol') {
  Writable.prototype[Symbol.asyncDispose] = function asyncDispose() {
    if (!this.destroyed) this.destroy(this.writableFinished ? null : errors.abort());
    return new Promise((resolve, reject) => {
      const done = (err) => (err && err.name !== 'AbortError' ? reject(err) : resolve(null));
      if (this.closed) done(this.errored);
      else {
        this.once('close', () => done(this.errored));
      }
    });
  };
}

/**
 * Validate and normalise a chunk, then hand it to the core. Returns write()'s result or REJECTED.
 * The hot path (a Buffer, or any value in object mode, with no encoding) is at most one call
 * into the core: none on a buffered-write budget or in a steady-state run. Each step is a small
 * function, so V8 can inline the whole path into the caller.
 */
function writeChunk(stream, chunk, encoding, cb, reserved) {
  if (typeof cb !== 'function') cb = null;
  let len = 1;
  if (stream[kObjectMode]) {
    if (chunk === null) throw errors.nullValues();
  } else if (!encoding && isSinkBytes(chunk)) {
    len = chunk.length;
    encoding = 'buffer';
  } else {
    len = normalizeChunk(stream, chunk, encoding);
    chunk = normalized.chunk;
    encoding = normalized.encoding;
  }
  if (cb === null && reserved === 0) {
    if (len <= stream[kLease]) return leaseWrite(stream, chunk, encoding, len);
    if (stream[kSteady] && stream[kRunLen] < 0) return runWrite(stream, chunk, encoding, len, null);
    if (stream[kLeaseCross]) return crossWrite(stream, chunk, encoding, len);
  }
  const r = coreWrite(stream, len, cb, reserved);
  if ((r & 3) !== W_DISPATCH) return writeNotDispatched(stream, chunk, encoding, cb, r);
  return dispatchWrite(stream, chunk, encoding, cb, r, null);
}

/**
 * A callback-less write within the buffered-write budget the core named (buffered, true), or
 * while it refuses buffered writes (buffered, false: kLease is Infinity).
 */
function leaseWrite(stream, chunk, encoding, len) {
  stream[kLease] -= len;
  let lens = stream[kLeaseLens];
  const n = stream[kLeaseCount];
  // The lengths go straight into wasm memory; a view whose memory grew reads as empty.
  if (n >= lens.length) lens = leaseLensView(stream, n);
  lens[n] = len;
  stream[kLeaseCount] = n + 1;
  stream[kChunks].push({ chunk, encoding });
  return stream[kLeaseReturn];
}

/**
 * The first callback-less write past the budget (see `buffered_write_budget`): it reaches the
 * highWaterMark, so the core would buffer it and answer false, and refuse the writes after it.
 * The face takes it on its own, and those after it on the refusals.
 */
function crossWrite(stream, chunk, encoding, len) {
  stream[kLease] = Infinity;
  stream[kLeaseReturn] = false;
  stream[kLeaseCross] = false;
  return leaseWrite(stream, chunk, encoding, len);
}

/** Take the budget for buffered writes (`r`: a result carrying BUDGET_SHIFT or REFUSING). */
function holdLease(stream, r) {
  if (r >= BUDGET_UNIT) {
    const budget = r >>> C.BUDGET_SHIFT;
    stream[kLease] = budget;
    stream[kLeaseReturn] = true;
    stream[kLeaseCross] = budget < BUDGET_MAX;
  } else if ((r & C.REFUSING) !== 0) {
    stream[kLease] = Infinity;
    stream[kLeaseReturn] = false;
  }
}

/** A view of the core's room for lease lengths, with room for more than `n` (see `leaseLens`). */
function leaseLensView(stream, n) {
  const capacity = Math.max(16, n * 2);
  // leaseLens() may grow wasm memory: take the buffer after it.
  const ptr = stream[kCore].leaseLens(capacity);
  const view = new Float64Array(wasmMemory().buffer, ptr, capacity);
  stream[kLeaseLens] = view;
  return view;
}

/** The core's `write()`; reports a folded completion of the previous write with it. */
function coreWrite(stream, len, cb, reserved) {
  if (stream[kBufRun] !== 0) flushBufferedRun(stream);
  if (stream[kSteady]) flushRun(stream);
  let flags = reserved;
  const pending = stream[kPending];
  if (pending !== 0) {
    if (pending === FOLDED) {
      stream[kPending] = 0;
      flags |= PREVIOUS_DONE;
    } else if (pending === RETURNED_W) {
      stream[kPending] = 0;
      flags |= C.RETURNED_FIRST;
    } else {
      reportPending(stream, stream[kCore], pending);
    }
  }
  // The writes accepted on the budget go with this write (the core takes them first).
  let batch = takeLease(stream);
  const later = stream[kReserveLater];
  if (later !== 0) {
    stream[kReserveLater] = 0;
    if (later === len && reserved !== 0) {
      // This chunk's own reservation: an unreserved write counts it (see kReserveLater).
      flags &= ~RESERVED;
    } else {
      if ((flags & PREVIOUS_DONE) !== 0) {
        flags &= ~PREVIOUS_DONE;
        stream[kCore].flush(); // the core heard of the completion before the reservation
      }
      if ((flags & C.RETURNED_FIRST) !== 0) {
        flags &= ~C.RETURNED_FIRST;
        stream[kCore].writeReturned();
      }
      if (batch !== 0) {
        stream[kCore].writeBufferedBatch(batch);
        batch = 0;
      }
      stream[kCore].reserve(later);
    }
  }
  stream[kUses]++;
  if (cb !== null) {
    flags |= cb === stream[kLastCb] ? 2 : 1;
    stream[kLastCb] = cb;
  }
  return stream[kCore].write(len, flags, batch);
}

/**
 * Hand a write the core dispatched to the sink (`stream._write`, or the WHATWG face's `sink`
 * object); returns write()'s result.
 */
function dispatchWrite(stream, chunk, encoding, cb, r, sink) {
  if (cb !== null) stream[kWriteCbs].add(cb);
  const outer = stream[kInDispatch];
  stream[kInDispatch] = true;
  const uses = stream[kUses];
  let result;
  try {
    result = callSink(stream, chunk, encoding, sink);
  } finally {
    stream[kInDispatch] = outer;
  }
  if (result !== undefined) adoptWritePromise(stream, stream._write, result);
  return sinkCallReturned(stream, r, uses);
}

/** The sink call of a write: what `_write` returned (a sink object completes through settleWrite). */
function callSink(stream, chunk, encoding, sink) {
  // A method call, not `fn.call(stream, …)`: V8 inlines it (about 6 ns a write here).
  if (sink === null) return stream._write(chunk, encoding, stream[kOnWrite]);
  settleWrite(sink, chunk, stream[kOnWrite]);
  return undefined;
}

/**
 * write()'s end once the sink call of a write the core dispatched (answer `r`) has returned;
 * `uses`: stream[kUses] when the call began.
 */
function sinkCallReturned(stream, r, uses) {
  if (stream[kPending] !== SYNC_OK) {
    // Outputs waiting are no matter inside the poll loop, which takes them next.
    if ((r & C.QUIET_RET) !== 0 && stream[kPending] === 0 && stream[kUses] === uses && ((r & C.HAS_OUTPUT) === 0 || stream[kPolling])) {
      return quietReturn(stream, r);
    }
    return afterDispatch(stream, coreOf(stream).writeReturned());
  }
  stream[kPending] = 0;
  completedInCall = true;
  if ((r & FOLDABLE) === 0 || stream[kUses] !== uses) {
    return afterDispatch(stream, stream[kCore].writeDoneReturned());
  }
  // Completed inside the call, nothing touched the core meanwhile, and the core said that
  // completion is silent: write() returns true and the completion is reported with the next
  // call into the core.
  stream[kPending] = FOLDED;
  stream[kSteady] = (r & STEADY) !== 0;
  return true;
}

/**
 * write()'s end for a dispatched write whose sink call returned without completing it, with
 * nothing else using the core meanwhile: on the core's word (QUIET_RET) the face answers with
 * what writeReturned() would, takes the budget or refusals after it, and holds the report back.
 */
function quietReturn(stream, r) {
  stream[kPending] = RETURNED_W;
  if ((r & C.QUIET_TRUE) !== 0) {
    // The budget sits where writeReturned() puts it (the low bits here are the dispatch's own).
    holdLease(stream, r & ~(BUDGET_UNIT - 1));
    return true;
  }
  if ((r & C.QUIET_REFUSING) !== 0) holdLease(stream, C.REFUSING);
  return false;
}

/**
 * A callback-less write in the steady state (to `stream._write`, or to the WHATWG face's `sink`
 * object): the core said a write now would be dispatched and, completed inside its sink call,
 * change nothing but counters. So the face calls the sink on its own; if the sink completes
 * inside the call and nothing else touched the core, the write joins the run the core hears of
 * later (flushRun). Otherwise the core hears of the run and of this write now, and it ends as
 * any dispatched write.
 */
function runWrite(stream, chunk, encoding, len, sink) {
  stream[kRunLen] = len;
  const outer = stream[kInDispatch];
  stream[kInDispatch] = true;
  const uses = stream[kUses];
  let result;
  try {
    result = callSink(stream, chunk, encoding, sink);
  } catch (err) {
    // The core must have this write in flight, as after any dispatch whose sink call threw.
    if (stream[kRunLen] >= 0) flushRun(stream);
    throw err;
  } finally {
    stream[kInDispatch] = outer;
  }
  if (result !== undefined) adoptWritePromise(stream, stream._write, result);
  if (stream[kRunLen] < 0) return sinkCallReturned(stream, stream[kRunR], uses); // told during the call
  if (stream[kRunDone] === SYNC_OK) {
    stream[kRunLen] = -1;
    stream[kRunDone] = 0;
    stream[kRunCount]++;
    stream[kRunTotal] += len;
    if (len > stream[kRunMax]) stream[kRunMax] = len;
    stream[kRunLast] = len;
    completedInCall = true;
    return true;
  }
  flushRun(stream);
  return sinkCallReturned(stream, stream[kRunR], stream[kUses]);
}

/**
 * The WHATWG face's write of a chunk that needs no normalising straight into the sink object it
 * was made over (see kWriteReservedQuiet), to `sink.write(chunk)` directly.
 */
function writeToSinkObject(stream, chunk, sink) {
  const len = stream[kObjectMode] ? 1 : chunk.length;
  if (stream[kSteady] && stream[kRunLen] < 0 && stream[kReserveLater] === len) {
    // The chunk's own reservation goes with it (an unreserved write counts it): it may join a
    // run like any callback-less write.
    stream[kReserveLater] = 0;
    return runWrite(stream, chunk, 'buffer', len, sink);
  }
  const r = coreWrite(stream, len, null, RESERVED);
  if ((r & 3) !== W_DISPATCH) return writeNotDispatched(stream, chunk, 'buffer', null, r);
  return dispatchWrite(stream, chunk, 'buffer', null, r, sink);
}

/** What `normalizeChunk` made of a chunk (a scratch pair, to return two values without an allocation). */
const normalized = { chunk: null, encoding: '' };

/** The byte-mode chunk rules of Node's `_write` for anything but a Buffer without encoding. */
function normalizeChunk(stream, chunk, encoding) {
  if (chunk === null) throw errors.nullValues();
  if (!encoding) {
    encoding = stream[kDefaultEncoding];
  } else if (encoding !== 'buffer' && !isEncoding(encoding)) {
    throw errors.unknownEncoding(encoding);
  }
  if (typeof chunk === 'string') {
    if (stream[kDecodeStrings]) {
      chunk = encodeString(chunk, encoding);
      encoding = 'buffer';
    } else {
      stream[kAllBuffers] = false;
    }
  } else if (ArrayBuffer.isView(chunk)) {
    chunk = toBytes(chunk);
    encoding = 'buffer';
  } else {
    throw errors.invalidChunk(chunk);
  }
  normalized.chunk = chunk;
  normalized.encoding = encoding;
  return chunk.length;
}

function afterDispatch(stream, rr) {
  // A budget first: drive() ends it at once, unless this runs inside the poll loop.
  if (rr >= C.REFUSING) holdLease(stream, rr);
  if ((rr & C.HAS_OUTPUT) !== 0) drive(stream);
  return (rr & 1) === 1;
}

/** `write()`'s end for a chunk the core buffered or refused. */
function writeNotDispatched(stream, chunk, encoding, cb, r) {
  if ((r & 3) === C.W_REJECTED) {
    if (cb !== null) stream[kOneOff].push(cb);
    drive(stream);
    return REJECTED;
  }
  stream[kChunks].push({ chunk, encoding });
  if (cb !== null) stream[kWriteCbs].add(cb);
  if (r >= C.REFUSING) holdLease(stream, r);
  if ((r & C.HAS_OUTPUT) !== 0) drive(stream);
  return (r & 3) === C.W_BUFFERED_TRUE;
}

/** A write implementation that does not take the callback may return a promise instead. */
function adoptWritePromise(stream, fn, result) {
  if (fn.length < 3 && isThenable(result)) {
    result.then(() => stream[kOnWrite](), (err) => stream[kOnWrite](err ?? new Error('write rejected')));
  }
}

function callWrite(stream, chunk, encoding) {
  const result = callSink(stream, chunk, encoding, null);
  if (result !== undefined) adoptWritePromise(stream, stream._write, result);
}

function callWritev(stream, entries) {
  entries.allBuffers = stream[kAllBuffers];
  const result = stream._writev(entries, stream[kOnWrite]);
  const fn = stream._writev;
  if (result !== undefined && fn.length < 2 && isThenable(result)) {
    result.then(() => stream[kOnWrite](), (err) => stream[kOnWrite](err ?? new Error('writev rejected')));
  }
}

function callFinal(stream) {
  const onFinal = stream[kOnFinal];
  try {
    const fn = stream._final;
    const result = fn.call(stream, onFinal);
    if (result !== undefined && fn.length < 1 && isThenable(result)) {
      result.then(() => onFinal(), (err) => onFinal(err ?? new Error('final rejected')));
    }
  } catch (err) {
    onFinal(err);
  }
}

function callDestroy(stream, err) {
  const onDestroy = stream[kOnDestroy];
  try {
    stream._destroy(err ?? null, onDestroy);
  } catch (thrown) {
    onDestroy(thrown);
  }
}

function callConstruct(stream) {
  const onConstruct = stream[kOnConstruct];
  try {
    const fn = stream._construct;
    const result = fn.call(stream, onConstruct);
    if (result !== undefined && fn.length < 1 && isThenable(result)) {
      result.then(() => onConstruct(), (err) => onConstruct(err ?? new Error('construct rejected')));
    }
  } catch (err) {
    onConstruct(err);
  }
}

/**
 * The poll loop: do what the core says until it has nothing left. Inside the loop the outputs
 * wait for it, unless the loop is running user code (a listener, a callback) for an output:
 * then the call that drove this carries out its own outputs at once, in a nest (the core's
 * `nest()`, ahead of what waited behind that output), as Node does inside the call: uncork()
 * in a 'drain' listener has flushed the buffer to the sink when it returns.
 */
function drive(stream) {
  if (!stream[kPolling]) runLoop(stream, coreOf(stream).poll());
  else if (stream[kInHandler] && !stream[kInDispatch]) nestedLoop(stream, coreOf(stream).nest());
}

/** The poll loop from `op` (the first output of a nest) on, then the nest's end. */
function nestedLoop(stream, op) {
  stream[kInHandler] = false;
  stream[kPolling] = false;
  try {
    runLoop(stream, op);
  } finally {
    stream[kPolling] = true;
    stream[kInHandler] = true;
    stream[kCore].unnest();
  }
}

/**
 * The poll loop from output `op` on (an input that polled for the face returned it). Calls that
 * end a sink call return the next output themselves, so most outputs cost one call into the core.
 */
function runLoop(stream, op) {
  if (op === C.O_NONE) return;
  stream[kPolling] = true;
  try {
    for (;;) {
      if (op >= RUN_UNIT) {
        if ((op & OP_MASK) === C.O_WRITEV) {
          let n = op >>> C.RUN_SHIFT;
          if (n === C.RUN_MAX) n = stream[kCore].count;
          const entries = stream[kChunks].take(n);
          op = polledWrite(stream, null, null, entries, (op & C.QUIET) !== 0, 0);
        } else if ((op & C.SYNC_RUN) !== 0) {
          op = polledRun(stream, op >>> C.RUN_SHIFT, (op & C.QUIET) !== 0);
        } else {
          const entry = stream[kChunks].shift();
          op = polledWrite(stream, entry.chunk, entry.encoding, null, true, op >>> C.RUN_SHIFT);
        }
        continue;
      }
      const uses = stream[kUses];
      // The user code run for an output (a listener, a callback) may nest (see drive); a sink
      // call may not.
      stream[kInHandler] = true;
      switch (op & NOT_LAST) {
        case C.O_NONE:
          return;
        case C.O_WRITE: {
          stream[kInHandler] = false;
          const entry = stream[kChunks].shift();
          op = polledWrite(stream, entry.chunk, entry.encoding, null, false, 0);
          continue;
        }
        case C.O_WRITE_QUIET: {
          stream[kInHandler] = false;
          const entry = stream[kChunks].shift();
          op = polledWrite(stream, entry.chunk, entry.encoding, null, true, 0);
          continue;
        }
        case C.O_FINAL:
          stream[kInHandler] = false;
          callFinal(stream);
          op = coreOf(stream).dispatchReturned();
          continue;
        case C.O_DESTROY:
          callDestroy(stream, stream[kCore].takeError());
          break;
        case C.O_CONSTRUCT:
          callConstruct(stream);
          break;
        case C.O_TICK:
          nextTick(stream[kTick]);
          break;
        case C.O_WRITE_CALLBACKS: {
          const core = stream[kCore];
          const n = core.count;
          const first = core.first;
          const err = core.takeError() ?? null;
          const cbs = stream[kWriteCbs];
          for (let i = 0; i < n; i++) {
            const cb = cbs.take(first + i);
            if (cb) cb(err);
          }
          break;
        }
        case C.O_END_CALLBACKS: {
          const err = stream[kCore].takeError() ?? null;
          const cbs = stream[kEndCbs];
          stream[kEndCbs] = [];
          for (let i = 0; i < cbs.length; i++) cbs[i](err);
          break;
        }
        case C.O_ONE_OFF: {
          const err = stream[kCore].takeError() ?? null;
          const cb = stream[kOneOff].shift();
          if (cb) cb(err);
          break;
        }
        case C.O_DRAIN:
          stream.emit('drain');
          break;
        case C.O_PREFINISH:
          stream.emit('prefinish');
          break;
        case C.O_FINISH:
          stream.emit('finish');
          break;
        case C.O_ERROR:
          stream.emit('error', stream[kCore].takeError());
          break;
        case C.O_CLOSE:
          stream.emit('close');
          break;
        case C.O_DISCARD:
          stream[kChunks].drop(stream[kCore].count);
          break;
        default:
          return;
      }
      stream[kInHandler] = false;
      // Nothing waited behind that output, and nothing has used the core since: a poll would
      // answer O_NONE.
      if ((op & C.LAST) !== 0 && stream[kUses] === uses) return;
      op = pollCore(stream);
    }
  } finally {
    stream[kPolling] = false;
    stream[kInHandler] = false;
  }
}

/**
 * A write or writev the core handed out from its buffer: call the sink, then report that the
 * call returned (with a completion inside it, if there was one). Returns the next output.
 */
function polledWrite(stream, chunk, encoding, entries, quiet, asyncRun) {
  const outer = stream[kInDispatch];
  stream[kInDispatch] = true;
  const uses = stream[kUses];
  try {
    if (entries === null) callWrite(stream, chunk, encoding);
    else callWritev(stream, entries);
  } finally {
    stream[kInDispatch] = outer;
  }
  if (quiet && stream[kPending] === 0 && stream[kUses] === uses) {
    // Returned without a completion and nothing used the core meanwhile: on the core's word
    // (QUIET) saying so now would produce nothing, so it waits for the next call into the core
    // (usually the completion: writeDone with WD_RETURNED).
    stream[kPending] = RETURNED;
    stream[kAsyncLeft] = asyncRun;
    return C.O_NONE;
  }
  return polledWriteReturned(stream);
}

/**
 * A successful completion, outside any sink call, of the write whose return is held back
 * (RETURNED), while the core's asynchronous run allows more (kAsyncLeft): on the core's word it
 * would only hand the next buffered write out, so the face does that itself and counts the
 * completion for the core (kBufRun, reported with asyncRun before any other use of the core).
 * If that write's sink call returns without a completion again, its return is held back too;
 * otherwise it ends as any polled write's.
 */
function asyncRunWrite(stream) {
  stream[kAsyncLeft]--;
  stream[kBufRun]++;
  stream[kRunAsync] = true;
  stream[kPending] = 0;
  const entry = stream[kChunks].shift();
  const uses = stream[kUses];
  stream[kInDispatch] = true;
  try {
    callWrite(stream, entry.chunk, entry.encoding);
  } finally {
    stream[kInDispatch] = false;
  }
  if (stream[kPending] === 0 && stream[kUses] === uses) {
    stream[kPending] = RETURNED;
  } else {
    runLoop(stream, polledWriteReturned(stream));
  }
  completionHook(stream, undefined);
}

/**
 * An O_WRITE with a buffered run of `run` (the core's buffered_run): the write handed out and,
 * while each completes inside its sink call with nothing else using the core, up to `run` more
 * buffered writes go to the sink one after another without a call into the core each. Their
 * completions wait in stream[kBufRun] (reported with the last write's syncWriteDone, or by
 * coreOf first, with syncRun); the last write's call ends as any polled write's. With `quiet`
 * (QUIET: `run` holds for an asynchronous run too) a first write whose call returns without
 * completing ends as polledWrite's would.
 */
function polledRun(stream, run, quiet) {
  const chunks = stream[kChunks];
  stream[kRunAsync] = false;
  const outer = stream[kInDispatch];
  stream[kInDispatch] = true;
  const asyncRun = run;
  let uses;
  try {
    for (;;) {
      const entry = chunks.shift();
      uses = stream[kUses];
      callWrite(stream, entry.chunk, entry.encoding);
      if (run === 0 || stream[kPending] !== SYNC_OK || stream[kUses] !== uses) break;
      stream[kPending] = 0;
      stream[kBufRun]++;
      run--;
    }
  } finally {
    stream[kInDispatch] = outer;
  }
  if (quiet && run === asyncRun && stream[kPending] === 0 && stream[kUses] === uses) {
    stream[kPending] = RETURNED;
    stream[kAsyncLeft] = asyncRun;
    return C.O_NONE;
  }
  return polledWriteReturned(stream);
}

/** The end of a polled write's sink call: report it (and a completion inside it). */
function polledWriteReturned(stream) {
  const pending = stream[kPending];
  if (pending === SYNC_OK) {
    stream[kPending] = 0;
    const run = stream[kBufRun];
    let op;
    if (run !== 0 && !stream[kRunAsync]) {
      // The buffered run that led to this write goes with it. (Any other use of the core
      // since the run began would have reported the run: nothing else is held.)
      stream[kBufRun] = 0;
      stream[kUses]++;
      op = stream[kCore].syncWriteDone(run);
    } else {
      op = coreOf(stream).syncWriteDone(0);
    }
    completionHook(stream, undefined);
    return op;
  }
  const err = pending === SYNC_ERR ? stream[kSyncErr] : undefined;
  const op = coreOf(stream).dispatchReturned();
  if (pending === SYNC_ERR) completionHook(stream, err);
  return op;
}

/** The WHATWG face's wait for a write's completion (see kWriteReservedQuiet). */
function completionHook(stream, err) {
  const hook = stream[kCompletionHook];
  if (hook !== null) {
    stream[kCompletionHook] = null;
    hook(err);
  }
}

/** Node's `addAbortSignal`: destroy the stream with an AbortError when `signal` aborts. */
export function addAbortSignal(signal, stream) {
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) {
    throw errors.invalidArgType('signal', 'an instance of AbortSignal', signal);
  }
  const onAbort = () => stream.destroy(errors.abort(signal.reason));
  if (signal.aborted) {
    onAbort();
  } else {
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

export { nop };
