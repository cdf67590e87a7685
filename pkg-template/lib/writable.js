// The Node-style face: `Writable`, with Node 20's `stream.Writable` API and events.
//
// This class is a driver for the Rust core (src/core): every decision about buffering,
// highWaterMark, needDrain, cork/writev batching, the lifecycle and the order of events and
// callbacks is the core's. The face keeps what must stay JavaScript — the chunk values, the
// callbacks and the listeners — in FIFOs whose order the core names, and calls the sink.
//
// Protocol (see src/core/sim.rs for the same in Rust): call a core command; if it reports
// outputs, run `drive()`, which polls the core and does what each output says. A command issued
// from a listener, callback or sink call the loop is running carries out its own outputs at
// once, in a nest that leaves what waited behind the running output for later (the core's
// `nest()`), as Node does inside the call. The face's own state is one FaceState object per
// stream (stream[kFace], `s` in the code). To save calls into the core, the inputs that end a
// sink call or report a completion outside the loop return the next output themselves, and a
// completion inside a sink call the face is making is held back (s.pending) and reported with
// the call that says the sink call returned. More is held back where the core says in advance
// what reporting it would change (nothing but counters): folded completions and steady-state
// runs, writes on a budget or refusals, buffered and asynchronous runs, and quiet returns of sink
// calls; every use of the core reports what is held first (coreOf), or takes it along (the
// `batch` and held flags of its calls). README's "How it works" has the list.

import { WritableCore, wasmMemory } from '../wasm/wasm_writable.js';
import * as C from './codes.js';
import { EventEmitter, kShapeMode } from './events.js';
import { errors } from './errors.js';
import { encodeString, isEncoding, isSinkBytes, toBytes } from './encoding.js';
import { CallbackTable, ChunkQueue, Ring } from './ring.js';
import { isSinkObject, settleResult, sinkImplementation } from './sink.js';
import { nextTick } from './tick.js';


/** The stream's face state (FaceState). */
const kFace = Symbol('kFace');

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
// s.reserveLater and go with the next use of the core (coreOf), or, for the chunk they
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
  get objectMode() { return this.stream[kFace].objectMode; }
  get highWaterMark() { return coreOf(this.stream[kFace]).highWaterMark; }
  get length() { return coreOf(this.stream[kFace]).length; }
  get corked() { return coreOf(this.stream[kFace]).corked; }
  get pendingcb() { return coreOf(this.stream[kFace]).pendingCallbacks; }
  get ending() { return (coreOf(this.stream[kFace]).state & C.S_ENDED) !== 0; }
  get ended() { return (coreOf(this.stream[kFace]).state & C.S_ENDED) !== 0; }
  get finished() { return (coreOf(this.stream[kFace]).state & C.S_FINISHED) !== 0; }
  get destroyed() { return (coreOf(this.stream[kFace]).state & C.S_DESTROYED) !== 0; }
  get closed() { return (coreOf(this.stream[kFace]).state & C.S_CLOSED) !== 0; }
  get closeEmitted() { return (coreOf(this.stream[kFace]).state & C.S_CLOSE_EMITTED) !== 0; }
  get errorEmitted() { return (coreOf(this.stream[kFace]).state & C.S_ERROR_EMITTED) !== 0; }
  get needDrain() { return (coreOf(this.stream[kFace]).state & C.S_NEED_DRAIN) !== 0; }
  get writing() { return (coreOf(this.stream[kFace]).state & C.S_WRITING) !== 0; }
  get errored() { return coreOf(this.stream[kFace]).errored; }
  get emitClose() { return this.stream[kFace].emitClose; }
  get autoDestroy() { return this.stream[kFace].autoDestroy; }
  get decodeStrings() { return this.stream[kFace].decodeStrings; }
  get defaultEncoding() { return this.stream[kFace].defaultEncoding; }
  get bufferedRequestCount() { return coreOf(this.stream[kFace]).bufferedCount; }
  getBuffer() { return this.stream[kFace].chunks.toArray(); }
}

function nop() {}

// A sink completion the face holds back to report with its next call into the core
// (s.pending): the core must hear of it before anything else.
/** The write completed inside its sink call, which returned, and the core said that was silent. */
const FOLDED = 1;
/** The sink completed the write it is being called with, inside that call (not yet returned). */
const SYNC_OK = 2;
/** The same, failing with s.syncErr. */
const SYNC_ERR = 3;
/** A polled write's sink call returned without completing it, and the core said (QUIET) that
 * reporting so would be silent. */
const RETURNED = 4;
/** The same for a write the core dispatched from write() (QUIET_RET): write() has answered with
 * what writeReturned() would have said. */
const RETURNED_W = 5;

// s.drun: the phase of the drain cycles the face runs itself (see drainCycle), 0 for none. Each
// minus one is drainRun()'s `end`.
/** The last write completed (its 'drain' emitted). */
const DRUN_IDLE = 1;
/** The last write is in its sink call. */
const DRUN_CALL = 2;
/** The last write's sink call returned without completing it (write() answered false). */
const DRUN_FLIGHT = 3;

// s.brun: the phase of the batch cycles the face runs itself (see batchDispatch), 0 for none.
/** Idle after a 'drain' (the core's O_DRAIN_IDLE, or a cycle of the face's). */
const BR_IDLE = 1;
/** Corked (s.brunDepth times), the batch's writes on the budget. */
const BR_CORKED = 2;
/** The batch is in its sink call. */
const BR_CALL = 3;
/** The batch's sink call returned without completing it. */
const BR_FLIGHT = 4;
/** The batch completed inside its sink call; its afterWrite tick (s.brunTick) is scheduled. */
const BR_TICK = 5;
/** A lead cycle's lead write (see leadWrite) is in its sink call. */
const BR_LEAD_CALL = 6;
/** The lead write's call returned without completing it; the batch is on the budget behind it. */
const BR_LEAD_FLIGHT = 7;

/** s.lease when the face holds no budget for buffered writes (see `cork()`). */
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
/** s.leaseLens before the first write on a budget. */
const NO_LENS = new Uint32Array(0);
/** s.leaseLen while the lease's writes differ in length (each is then in s.leaseLens). */
const MIXED = -1;
/**
 * The most units the face takes on its own between two calls into the core (a budget capped to
 * this is not exact), so every length fits the core's Uint32Array of them: s.lease while the
 * core refuses buffered writes, when it has no bound of its own. Small enough that s.lease and
 * s.leaseBase (up to twice this, see crossWrite) stay small integers to V8 (Smi: below 2^31 in
 * Node, 2^30 where V8 compresses pointers, as in Chromium): at 2^32 - 1 the first refusal or
 * crossing made them heap numbers, which changed the shape of every stream's state and
 * deoptimised all the code made for it (cork, 1 KiB chunks, synchronous sink: the row's first
 * ~500,000 writes at a third of its speed).
 */
const LENS_MAX = 2 ** 29 - 1;
/** Drain cycles' and batch cycles' running totals of units wrap at this, counting the wraps
 * apart; a steady run this long (or of this many writes) is told to the core (see joinRun), and
 * no drain or batch cycle starts once the cycles' writes reach it (cork(), idleWrite), so the
 * core hears of them: so each stays a small integer to V8 (see LENS_MAX). A steady run's total past 2^31 became a
 * heap number, which changed the shape of every stream's state and deoptimised all the code
 * made for it. */
const RUN_TOTAL_MAX = 2 ** 29;
/** s.uses counts uses of the core modulo 2^30 (a small integer to V8; only its changes matter). */
const USES_MASK = 2 ** 30 - 1;

function countUse(s) {
  s.uses = (s.uses + 1) & USES_MASK;
}

/**
 * The stream's core, after reporting a held-back completion if there is one: every use of the
 * core but `coreWrite` goes through here, so the core always knows what the sink has done.
 */
function coreOf(s) {
  const core = s.core;
  countUse(s);
  flushRuns(s);
  // A held-back return comes before the writes accepted on the budget it gave (the other held
  // completions never coexist with a budget).
  const pending = s.pending;
  if (pending !== 0) reportPending(s, core, pending);
  if (s.lease !== NO_LEASE) endLease(s);
  const later = s.reserveLater;
  if (later !== 0) {
    s.reserveLater = 0;
    core.reserve(later);
  }
  return core;
}

/**
 * Tell the core of what the face ran on its own (runs, cycles, corks): each goes before
 * anything else the core hears of, and at most one of the runs and cycles is under way.
 */
function flushRuns(s) {
  if (s.bufRun !== 0) flushBufferedRun(s);
  if (s.steady === true) flushRun(s);
  if (s.drun !== 0) flushDrainRun(s);
  if (s.brun !== 0) flushBatchRun(s);
  if (s.corkDelta !== 0 || s.corkPair === true) flushCorks(s);
}

/**
 * Hand the writes accepted within the buffered-write budget to the core (one call for the lot)
 * and give the budget up: every use of the core ends it.
 */
function endLease(s) {
  // The corks the face took behind the write in flight go first (see flushCorks): the caller
  // may report that write's completion next.
  if (s.corkDelta !== 0 || s.corkPair === true) flushCorks(s);
  const n = takeLease(s);
  // Writes on the budget are buffered and have no output: nothing for the poll loop.
  if (n !== 0) s.core.writeBufferedBatch(n);
}

/**
 * Give the budget up and return how many writes were accepted on it, for a call into the core
 * that takes them first (a `batch` argument); 0 when there is no budget.
 */
function takeLease(s) {
  if (s.lease === NO_LEASE) return 0;
  s.lease = NO_LEASE;
  s.leaseCross = false;
  s.leaseWriting = false;
  const n = s.leaseCount;
  s.leaseCount = 0;
  // The caller hands the writes to the core, which reads their lengths.
  fillLens(s, n, s.leaseLen);
  return n;
}

/**
 * Tell the core of the writes the face handed to the sink on its own in the steady state (see
 * runWrite), and give that state up: every use of the core ends it. A run write still inside
 * its sink call is reported as dispatched now (its answer in s.runR), and a completion
 * it already had becomes the held-back one.
 */
function flushRun(s) {
  s.steady = false;
  const core = s.core;
  const count = s.runCount;
  if (count !== 0) {
    core.foldRun(count, s.runTotal, s.runMax, s.runLast);
    s.runCount = 0;
    s.runTotal = 0;
    s.runMax = 0;
  }
  const len = s.runLen;
  if (len >= 0) {
    // PREVIOUS_DONE reports the folded write's completion; this write's own, if it had one in
    // its call so far, becomes the held-back one.
    s.runLen = -1;
    s.runR = core.write(len, PREVIOUS_DONE, 0);
    s.pending = s.runDone;
    s.runDone = 0;
  }
}

/**
 * Tell the core of the completions of a run so far (see polledRun and asyncRunWrite): the face
 * is in (or, for an asynchronous run, has returned from) the sink call of the write after them.
 */
function flushBufferedRun(s) {
  const count = s.bufRun;
  s.bufRun = 0;
  if (s.runAsync === true) s.core.asyncRun(count);
  else s.core.syncRun(count);
}

/**
 * Tell the core of the drain cycles the face ran on its own (see drainCycle), and give them up:
 * every use of the core ends them. A write in its sink call is reported as there, and while the
 * listeners of the last 'drain' run, the rest of its afterWrite waits in the core for the poll
 * after them.
 */
function flushDrainRun(s) {
  const end = s.drun - 1 + (s.drunTail === true ? C.DRAIN_TAIL : 0);
  s.drun = 0;
  s.drunTail = false;
  s.core.drainRun(s.drunWrites, s.drunTotal + s.drunWraps * RUN_TOTAL_MAX, s.drunMax, s.drunLast, end);
  s.drunWrites = 0;
  s.drunTotal = 0;
  s.drunWraps = 0;
  s.drunMax = 0;
  s.drunLast = 0;
}

/**
 * Tell the core of the batch cycles the face ran on its own (see batchDispatch), and give them
 * up: every use of the core ends them. The complete cycles go in one report; the batch under
 * way is then made as the core would have made it: its corks (its writes stay on the budget,
 * for the next call into the core), or the batch handed out by uncork() in the same mode, the
 * face in its sink call, and after it as far as the face has come.
 */
function flushBatchRun(s) {
  const phase = s.brun;
  const tail = s.brunTail;
  s.brun = 0;
  s.brunTail = false;
  const core = s.core;
  if (s.brCycles !== 0 || (s.brunHadTail === true && !tail)) {
    core.batchRun(s.brCycles, s.brQuiet, s.brLeads, s.brWrites, s.brTotal + s.brWraps * RUN_TOTAL_MAX, s.brRefused, s.brWritevs, s.brTicks, s.brMax, tail, s.brCycles !== 0 && s.brHandedOn === true);
    s.brCycles = 0;
    s.brQuiet = 0;
    s.brLeads = 0;
    s.brWrites = 0;
    s.brTotal = 0;
    s.brWraps = 0;
    s.brRefused = 0;
    s.brWritevs = 0;
    s.brTicks = 0;
    s.brMax = 0;
  }
  if (phase === BR_CORKED) {
    for (let d = s.brunDepth; d > 0; d--) core.cork();
  } else if (phase === BR_LEAD_CALL) {
    // The lead write in its call (its answer for the write's end, see leadWrite).
    s.runR = core.write(s.brunLead, 0, 0);
  } else if (phase === BR_LEAD_FLIGHT) {
    // Its return; the batch behind it stays on the budget, for the next call into the core.
    core.write(s.brunLead, 0, 0);
    core.writeReturned();
  } else if (phase >= BR_CALL) {
    // The batch's lengths: in leaseLens already when they differ (no lease has started since).
    fillLens(s, s.brunN, s.brunLen);
    if (s.brunLed === true) {
      // The lead's completion handed the batch out (the first write of it, one at a time).
      core.write(s.brunLead, 0, 0);
      core.writeReturned();
      core.writeDone(C.WD_POLL, s.brunN);
    } else {
      core.cork();
      core.uncork(s.brunN, s.brunMode);
    }
    // Handed out one at a time: the writes before the one in its call each completed inside
    // theirs, which handed the next out.
    if (s.brunAsync === true && s.brunHandOut === true) {
      // Each completion after its call handed the next write out; the last one's call may
      // still run.
      core.dispatchReturned();
      for (let k = 1; k <= s.brunAt; k++) {
        core.writeDone(C.WD_POLL, 0);
        if (k < s.brunAt || phase === BR_FLIGHT) core.dispatchReturned();
      }
    } else if (phase === BR_CALL && s.brunHandOut === true) {
      for (let k = s.brunAt; k > 0; k--) core.syncWriteDone(0);
    } else if (phase === BR_FLIGHT) {
      core.dispatchReturned();
    } else if (phase === BR_TICK) {
      // Its afterWrite tick is the one the face scheduled (s.brunTick).
      for (let k = s.brunHandOut === true ? s.brunN : 1; k > 0; k--) core.syncWriteDone(0);
    }
  }
}

/**
 * Tell the core of the cork() and uncork() calls the face took on its own behind a write in
 * flight (see cork()): a pair that came and went (an uncork() of a corked stream sets the
 * core's LONE_FLUSH, whatever the number of pairs), then the corks still held, or the core's
 * own cork undone. Before or after the budget's writes, the core ends up the same: corks do
 * not enter their accounting while a write is in flight.
 */
function flushCorks(s) {
  const core = s.core;
  if (s.corkPair === true) {
    s.corkPair = false;
    core.cork();
    core.uncork(0, 0);
  }
  let d = s.corkDelta;
  s.corkDelta = 0;
  for (; d > 0; d--) core.cork();
  for (; d < 0; d++) core.uncork(0, 0);
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
function takeHeld(s) {
  const pending = s.pending;
  if ((pending !== 0 && pending !== RETURNED && pending !== RETURNED_W) || s.reserveLater !== 0 || s.bufRun !== 0 || s.steady === true || s.drun !== 0 || s.brun !== 0 || s.corkDelta !== 0 || s.corkPair === true) {
    return -1;
  }
  s.pending = 0;
  countUse(s);
  heldBatch = takeLease(s);
  if (pending === RETURNED) return C.WD_RETURNED;
  return pending === RETURNED_W ? C.WD_RETURNED_W : 0;
}

/** The poll loop's next output, with what is held back reported in the same call. */
function pollCore(s) {
  const held = takeHeld(s);
  if (held < 0) return coreOf(s).poll();
  return held === 0 && heldBatch === 0 ? s.core.poll() : s.core.pollHeld(held, heldBatch);
}

function reportPending(s, core, pending) {
  s.pending = 0;
  if (pending === FOLDED) {
    core.flush();
  } else if (pending === RETURNED) {
    s.asyncLeft = 0;
    core.dispatchReturnedQuietly();
  } else if (pending === RETURNED_W) {
    core.writeReturned();
  } else if (pending === SYNC_OK) {
    completedInCall = true;
    core.writeDone(0, 0);
    completionHook(s, undefined);
  } else {
    const err = s.syncErr;
    s.syncErr = undefined;
    core.writeFailed(err, 0, 0);
    completionHook(s, err);
  }
}

/**
 * A stream's face state: what the face keeps beside the core (the chunks, the callbacks, what it
 * holds back for its next call into the core). One object of one shape for every stream, which
 * the hot paths reach once per call: kept on the stream itself, these fields took the stream's
 * own shape, which differs with the options, subclasses and user properties, and V8's property
 * loads turned megamorphic (about 3x slower writes once a process used several kinds of stream).
 *
 * Its flags are booleans, always, and the code tests them with `=== true` and `=== false`:
 * V8 tracks no type for a field holding true or false, so a plain `if (s.flag)` compiles to the
 * generic truthiness test (false, '', undetectable, 0, -0, NaN, 0n: about a dozen instructions
 * and 40 bytes of code for a true flag) where a comparison is two. That took 6-15 instructions
 * off a write of the benchmark rows counted (scripts/count-instructions.mjs).
 */
class FaceState {
  constructor(stream) {
    this.stream = stream;
    // The options (see the Writable constructor).
    this.sink = null;
    this.objectMode = false;
    this.decodeStrings = true;
    this.defaultEncoding = 'utf8';
    this.emitClose = true;
    this.autoDestroy = true;
    // Whether every chunk so far was bytes (a writev batch's `allBuffers`).
    this.allBuffers = true;
    this.core = null;
    // The chunks the core holds, the write callbacks by number, the one-off, end and destroy
    // callbacks.
    this.chunks = null;
    this.writeCbs = null;
    this.oneOff = null;
    this.endCbs = null;
    this.destroyCbs = null;
    this.polling = false;
    // While the poll loop runs user code (a listener, a callback) for an output: a call from
    // that code (or from a sink call, inDispatch) handles its own outputs at once, in a nest
    // (see drive).
    this.inHandler = false;
    // The face's nests in progress (see nestedLoop).
    this.nests = 0;
    this.lastCb = null;
    // The sink's completion callback (onWrite). A completion inside the sink call the face is
    // making is only recorded (pending), and reported with the call that says the sink call
    // returned (one call into the core instead of two), or before any other use of the core.
    this.inDispatch = false;
    this.pending = 0;
    this.syncErr = undefined;
    // Uses of the core (see coreOf): a write's completion may be folded only if nothing used
    // the core during its sink call.
    this.uses = 0;
    // While writes are buffered (corked, or behind a write in flight) the core names a budget of
    // units of callback-less writes that will each be buffered and return true; the face
    // accepts those without a call each (their lengths wait in leaseLen or leaseLens) and hands them over
    // with its next call into the core (endLease).
    this.lease = NO_LEASE;
    // In the steady state (the core's STEADY) the face hands callback-less writes that the sink
    // completes inside its call straight to the sink and tells the core of the run later
    // (flushRun): runCount writes of runTotal units, the largest runMax, the last runLast;
    // runLen is the length of a run write inside its sink call, runDone its completion there.
    this.steady = false;
    this.runCount = 0;
    this.runTotal = 0;
    this.runMax = 0;
    this.runLast = 0;
    this.runLen = -1;
    this.runDone = 0;
    this.runR = 0;
    // Buffered writes the sink completed in a run the core has not heard of yet, inside their
    // calls (polledRun) or after them (runAsync, asyncRunWrite); and while a return is held
    // back (RETURNED), how many more completions an asynchronous run may take.
    this.bufRun = 0;
    this.runAsync = false;
    // Drain cycles (the core's DRAIN_CYCLE): a callback-less write of at least the
    // highWaterMark (drunMin units) to an idle stream returns false, and its completion after
    // the sink call only empties the stream and emits 'drain'. The face runs such cycles
    // itself and tells the core later (flushDrainRun): the phase (drun), whether the last
    // 'drain' listeners are running (drunTail), and the writes after the first (drunWrites of
    // drunTotal + drunWraps * RUN_TOTAL_MAX units, the largest drunMax, the last drunLast).
    this.drun = 0;
    this.drunTail = false;
    this.drunWrites = 0;
    this.drunTotal = 0;
    this.drunWraps = 0;
    this.drunMax = 0;
    this.drunLast = 0;
    this.drunMin = 1;
    // Batch cycles (the core's O_DRAIN_IDLE and O_IDLE): from the stream idle, a cork batch
    // handed to the sink at the last uncork() in one call, and its completion: a batch whose
    // writes reach the highWaterMark ends in 'drain', the others (quiet) leave the stream idle.
    // The face runs such cycles itself and tells the core later (flushBatchRun): the phase
    // (brun), whether the last 'drain' listeners are running (brunTail), whether the core held
    // the rest of a 'drain''s afterWrite when they began (brunHadTail), the cork depth
    // (brunDepth); the batch under way (brunN writes of brunUnits units, brunRefused of which
    // returned false, handed out in uncork()'s brunMode); and the complete cycles (brCycles,
    // brQuiet of them quiet, of brWrites writes, brTotal + brWraps * RUN_TOTAL_MAX units,
    // brRefused refusals, brWritevs writev batches, brTicks completed inside their calls and
    // drained, the largest batch brMax units). brunBudget is the budget a cork() then gives.
    this.brun = 0;
    this.brunTail = false;
    this.brunDepth = 0;
    this.brunN = 0;
    this.brunUnits = 0;
    this.brunRefused = 0;
    this.brunMode = 0;
    // Without writev, a batch of several writes goes one at a time (brunHandOut): brunAt is
    // the one in its sink call (or in flight), the ones before it completed inside their
    // calls, or with brunAsync after them (each completion handed the next out). brHandedOn:
    // the last complete cycle was such a batch with brunAsync.
    this.brunHandOut = false;
    this.brunAt = 0;
    // A lead cycle (brunLed): the batch made behind a lead write of brunLead units (see
    // leadWrite). brLeads: the complete cycles that were.
    this.brunLed = false;
    this.brunLead = 0;
    this.brLeads = 0;
    this.brunAsync = false;
    this.brHandedOn = false;
    this.brunHadTail = false;
    this.brCycles = 0;
    this.brQuiet = 0;
    this.brWrites = 0;
    this.brTotal = 0;
    this.brWraps = 0;
    this.brRefused = 0;
    this.brWritevs = 0;
    this.brTicks = 0;
    this.brMax = 0;
    this.brunBudget = 0;
    this.brunTick = null;
    this.hasWritev = false;
    // Whether the budget came from a cork() behind a write in flight; the cork() calls the
    // face took on its own since, less the uncork() calls (corkDelta), and whether an uncork()
    // came (corkPair): see flushCorks.
    this.leaseWriting = false;
    this.corkDelta = 0;
    this.corkPair = false;
    this.asyncLeft = 0;
    this.leaseLens = NO_LENS;
    this.leaseCount = 0;
    // The length of every write on the lease so far, or MIXED: the lengths go to leaseLens only
    // when they differ (fillLens), as a store into a typed array at every write cost the
    // producer's loop about a fifth of its time (cork batches of 16 writes of 16 B to a
    // synchronous writev). Kept from one lease to the next (they tend to be alike).
    this.leaseLen = 0;
    // The batch a batch cycle handed to the sink: s.leaseLen as it was (see flushBatchRun).
    this.brunLen = 0;
    // What a write on the lease returns: true within a budget, false on refusals.
    this.leaseReturn = true;
    // Whether the first write past the budget may be taken too (see crossWrite): the budget
    // is the whole room below the highWaterMark, not capped.
    this.leaseCross = false;
    // The units of the writes taken on the lease so far are leaseBase - lease (crossWrite
    // moves the base with the lease), and the first write past the budget was number crossAt
    // (-1: none yet): a batch cycle's units and refusals without a pass over its lengths.
    this.leaseBase = 0;
    this.crossAt = -1;
    this.onWrite = null;
    // The WHATWG face's wait for a write's completion (see kWriteReservedQuiet).
    this.completionHook = null;
    this.onFinal = null;
    this.onDestroy = null;
    this.onConstruct = null;
    this.tick = null;
    // The _writableState view, made on first use.
    this.view = null;
    // Units the WHATWG face reserved that the core has not heard of yet.
    this.reserveLater = 0;
  }
}

export class Writable extends EventEmitter {
  constructor(options) {
    super();
    const s = new FaceState(this);
    this[kFace] = s;
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
      s.sink = o.sink;
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
    s.objectMode = objectMode;
    s.decodeStrings = o.decodeStrings !== false;
    s.defaultEncoding = defaultEncoding;
    s.emitClose = o.emitClose !== false;
    s.autoDestroy = o.autoDestroy !== false;

    let flags = 0;
    if (objectMode) flags |= C.F_OBJECT_MODE;
    if (s.emitClose === true) flags |= C.F_EMIT_CLOSE;
    if (s.autoDestroy === true) flags |= C.F_AUTO_DESTROY;
    if (typeof this._writev === 'function') flags |= C.F_HAS_WRITEV;
    if (typeof this._final === 'function') flags |= C.F_HAS_FINAL;
    if (typeof this._construct === 'function') flags |= C.F_HAS_CONSTRUCT;
    s.core = new WritableCore(hwm ?? undefined, flags);
    s.drunMin = Math.max(1, s.core.highWaterMark);
    s.brunBudget = Math.max(0, s.core.highWaterMark - 1);
    s.hasWritev = (flags & C.F_HAS_WRITEV) !== 0;

    s.chunks = new ChunkQueue();
    s.writeCbs = new CallbackTable();
    s.oneOff = new Ring();
    s.endCbs = [];
    s.destroyCbs = [];
    s.onWrite = (err) => {
      if (s.inDispatch === true && s.runLen >= 0 && s.runDone === 0) {
        // A run write's own sink call (see runWrite).
        if (err) {
          s.runDone = SYNC_ERR;
          s.syncErr = err;
        } else {
          s.runDone = SYNC_OK;
        }
        return;
      }
      if (s.inDispatch === true && s.pending === 0 && s.runLen < 0) {
        // Writes accepted on a budget came first: the core hears of them first.
        if (s.lease !== NO_LEASE) endLease(s);
        if (err) {
          s.pending = SYNC_ERR;
          s.syncErr = err;
        } else {
          s.pending = SYNC_OK;
        }
        return;
      }
      if (s.pending === RETURNED && s.asyncLeft > 0 && !err && s.polling === false && s.reserveLater === 0) {
        // A completion of an asynchronous run (see asyncRunWrite).
        asyncRunWrite(s);
        return;
      }
      if (s.brun === BR_FLIGHT && !err && s.polling === false && s.reserveLater === 0) {
        // The completion of a batch cycle: its 'drain' (see batchDrain), or, for a quiet one,
        // nothing to do (Node's afterWrite owes nothing then).
        if (s.brunHandOut === true && s.brunAt < s.brunN - 1) {
          batchHandOut(s);
        } else if (s.brunRefused !== 0) {
          batchDrain(s, false);
        } else {
          countBatch(s, false);
          completionHook(s, undefined);
        }
        return;
      }
      if (s.brun === BR_LEAD_FLIGHT && !err && s.polling === false && s.reserveLater === 0 && leadDone(s)) {
        // The completion of a lead cycle's lead write: the batch behind it goes out.
        completionHook(s, undefined);
        return;
      }
      if (s.drun === DRUN_FLIGHT && !err && s.polling === false && s.leaseCount === 0 && s.reserveLater === 0) {
        // The completion of a drain cycle (see drainCycle).
        drainCycle(s);
        return;
      }
      // What is usually held back (a sink call's return, the writes on the budget after it)
      // goes with the completion (takeHeld); anything else coreOf() reports first, such as a
      // completion recorded earlier in the same sink call (the core then answers this one with
      // ERR_MULTIPLE_CALLBACK, as Node does).
      let flags = s.polling === true ? 0 : C.WD_POLL;
      let core;
      let batch = 0;
      const held = takeHeld(s);
      if (held >= 0) {
        core = s.core;
        flags |= held;
        batch = heldBatch;
      } else {
        core = coreOf(s);
      }
      const op = err ? core.writeFailed(err, flags, batch) : core.writeDone(flags, batch);
      // From a listener or callback the poll loop is running, the completion's own outputs
      // ('drain', its callback) come inside the call, as in Node's onwrite: in a nest.
      if (s.polling === true && s.inHandler === true) nestedLoop(s, s.core.nest());
      else runLoop(s, op);
      completionHook(s, err);
    };
    s.onFinal = (err) => {
      runLoop(s, coreOf(s).finalDone(err, s.polling === false));
    };
    s.onDestroy = (err) => {
      if (s.destroyCbs.length > 0) {
        const cbs = s.destroyCbs;
        s.destroyCbs = [];
        for (const cb of cbs) cb(err);
      }
      runLoop(s, coreOf(s).destroyDone(err, s.polling === false));
    };
    s.onConstruct = (err) => {
      runLoop(s, coreOf(s).constructDone(err, s.polling === false));
    };
    s.tick = () => {
      runLoop(s, coreOf(s).tick(s.polling === false));
    };
    s.brunTick = () => {
      if (s.brun === BR_TICK && s.polling === false) batchDrain(s, true);
      else s.tick(); // the core heard of the batch: this is its afterWrite tick
    };

    if (o.signal !== undefined) addAbortSignal(o.signal, this);
    drive(s);
  }

  /** Node's internal state object, as a read-only view (used by Node's stream helpers). */
  get _writableState() {
    return (this[kFace].view ??= new WritableStateView(this));
  }

  write(chunk, encoding, cb) {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = null;
    }
    return writeChunk(this[kFace], chunk, encoding, cb, 0) === true;
  }

  end(chunk, encoding, cb) {
    const s = this[kFace];
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
      rejected = writeChunk(s, chunk, encoding, null, 0) === REJECTED;
    }
    const hasCb = typeof cb === 'function';
    const r = coreOf(s).end(hasCb, rejected);
    const slot = (r >> 3) & 3;
    if (slot === C.SLOT_ONE_OFF) s.oneOff.push(cb);
    else if (slot === C.SLOT_END) s.endCbs.push(cb);
    if ((r & C.HAS_OUTPUT) !== 0) drive(s);
    return this;
  }

  // cork() and uncork() stay small, so V8 inlines them into a producer's loop: the calls into
  // the core are functions of their own.
  cork() {
    const s = this[kFace];
    // A batch cycle does not start once the cycles' counters are large (see RUN_TOTAL_MAX):
    // the core hears of them then.
    if (s.brun === BR_CORKED || (s.brun === BR_IDLE && s.brWrites < RUN_TOTAL_MAX)) corkBatch(s);
    else if (s.lease !== NO_LEASE && s.leaseWriting === true) s.corkDelta++; // see coreCork
    else coreCork(s);
  }

  uncork() {
    const s = this[kFace];
    if (s.brun === BR_CORKED && uncorkBatch(s)) return;
    if (s.lease !== NO_LEASE && s.leaseWriting === true && s.corkDelta >= 0) heldUncork(s);
    else coreUncork(s);
  }

  setDefaultEncoding(encoding) {
    if (typeof encoding === 'string') encoding = encoding.toLowerCase();
    if (!isEncoding(encoding)) throw errors.unknownEncoding(encoding);
    this[kFace].defaultEncoding = encoding;
    return this;
  }

  destroy(err, cb) {
    const s = this[kFace];
    const core = coreOf(s);
    if ((core.state & C.S_DESTROYED) !== 0) {
      if (typeof cb === 'function') cb();
      return this;
    }
    if (typeof cb === 'function') s.destroyCbs.push(cb);
    core.destroy(err);
    drive(s);
    return this;
  }

  pipe() {
    const s = this[kFace];
    coreOf(s).error(errors.cannotPipe());
    drive(s);
  }

  _write(chunk, encoding, cb) {
    if (typeof this._writev === 'function') {
      const result = this._writev([{ chunk, encoding }], cb);
      // A writev that returns a promise instead of taking its callback completes a lone write
      // by it too (its batches: callWritev).
      if (result !== undefined) adoptPromise(this._writev, 2, result, cb, 'writev');
    } else {
      throw errors.notImplemented('_write()');
    }
  }

  _destroy(err, cb) {
    cb(err);
  }

  get writable() {
    return (coreOf(this[kFace]).state & C.S_WRITABLE) !== 0;
  }
  get writableLength() {
    return coreOf(this[kFace]).length;
  }
  get writableHighWaterMark() {
    return coreOf(this[kFace]).highWaterMark;
  }
  get writableEnded() {
    return (coreOf(this[kFace]).state & C.S_ENDED) !== 0;
  }
  get writableFinished() {
    return (coreOf(this[kFace]).state & C.S_FINISHED) !== 0;
  }
  get writableCorked() {
    return coreOf(this[kFace]).corked;
  }
  get writableObjectMode() {
    return this[kFace].objectMode;
  }
  get writableNeedDrain() {
    return (coreOf(this[kFace]).state & C.S_NEED_DRAIN) !== 0;
  }
  get writableAborted() {
    return (coreOf(this[kFace]).state & C.S_ABORTED) !== 0;
  }
  get destroyed() {
    return (coreOf(this[kFace]).state & C.S_DESTROYED) !== 0;
  }
  get closed() {
    return (coreOf(this[kFace]).state & C.S_CLOSED) !== 0;
  }
  get errored() {
    return coreOf(this[kFace]).errored;
  }
  get writableBuffer() {
    return this[kFace].chunks.toArray();
  }

  /** Observability counters kept by the core (totals, peak length, sink calls, drains). */
  stats() {
    return coreOf(this[kFace]).stats();
  }

  [kReserve](units) {
    const s = this[kFace];
    // Inside a sink call the core must hear of it now (a folded completion depends on nothing
    // having touched the core meanwhile); otherwise it waits for the chunk's write (see
    // s.reserveLater).
    if (s.inDispatch === true) {
      coreOf(s).reserve(units);
    } else {
      // Writes accepted on a cork budget came first, and the budget did not count these units.
      if (s.drun !== 0) flushDrainRun(s);
      if (s.lease !== NO_LEASE) endLease(s);
      s.reserveLater += units;
    }
  }

  [kUnreserve](units) {
    const s = this[kFace];
    if ((coreOf(s).unreserve(units) & C.HAS_OUTPUT) !== 0) drive(s);
  }

  [kWriteReserved](chunk, cb) {
    return writeChunk(this[kFace], chunk, null, cb, RESERVED);
  }

  /**
   * `sink`: the sink object this stream was made over with no other implementation (the
   * WHATWG face's `createWritableStream(sinkObject)`), or null. A `Uint8Array` chunk (or any
   * chunk in objectMode) then goes to `sink.write(chunk)` as it is: no `Buffer` made of it, no
   * Node-style callback in between.
   */
  [kWriteReservedQuiet](chunk, sink) {
    const s = this[kFace];
    if (sink !== null && (s.objectMode === true ? chunk !== null : chunk instanceof Uint8Array)) {
      return writeReservedToSinkObject(s, chunk, sink, s.objectMode ? 1 : chunk.length);
    }
    completedInCall = false;
    if (writeChunk(s, chunk, null, null, RESERVED) === REJECTED) return REJECTED;
    return completedInCall;
  }

  /** The WHATWG face's wait for a write's completion (see kWriteReservedQuiet). */
  set [kCompletionHook](hook) {
    this[kFace].completionHook = hook;
  }

  get [kCompletionHook]() {
    return this[kFace].completionHook;
  }

  /** The sink object given as `options.sink`, if any. */
  get sink() {
    return this[kFace].sink;
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
 * function, so V8 can inline the whole path into the caller. V8 inlines callees in the order of
 * their calls so far, in every program's write() alike, within a budget of bytecode: so
 * writeChunk is small, the write on the lease (the cheapest) its one way out besides writeLen
 * and writeNormalized. A producer of cork batches after one of plain writes (the steady run
 * write()'s feedback then favours) ran its cork+writev 16 B to a synchronous sink at 1.01-1.07x
 * Node with writeChunk whole, 1.08-1.24x so (benches/run.mjs --filter "16 B · sync").
 */
function writeChunk(s, chunk, encoding, cb, reserved) {
  if (typeof cb !== 'function') cb = null;
  let len = 1;
  if (s.objectMode === true) {
    if (chunk === null) throw errors.nullValues();
  } else if (!encoding && isSinkBytes(chunk)) {
    len = chunk.length;
    encoding = 'buffer';
  } else {
    return writeNormalized(s, chunk, encoding, cb, reserved);
  }
  if (cb === null && reserved === 0 && len <= s.lease) return leaseWrite(s, chunk, encoding, len);
  return writeLen(s, chunk, encoding, cb, reserved, len);
}

/** writeChunk for a chunk that needs normalising (a string, another view, an encoding). */
function writeNormalized(s, chunk, encoding, cb, reserved) {
  const len = normalizeChunk(s, chunk, encoding);
  if (cb === null && reserved === 0 && len <= s.lease) return leaseWrite(s, normalized.chunk, normalized.encoding, len);
  return writeLen(s, normalized.chunk, normalized.encoding, cb, reserved, len);
}

/** writeChunk's write of `len` units not taken on the lease. */
function writeLen(s, chunk, encoding, cb, reserved, len) {
  if (cb === null && reserved === 0) {
    if (s.steady === true && s.runLen < 0) return runWrite(s, chunk, encoding, len);
    // Idle in drain cycles or in batch cycles (DRUN_IDLE and BR_IDLE are both 1, and the
    // phases never run together): one test here, so V8 still inlines this function.
    if ((s.drun | s.brun) === 1) return idleWrite(s, chunk, encoding, len);
    if (s.leaseCross === true && len <= LENS_MAX) return crossWrite(s, chunk, encoding, len);
  }
  const r = coreWrite(s, len, cb, reserved);
  if ((r & 3) !== W_DISPATCH) return writeNotDispatched(s, chunk, encoding, cb, r);
  return dispatchWrite(s, chunk, encoding, cb, r, null);
}

/**
 * A callback-less write within the buffered-write budget the core named (buffered, true), or
 * while it refuses buffered writes (buffered, false: s.lease is LENS_MAX).
 */
function leaseWrite(s, chunk, encoding, len) {
  s.lease -= len;
  const n = s.leaseCount;
  if (len !== s.leaseLen) leaseLenDiffers(s, n, len);
  s.leaseCount = n + 1;
  s.chunks.push({ chunk, encoding });
  return s.leaseReturn;
}

/**
 * The first callback-less write past the budget (see `buffered_write_budget`): it reaches the
 * highWaterMark, so the core would buffer it and answer false, and refuse the writes after it.
 * The face takes it on its own, and those after it on the refusals.
 */
function crossWrite(s, chunk, encoding, len) {
  s.leaseBase = LENS_MAX + s.leaseBase - s.lease;
  s.crossAt = s.leaseCount;
  s.lease = LENS_MAX;
  s.leaseReturn = false;
  s.leaseCross = false;
  return leaseWrite(s, chunk, encoding, len);
}

/** Take the budget for buffered writes (`r`: a result carrying BUDGET_SHIFT or REFUSING). */
function holdLease(s, r) {
  if (r >= BUDGET_UNIT) {
    const budget = r >>> C.BUDGET_SHIFT;
    holdBudget(s, budget, budget < BUDGET_MAX);
  } else if ((r & C.REFUSING) !== 0) {
    holdRefusals(s);
  } else {
    s.leaseWriting = false;
  }
}

/**
 * Hold a budget of `budget` units of callback-less writes, each buffered and returning true
 * (capped to LENS_MAX); with `cross`, the first write past it may be taken too (crossWrite).
 */
function holdBudget(s, budget, cross) {
  const lease = Math.min(budget, LENS_MAX);
  s.lease = lease;
  s.leaseBase = lease;
  s.crossAt = -1;
  s.leaseReturn = true;
  s.leaseCross = cross;
  s.leaseWriting = false;
}

/** Hold the refusals: callback-less writes, each buffered and returning false. */
function holdRefusals(s) {
  s.lease = LENS_MAX;
  s.leaseBase = LENS_MAX;
  s.crossAt = 0;
  s.leaseReturn = false;
  s.leaseWriting = false;
}

/**
 * A write on the lease (number `n`) whose length differs from the one its writes so far share:
 * the first of a lease sets the length its writes share (after a MIXED lease too); a later one
 * writes the lengths so far and its own into leaseLens, where the rest of the lease's go too.
 */
function leaseLenDiffers(s, n, len) {
  if (n === 0) {
    s.leaseLen = len;
    return;
  }
  if (s.leaseLen !== MIXED) {
    fillLens(s, n, s.leaseLen);
    s.leaseLen = MIXED;
  }
  let lens = s.leaseLens;
  // The lengths go straight into wasm memory; a view whose memory grew reads as empty.
  if (n >= lens.length) lens = leaseLensView(s, n);
  lens[n] = len;
}

/**
 * The lengths of the first `n` writes on a lease into the core's room for them, all `len`; or,
 * for MIXED, none (they are there already).
 */
function fillLens(s, n, len) {
  if (len === MIXED || n === 0) return;
  let lens = s.leaseLens;
  if (n > lens.length) lens = leaseLensView(s, n);
  // TypedArray.prototype.fill is a call into C++, about 30 ns in Node 20; a store in a loop
  // about 1.5 ns.
  if (n < 24) for (let i = 0; i < n; i++) lens[i] = len;
  else lens.fill(len, 0, n);
}

/** A view of the core's room for lease lengths, with room for more than `n` (see `leaseLens`). */
function leaseLensView(s, n) {
  const capacity = Math.max(16, n * 2);
  // leaseLens() may grow wasm memory: take the buffer after it.
  const ptr = s.core.leaseLens(capacity);
  const view = new Uint32Array(wasmMemory().buffer, ptr, capacity);
  s.leaseLens = view;
  return view;
}

/** The core's `write()`; reports a folded completion of the previous write with it. */
function coreWrite(s, len, cb, reserved) {
  flushRuns(s);
  let flags = reserved;
  const pending = s.pending;
  if (pending !== 0) {
    if (pending === FOLDED) {
      s.pending = 0;
      flags |= PREVIOUS_DONE;
    } else if (pending === RETURNED_W) {
      s.pending = 0;
      flags |= C.RETURNED_FIRST;
    } else {
      reportPending(s, s.core, pending);
    }
  }
  // The writes accepted on the budget go with this write (the core takes them first).
  let batch = takeLease(s);
  const later = s.reserveLater;
  if (later !== 0) {
    s.reserveLater = 0;
    if (later === len && reserved !== 0) {
      // This chunk's own reservation: an unreserved write counts it (see s.reserveLater).
      flags &= ~RESERVED;
    } else {
      if ((flags & PREVIOUS_DONE) !== 0) {
        flags &= ~PREVIOUS_DONE;
        s.core.flush(); // the core heard of the completion before the reservation
      }
      if ((flags & C.RETURNED_FIRST) !== 0) {
        flags &= ~C.RETURNED_FIRST;
        s.core.writeReturned();
      }
      if (batch !== 0) {
        s.core.writeBufferedBatch(batch);
        batch = 0;
      }
      s.core.reserve(later);
    }
  }
  countUse(s);
  if (cb !== null) {
    flags |= cb === s.lastCb ? 2 : 1;
    s.lastCb = cb;
  }
  const r = s.core.write(len, flags, batch);
  // The WHATWG face waits for each chunk's completion itself: no drain cycles there.
  return reserved === 0 ? r : r & ~C.DRAIN_CYCLE;
}

/**
 * Hand a write the core dispatched to the sink (`stream._write`, or the WHATWG face's `sink`
 * object); returns write()'s result.
 */
function dispatchWrite(s, chunk, encoding, cb, r, sink) {
  if (cb !== null) s.writeCbs.add(cb);
  const outer = s.inDispatch;
  s.inDispatch = true;
  const uses = s.uses;
  let result;
  try {
    result = callSink(s, chunk, encoding, sink);
  } finally {
    s.inDispatch = outer;
  }
  if (result !== undefined) adoptPromise(s.stream._write, 3, result, s.onWrite, 'write');
  return sinkCallReturned(s, r, uses);
}

/** The sink call of a write: what `_write` returned (a sink object completes through callSinkObject). */
function callSink(s, chunk, encoding, sink) {
  // A method call, not `fn.call(s.stream, …)`: V8 inlines it (about 6 ns a write here).
  if (sink === null) return s.stream._write(chunk, encoding, s.onWrite);
  callSinkObject(s, chunk, sink);
  return undefined;
}

/**
 * The sink object's `write(chunk)` (the WHATWG face's, see kWriteReservedQuiet) of a write the
 * core dispatched, completing through s.onWrite as sink.js's `settle` would.
 */
function callSinkObject(s, chunk, sink) {
  let result;
  try {
    result = sink.write(chunk);
  } catch (err) {
    sinkObjectThrew(s, err);
    return;
  }
  sinkObjectReturned(s, result);
}

// callSinkObject's other outcomes, out of its way (its size decides whether V8 inlines it).
function sinkObjectThrew(s, err) {
  s.onWrite(err ?? new Error('sink threw a nullish value'));
}

function sinkObjectReturned(s, result) {
  if (result !== undefined) settleResult(result, s.onWrite);
  else s.onWrite();
}

/**
 * write()'s end once the sink call of a write the core dispatched (answer `r`) has returned;
 * `uses`: s.uses when the call began.
 */
function sinkCallReturned(s, r, uses) {
  if (s.pending !== SYNC_OK) {
    // Outputs waiting are no matter inside the poll loop, which takes them next.
    if ((r & C.QUIET_RET) !== 0 && s.pending === 0 && s.uses === uses && ((r & C.HAS_OUTPUT) === 0 || s.polling === true)) {
      return quietReturn(s, r);
    }
    return afterDispatch(s, coreOf(s).writeReturned());
  }
  s.pending = 0;
  completedInCall = true;
  if ((r & FOLDABLE) === 0 || s.uses !== uses) {
    let rr = s.core.writeDoneReturned();
    if ((rr & C.RETURN_LATER) !== 0) {
      // Node's onwrite hands the next buffered write to the sink inside the completion (and
      // calls final or emits 'prefinish' when that ends the writing), so write() reads the
      // length and state after those.
      drive(s);
      rr = coreOf(s).writeReturned();
    }
    return afterDispatch(s, rr);
  }
  // Completed inside the call, nothing touched the core meanwhile, and the core said that
  // completion is silent: write() returns true and the completion is reported with the next
  // call into the core.
  s.pending = FOLDED;
  s.steady = (r & STEADY) !== 0;
  return true;
}

/**
 * write()'s end for a dispatched write whose sink call returned without completing it, with
 * nothing else using the core meanwhile: on the core's word (QUIET_RET) the face answers with
 * what writeReturned() would, takes the budget or refusals after it, and holds the report back.
 */
function quietReturn(s, r) {
  s.pending = RETURNED_W;
  if ((r & C.QUIET_TRUE) !== 0) {
    // The budget sits where writeReturned() puts it (the low bits here are the dispatch's own).
    holdLease(s, r & ~(BUDGET_UNIT - 1));
    return true;
  }
  if ((r & C.QUIET_REFUSING) !== 0) {
    holdLease(s, C.REFUSING);
    if ((r & C.DRAIN_CYCLE) !== 0) {
      // The return goes with the drain cycles this write starts (see drainCycle).
      s.pending = 0;
      s.drun = DRUN_FLIGHT;
    }
  }
  return false;
}

/**
 * The completion, after its sink call, of the write in flight in drain cycles (the core's
 * DRAIN_CYCLE), with nothing else held back: on the core's word it empties the stream and emits
 * 'drain', and the rest of Node's afterWrite is silent. So the face emits 'drain' itself, as its
 * poll loop would (a call into the core from a listener nests ahead of that rest), and the core
 * hears of the cycles with its next use (flushDrainRun). A listener's callback-less write of at
 * least the highWaterMark starts the next cycle (drainRunWrite).
 */
function drainCycle(s) {
  // The refusals held while the write was in flight end with it (none were taken).
  s.lease = NO_LEASE;
  s.drun = DRUN_IDLE;
  s.drunTail = true;
  emitCycleDrain(s);
}

/**
 * The 'drain' of a cycle the face runs itself (drain or batch cycles), as its poll loop would
 * emit it; then, while the cycles still run, the rest of afterWrite is silent, as the core said.
 */
function emitCycleDrain(s) {
  s.polling = true;
  s.inHandler = true;
  let done = false;
  try {
    s.stream.emit('drain');
    done = true;
  } finally {
    s.inHandler = false;
    // A listener that threw leaves the rest of afterWrite to the core, as its poll loop would.
    if (!done && s.drun !== 0) flushDrainRun(s);
    if (!done && s.brun !== 0) flushBatchRun(s);
    if (!done || s.drun !== 0 || s.brun !== 0) s.polling = false;
  }
  if (s.drun !== 0 || s.brun !== 0) {
    // The rest of afterWrite: silent, as the core said.
    s.drunTail = false;
    s.brunTail = false;
  } else {
    // The core heard of the cycles from a listener: the rest of afterWrite waits there.
    let op;
    try {
      op = pollCore(s);
    } finally {
      s.polling = false;
    }
    runLoop(s, op);
  }
  completionHook(s, undefined);
}

/**
 * A drain cycle's write (see drainCycle): callback-less, at least the highWaterMark, to an idle
 * stream. The face calls the sink itself; a call that returns without completing the write, with
 * nothing else using the core, makes write() answer false (with refusals after it, as the core
 * would give). Otherwise the core hears of the cycles, this write in its call, and the write ends
 * as any dispatched one.
 */
function drainRunWrite(s, chunk, encoding, len) {
  s.drun = DRUN_CALL;
  s.drunWrites++;
  // The total in two parts, so each stays a small integer (see RUN_TOTAL_MAX).
  let total = s.drunTotal + len;
  if (total >= RUN_TOTAL_MAX) {
    total -= RUN_TOTAL_MAX;
    s.drunWraps++;
  }
  s.drunTotal = total;
  if (len > s.drunMax) s.drunMax = len;
  s.drunLast = len;
  const uses = s.uses;
  ownSinkCall(s, chunk, encoding);
  if (s.drun === DRUN_CALL && s.pending === 0) {
    s.drun = DRUN_FLIGHT;
    holdRefusals(s);
    return false;
  }
  if (s.drun !== 0) flushDrainRun(s);
  return sinkCallReturned(s, W_DISPATCH, uses);
}

/**
 * The sink call of a write the face hands to the sink on its own, the core not told yet (a
 * drain cycle's, or a lead cycle's lead write). A call that throws leaves the write in flight
 * in the core, as after any dispatch whose sink call threw: the core hears of the cycles and of
 * this write first.
 */
function ownSinkCall(s, chunk, encoding) {
  const outer = s.inDispatch;
  s.inDispatch = true;
  let result;
  try {
    result = callSink(s, chunk, encoding, null);
  } catch (err) {
    if (s.drun !== 0) flushDrainRun(s);
    if (s.brun !== 0) flushBatchRun(s);
    throw err;
  } finally {
    s.inDispatch = outer;
  }
  if (result !== undefined) adoptPromise(s.stream._write, 3, result, s.onWrite, 'write');
}

/**
 * The core's cork(), and the budget it gives. Behind a write in flight (the budget's half) the
 * writes stay buffered whatever cork() and uncork() do: until the budget ends, the face takes
 * further cork() calls on its own (s.corkDelta) and the core hears of them later (flushCorks).
 */
function coreCork(s) {
  const r = coreOf(s).cork();
  const budget = Math.floor(r);
  if (budget > 0) {
    holdBudget(s, budget, budget <= LENS_MAX);
    s.leaseWriting = r !== budget;
  } else if (budget < 0) {
    holdRefusals(s);
  }
}

/**
 * uncork() behind a write in flight (see coreCork): it undoes a cork the face took on its own,
 * or the core's that gave the budget, and nothing leaves the buffer.
 */
function heldUncork(s) {
  s.corkDelta--;
  s.corkPair = true;
}

/** The core's uncork(), and the outputs it has. */
function coreUncork(s) {
  // coreOf without its end of the budget: the budget's writes go with uncork() (first), and
  // the first output comes back with it.
  const batch = s.reserveLater === 0 ? takeLease(s) : 0;
  const core = coreOf(s);
  const polling = s.polling;
  if (polling === false) {
    runLoop(s, core.uncork(batch, 1));
  } else if (s.inHandler === true || s.inDispatch === true) {
    nestedLoop(s, core.uncork(batch, 2));
  } else {
    core.uncork(batch, 0);
  }
}

/**
 * cork() in batch cycles (the stream idle after a 'drain', or corked for a batch): a cork of
 * the core's would give the budget the face takes, so the face counts the depth itself.
 */
function corkBatch(s) {
  if (s.brun === BR_CORKED) {
    s.brunDepth++;
    return;
  }
  s.brun = BR_CORKED;
  s.brunLed = false;
  s.brunDepth = 1;
  holdBudget(s, s.brunBudget, s.brunBudget <= LENS_MAX);
}

/**
 * uncork() in a batch cycle: true when it is done. The last one hands the batch to the sink
 * (batchDispatch), from where the poll loop would (not from inside a sink call, nor from the
 * loop between outputs); false for anything else, which the core hears of.
 */
function uncorkBatch(s) {
  if (s.brunDepth > 1) {
    s.brunDepth--;
    return true;
  }
  if (s.leaseCount === 0 || s.inDispatch === true || s.pending !== 0 || s.reserveLater !== 0) return false;
  if (s.polling === false) return batchDispatch(s, 1);
  return s.inHandler === true && batchDispatch(s, 2);
}

/**
 * A batch cycle's sink call (the core's O_DRAIN_IDLE or O_IDLE said the stream was idle): the
 * last uncork() of a cork batch, or a lead write's completion (see leadDone), hands the batch
 * to the sink, `writev` for two writes or more, as the core's flush would, in the poll loop's
 * `mode` (uncork()'s: 1 a loop of its own, 2 a nest; 0 from a completion). A call that returns
 * without completing the batch waits for its completion (see onWrite); a cork batch that
 * reached the highWaterMark and completed inside the call waits for its afterWrite tick
 * (s.brunTick), and 'drain' then (batchDrain); a quiet one completed inside the call is done
 * (but in object mode, where it takes a tick). Otherwise the core hears of
 * the cycles and this batch in its call, and the poll loop goes on from there as after any
 * polled write.
 */
function batchDispatch(s, mode) {
  const n = s.leaseCount;
  // The batch's units and refusals, from the lease (a write is refused from the first one
  // past the budget on, which reaches the highWaterMark).
  const units = (s.brunLed === true ? s.brunLead : 0) + s.leaseBase - s.lease;
  const refused = s.crossAt < 0 ? 0 : n - s.crossAt;
  // Without writev, a batch of several goes one write at a time, none of them empty (the
  // core's batch_run takes no other).
  const handOut = n > 1 && s.hasWritev === false;
  if (handOut && hasEmptyLease(s, n)) return false;
  s.brunHandOut = handOut;
  s.brunAt = 0;
  s.brunAsync = false;
  s.brunN = n;
  s.brunUnits = units;
  s.brunRefused = refused;
  s.brunMode = mode;
  s.brun = BR_CALL;
  s.lease = NO_LEASE;
  s.leaseCount = 0;
  s.leaseCross = false;
  // The batch's lengths, should the core hear of it (flushBatchRun; no lease starts before).
  s.brunLen = s.leaseLen;
  const depth = s.nests;
  const inHandler = s.inHandler;
  if (mode === 2) s.nests = depth + 1;
  s.inHandler = false;
  s.polling = true;
  s.inDispatch = true;
  let done = false;
  try {
    if (handOut) {
      // One write at a time, each while the one before completed inside its call, as Node's
      // clearBuffer loop hands them out (the core's would say so too).
      for (let k = 0; ; k++) {
        s.brunAt = k;
        const entry = s.chunks.shift();
        callWrite(s, entry.chunk, entry.encoding);
        if (k === n - 1 || s.brun !== BR_CALL || s.pending !== SYNC_OK) break;
        s.pending = 0;
      }
    } else if (n === 1) {
      const entry = s.chunks.shift();
      callWrite(s, entry.chunk, entry.encoding);
    } else {
      callWritev(s, s.chunks.take(n));
    }
    s.inDispatch = false;
    if (s.brun === BR_CALL) {
      const pending = s.pending;
      if (pending === 0 && s.brunAt === 0) {
        // Its completion comes later (see onWrite); one of several hands the next out then.
        s.brun = BR_FLIGHT;
        s.brunAsync = true;
        done = true;
        return true;
      }
      // A lead cycle's batch completes after its call (the core's batch_run takes no other).
      const all = s.brunLed === false && (!handOut || s.brunAt === n - 1);
      if (pending === SYNC_OK && all && refused !== 0) {
        s.pending = 0;
        s.brun = BR_TICK;
        nextTick(s.brunTick);
        done = true;
        return true;
      }
      if (pending === SYNC_OK && all && s.objectMode === false) {
        s.pending = 0;
        countBatch(s, false);
        done = true;
        return true;
      }
      // Failed inside the call, a write of several that returned without completing, or a
      // quiet object-mode batch (which takes a tick): the core hears of the batch so far, the
      // face in the last write's call, then of how that call ended.
      flushBatchRun(s);
    }
    runLoop(s, polledWriteReturned(s), mode === 2);
    done = true;
  } finally {
    s.inDispatch = false;
    // A sink call that threw leaves the batch in its call, as the poll loop's would.
    if (!done && s.brun !== 0) flushBatchRun(s);
    s.nests = depth;
    s.inHandler = inHandler;
    s.polling = mode === 2;
    if (!done && mode === 2) s.core.unnestTo(depth);
  }
  return true;
}

/** Whether one of the first `n` writes on the lease is empty. */
function hasEmptyLease(s, n) {
  if (s.leaseLen !== MIXED) return s.leaseLen === 0;
  let lens = s.leaseLens;
  if (lens.length < n) lens = leaseLensView(s, n);
  for (let i = 0; i < n; i++) if (lens[i] === 0) return true;
  return false;
}

/**
 * The completion, after its call, of a write of a batch cycle that goes one write at a time
 * (see batchDispatch), with more to come: the next goes to the sink, as Node's onwrite hands it
 * out, inside the completion. A call that returns without completing it waits for its
 * completion in turn; otherwise the core hears of the batch so far, and the poll loop takes
 * it from there.
 */
function batchHandOut(s) {
  s.brunAt++;
  s.brun = BR_CALL;
  const entry = s.chunks.shift();
  s.polling = true;
  s.inDispatch = true;
  let done = false;
  try {
    callWrite(s, entry.chunk, entry.encoding);
    s.inDispatch = false;
    if (s.brun === BR_CALL) {
      if (s.pending === 0) {
        s.brun = BR_FLIGHT;
        done = true;
        return;
      }
      flushBatchRun(s);
    }
    runLoop(s, polledWriteReturned(s));
    done = true;
  } finally {
    s.inDispatch = false;
    if (!done && s.brun !== 0) flushBatchRun(s);
    s.polling = false;
  }
  completionHook(s, undefined);
}

/** The completion of a batch cycle's write that reached the highWaterMark (`tick`: inside its sink call): its 'drain'. */
function batchDrain(s, tick) {
  countBatch(s, tick);
  s.brunTail = true;
  emitCycleDrain(s);
}

/** A batch cycle done (`tick`: it drains on the afterWrite tick): count it, idle again. */
function countBatch(s, tick) {
  s.brCycles++;
  if (s.brunRefused === 0) s.brQuiet++;
  s.brWrites += s.brunN;
  if (s.brunLed === true) {
    s.brLeads++;
    s.brWrites++;
  }
  let total = s.brTotal + s.brunUnits;
  while (total >= RUN_TOTAL_MAX) {
    total -= RUN_TOTAL_MAX;
    s.brWraps++;
  }
  s.brTotal = total;
  s.brRefused += s.brunRefused;
  if (s.brunN > 1 && s.brunHandOut === false) s.brWritevs++;
  s.brHandedOn = s.brunLed === true || (s.brunHandOut === true && s.brunAsync === true);
  if (tick) s.brTicks++;
  if (s.brunUnits > s.brMax) s.brMax = s.brunUnits;
  s.brun = BR_IDLE;
}

/**
 * A callback-less write to a stream idle in drain cycles or batch cycles: it starts the next
 * cycle (drainRunWrite, leadWrite), or the core hears of the cycles and takes it.
 */
function idleWrite(s, chunk, encoding, len) {
  // No cycle starts once the cycles' counters are large (see RUN_TOTAL_MAX): the core hears of
  // them with this write.
  if (s.drun === DRUN_IDLE) {
    if (len >= s.drunMin && s.drunWrites < RUN_TOTAL_MAX) return drainRunWrite(s, chunk, encoding, len);
  } else if (len < s.drunMin && s.brWrites < RUN_TOTAL_MAX) {
    return leadWrite(s, chunk, encoding, len);
  }
  const r = coreWrite(s, len, null, 0);
  if ((r & 3) !== W_DISPATCH) return writeNotDispatched(s, chunk, encoding, null, r);
  return dispatchWrite(s, chunk, encoding, null, r, null);
}

/**
 * A lead cycle's lead write: callback-less, below the highWaterMark, to a stream idle in batch
 * cycles (the core's O_DRAIN_IDLE or O_IDLE). The face calls the sink itself; a call that
 * returns without completing the write, with nothing else using the core, makes write()
 * answer true, with the budget behind it the core would give (the batch: see leadDone).
 * Otherwise the core hears of the cycles and this write in its call, and the write ends as any
 * dispatched one.
 */
function leadWrite(s, chunk, encoding, len) {
  s.brun = BR_LEAD_CALL;
  s.brunLed = true;
  s.brunLead = len;
  const uses = s.uses;
  ownSinkCall(s, chunk, encoding);
  if (s.brun === BR_LEAD_CALL) {
    if (s.pending === 0) {
      s.brun = BR_LEAD_FLIGHT;
      // writeReturned()'s budget: the room below the highWaterMark, less one unit (len is 1
      // in object mode).
      holdBudget(s, s.brunBudget - len, true);
      return true;
    }
    // Completed (or failed) inside its call, with nothing else using the core: the core's
    // answer to the write, made now, is as good as at the call.
    flushBatchRun(s);
    return sinkCallReturned(s, s.runR, uses);
  }
  return sinkCallReturned(s, W_DISPATCH, uses);
}

/**
 * The completion, after its call, of a lead cycle's lead write (see leadWrite): as Node's
 * onwrite does, it hands the batch behind it to the sink (batchDispatch, from the completion),
 * and its afterWrite owes nothing (the batch is in flight). False when the face leaves it to
 * the core: no batch, or one the core's batch_run takes no lead cycle of.
 */
function leadDone(s) {
  if (s.leaseCount === 0) return false;
  return batchDispatch(s, 0);
}

/**
 * A callback-less write in the steady state (to `stream._write`; the WHATWG face's to its sink
 * object is sinkObjectRunWrite): the core said a write now would be dispatched and, completed
 * inside its sink call, change nothing but counters. So the face calls the sink on its own; if
 * the sink completes inside the call and nothing else touched the core, the write joins the run
 * the core hears of later (flushRun). Otherwise the core hears of the run and of this write
 * now, and it ends as any dispatched write.
 */
function runWrite(s, chunk, encoding, len) {
  s.runLen = len;
  const outer = s.inDispatch;
  s.inDispatch = true;
  const uses = s.uses;
  let result;
  try {
    result = callSink(s, chunk, encoding, null);
  } catch (err) {
    // The core must have this write in flight, as after any dispatch whose sink call threw.
    if (s.runLen >= 0) flushRun(s);
    s.inDispatch = outer;
    throw err;
  }
  s.inDispatch = outer;
  if (result === undefined && s.runLen >= 0 && s.runDone === SYNC_OK) return joinRun(s, len);
  return runWriteEnded(s, len, uses, result);
}

/** A run write completed inside its sink call, nothing else touched the core: it joins the run. */
function joinRun(s, len) {
  s.runLen = -1;
  s.runDone = 0;
  s.runCount++;
  s.runTotal += len;
  if (len > s.runMax) s.runMax = len;
  s.runLast = len;
  // A run of half a GiB, or of as many writes, is told to the core (see RUN_TOTAL_MAX).
  if (s.runTotal >= RUN_TOTAL_MAX || s.runCount >= RUN_TOTAL_MAX) flushRun(s);
  completedInCall = true;
  return true;
}

/**
 * runWrite's end for any sink call but one that completed the write inside it and returned
 * nothing: out of its way, so that V8 inlines runWrite into a producer's loop or the WHATWG
 * face's write.
 */
function runWriteEnded(s, len, uses, result) {
  if (result !== undefined) adoptPromise(s.stream._write, 3, result, s.onWrite, 'write');
  if (s.runLen < 0) return sinkCallReturned(s, s.runR, uses); // told during the call
  if (s.runDone === SYNC_OK) return joinRun(s, len);
  flushRun(s);
  return sinkCallReturned(s, s.runR, s.uses);
}

/**
 * kWriteReservedQuiet's write of a reserved chunk that goes as it is to the sink object the
 * stream was made over (the unreserved one: writeSinkObject). Both answer as kWriteReservedQuiet
 * does: true when the sink completed the chunk inside its call, false when it completes later
 * (kCompletionHook), REJECTED when refused.
 */
function writeReservedToSinkObject(s, chunk, sink, len) {
  if (s.steady === true && s.runLen < 0 && s.reserveLater === len) {
    // The chunk's own reservation goes with it: it may join a run like any callback-less write.
    s.reserveLater = 0;
    return sinkObjectRunWrite(s, chunk, sink, len);
  }
  return sinkObjectDispatch(s, chunk, sink, len, RESERVED);
}

/**
 * The face state of one of our writables (`s`), for the WHATWG face's writeSinkObject.
 */
export function faceState(writable) {
  return writable[kFace];
}

/**
 * The WHATWG face's write of an unreserved chunk that goes as it is (see kWriteReservedQuiet) to
 * the sink object a stream was made over (createWritableStream).
 */
export function writeSinkObject(s, chunk, sink, len) {
  if (s.steady === true && s.runLen < 0 && s.reserveLater === 0) return sinkObjectRunWrite(s, chunk, sink, len);
  return sinkObjectDispatch(s, chunk, sink, len, 0);
}

/**
 * The steady write (see runWrite) to a sink object, leaner than runWrite's: nobody but the web
 * stream sees this writable, so nothing uses the core during the sink call, and a sink object
 * completes by what its write returns (nothing: done), not through s.onWrite, unless it returns
 * something or throws.
 */
function sinkObjectRunWrite(s, chunk, sink, len) {
  s.runLen = len;
  const uses = s.uses;
  let result;
  try {
    result = sink.write(chunk);
  } catch (err) {
    return sinkObjectRunEnded(s, len, uses, err, true);
  }
  if (result === undefined && s.runLen >= 0) return joinRun(s, len);
  return sinkObjectRunEnded(s, len, uses, result, false);
}

/**
 * sinkObjectRunWrite's end for a sink call that threw or returned something: its outcome
 * reaches s.onWrite as it would have inside the call (callSinkObject), then the write ends as
 * runWrite's.
 */
function sinkObjectRunEnded(s, len, uses, outcome, threw) {
  const outer = s.inDispatch;
  s.inDispatch = true;
  try {
    if (threw) sinkObjectThrew(s, outcome);
    else sinkObjectReturned(s, outcome);
  } finally {
    s.inDispatch = outer;
  }
  completedInCall = false;
  if (runWriteEnded(s, len, uses, undefined) === REJECTED) return REJECTED;
  return completedInCall;
}

/** A write to a sink object through the core (out of the way of the steady one). */
function sinkObjectDispatch(s, chunk, sink, len, reserved) {
  completedInCall = false;
  if (dispatchToSinkObject(s, chunk, sink, len, reserved) === REJECTED) return REJECTED;
  return completedInCall;
}

/** sinkObjectDispatch's write: the core's answer, then the sink call or the buffering. */
function dispatchToSinkObject(s, chunk, sink, len, reserved) {
  // The WHATWG face waits for each chunk's completion itself: no drain cycles there.
  const r = coreWrite(s, len, null, reserved) & ~C.DRAIN_CYCLE;
  if ((r & 3) !== W_DISPATCH) return writeNotDispatched(s, chunk, 'buffer', null, r);
  return dispatchWrite(s, chunk, 'buffer', null, r, sink);
}

/** What `normalizeChunk` made of a chunk (a scratch pair, to return two values without an allocation). */
const normalized = { chunk: null, encoding: '' };

/** The byte-mode chunk rules of Node's `_write` for anything but a Buffer without encoding. */
function normalizeChunk(s, chunk, encoding) {
  if (chunk === null) throw errors.nullValues();
  if (!encoding) {
    encoding = s.defaultEncoding;
  } else if (encoding !== 'buffer' && !isEncoding(encoding)) {
    throw errors.unknownEncoding(encoding);
  }
  if (typeof chunk === 'string') {
    if (s.decodeStrings === true) {
      chunk = encodeString(chunk, encoding);
      encoding = 'buffer';
    } else {
      s.allBuffers = false;
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

function afterDispatch(s, rr) {
  // A budget first: drive() ends it at once, unless this runs inside the poll loop.
  if (rr >= C.REFUSING) holdLease(s, rr);
  if ((rr & C.HAS_OUTPUT) !== 0) drive(s);
  return (rr & 1) === 1;
}

/** `write()`'s end for a chunk the core buffered or refused. */
function writeNotDispatched(s, chunk, encoding, cb, r) {
  if ((r & 3) === C.W_REJECTED) {
    if (cb !== null) s.oneOff.push(cb);
    drive(s);
    return REJECTED;
  }
  s.chunks.push({ chunk, encoding });
  if (cb !== null) s.writeCbs.add(cb);
  if (r >= C.REFUSING) holdLease(s, r);
  if ((r & C.HAS_OUTPUT) !== 0) drive(s);
  return (r & 3) === C.W_BUFFERED_TRUE;
}

/**
 * An implementation function `fn` that does not take its callback (it declares fewer than
 * `arity` parameters) may return a promise instead: `result`, a value it returned, completes
 * through `cb` when it is a thenable (`what` names the function: completeWhenSettled). Whether
 * the result is a thenable is asked first: a sink that completes on `setImmediate(cb)` returns
 * its Immediate from every call, and a function's `length` is a slow load (a generic IC and a
 * native accessor call, about 100 instructions), where `then` on the Immediate is not.
 */
function adoptPromise(fn, arity, result, cb, what) {
  if (isThenable(result) && fn.length < arity) completeWhenSettled(result, cb, what);
}

/**
 * An implementation function that returned a promise instead of taking its callback (`what`:
 * write, writev, final or construct) completes through `cb` when the promise settles. Out of its
 * callers' way, where V8 inlines them.
 */
function completeWhenSettled(promise, cb, what) {
  promise.then(() => cb(), (err) => cb(err ?? new Error(`${what} rejected`)));
}

function callWrite(s, chunk, encoding) {
  const result = callSink(s, chunk, encoding, null);
  if (result !== undefined) adoptPromise(s.stream._write, 3, result, s.onWrite, 'write');
}

function callWritev(s, entries) {
  entries.allBuffers = s.allBuffers;
  const result = s.stream._writev(entries, s.onWrite);
  if (result !== undefined) adoptPromise(s.stream._writev, 2, result, s.onWrite, 'writev');
}

function callFinal(s) {
  const onFinal = s.onFinal;
  try {
    const fn = s.stream._final;
    const result = fn.call(s.stream, onFinal);
    if (result !== undefined) adoptPromise(fn, 1, result, onFinal, 'final');
  } catch (err) {
    onFinal(err);
  }
}

function callDestroy(s, err) {
  const onDestroy = s.onDestroy;
  try {
    s.stream._destroy(err ?? null, onDestroy);
  } catch (thrown) {
    onDestroy(thrown);
  }
}

function callConstruct(s) {
  const onConstruct = s.onConstruct;
  try {
    const fn = s.stream._construct;
    const result = fn.call(s.stream, onConstruct);
    if (result !== undefined) adoptPromise(fn, 1, result, onConstruct, 'construct');
  } catch (err) {
    onConstruct(err);
  }
}

/**
 * The poll loop: do what the core says until it has nothing left. Inside the loop, a call from
 * the user code it runs (a listener, a callback, a sink call) carries out its own outputs at
 * once, in a nest (the core's `nest()`, ahead of what waited behind the output being handled),
 * as Node does inside the call: uncork() in a 'drain' listener has flushed the buffer to the
 * sink when it returns, and destroy() from a sink call has run the stream's destroy.
 */
function drive(s) {
  if (s.polling === false) runLoop(s, coreOf(s).poll());
  else if (s.inHandler === true || s.inDispatch === true) nestedLoop(s, coreOf(s).nest());
}

/**
 * The poll loop from `op` (the first output of a nest) on. The core ends the nest when it has
 * nothing ahead of what waited (O_NONE, or an output with LAST, after which the loop polls no
 * more); an exception ends it here.
 */
function nestedLoop(s, op) {
  const depth = s.nests;
  const inHandler = s.inHandler; // false when the nest comes from a sink call
  s.nests = depth + 1;
  s.inHandler = false;
  s.polling = false;
  let done = false;
  try {
    runLoop(s, op, true);
    done = true;
  } finally {
    s.polling = true;
    s.inHandler = inHandler;
    s.nests = depth;
    if (!done) s.core.unnestTo(depth);
  }
}

/**
 * The poll loop from output `op` on (an input that polled for the face returned it). Calls that
 * end a sink call return the next output themselves, so most outputs cost one call into the core.
 */
function runLoop(s, op, nested) {
  if (op === C.O_NONE) return;
  s.polling = true;
  try {
    for (;;) {
      if (op >= RUN_UNIT) {
        if ((op & OP_MASK) === C.O_WRITEV) {
          let n = op >>> C.RUN_SHIFT;
          if (n === C.RUN_MAX) n = s.core.count;
          const entries = s.chunks.take(n);
          op = polledWrite(s, null, null, entries, (op & C.QUIET) !== 0, 0);
        } else if ((op & C.SYNC_RUN) !== 0) {
          op = polledRun(s, op >>> C.RUN_SHIFT, (op & C.QUIET) !== 0);
        } else {
          const entry = s.chunks.shift();
          op = polledWrite(s, entry.chunk, entry.encoding, null, true, op >>> C.RUN_SHIFT);
        }
        continue;
      }
      const uses = s.uses;
      // The user code run for an output (a listener, a callback) may nest (see drive); so may
      // a sink call (inDispatch).
      s.inHandler = true;
      switch (op & NOT_LAST) {
        case C.O_NONE:
          return;
        case C.O_WRITE: {
          s.inHandler = false;
          const entry = s.chunks.shift();
          op = polledWrite(s, entry.chunk, entry.encoding, null, false, 0);
          continue;
        }
        case C.O_WRITE_QUIET: {
          s.inHandler = false;
          const entry = s.chunks.shift();
          op = polledWrite(s, entry.chunk, entry.encoding, null, true, 0);
          continue;
        }
        case C.O_FINAL:
          s.inHandler = false;
          callFinal(s);
          op = coreOf(s).dispatchReturned();
          continue;
        case C.O_DESTROY:
          callDestroy(s, s.core.takeError());
          break;
        case C.O_CONSTRUCT:
          callConstruct(s);
          break;
        case C.O_TICK:
          nextTick(s.tick);
          break;
        case C.O_WRITE_CALLBACKS: {
          const core = s.core;
          const n = core.count;
          const first = core.first;
          const err = core.takeError() ?? null;
          const cbs = s.writeCbs;
          for (let i = 0; i < n; i++) {
            const cb = cbs.take(first + i);
            if (cb) cb(err);
          }
          break;
        }
        case C.O_END_CALLBACKS: {
          const err = s.core.takeError() ?? null;
          const cbs = s.endCbs;
          s.endCbs = [];
          for (let i = 0; i < cbs.length; i++) cbs[i](err);
          break;
        }
        case C.O_ONE_OFF: {
          const err = s.core.takeError() ?? null;
          const cb = s.oneOff.shift();
          if (cb) cb(err);
          break;
        }
        case C.O_DRAIN:
          s.stream.emit('drain');
          break;
        case C.O_DRAIN_IDLE:
          if (nested !== true && s.pending === 0 && s.lease === NO_LEASE && s.steady === false && s.bufRun === 0 && s.drun === 0 && s.reserveLater === 0) {
            // Batch cycles may start in the listeners (see batchDispatch).
            s.brun = BR_IDLE;
            s.brunTail = true;
            s.brunHadTail = true;
            s.stream.emit('drain');
            if (s.brun !== 0) {
              // The rest of afterWrite, all the core holds: silent, as the core said.
              s.brunTail = false;
              return;
            }
          } else {
            s.stream.emit('drain');
          }
          break;
        case C.O_PREFINISH:
          s.stream.emit('prefinish');
          break;
        case C.O_FINISH:
          s.stream.emit('finish');
          break;
        case C.O_ERROR:
          s.stream.emit('error', s.core.takeError());
          break;
        case C.O_CLOSE:
          s.stream.emit('close');
          break;
        case C.O_DISCARD:
          s.chunks.drop(s.core.count);
          break;
        default:
          return;
      }
      s.inHandler = false;
      // Nothing waited behind that output, and nothing has used the core since: a poll would
      // answer O_NONE. In a nest, the core has ended it: what that output's user code left
      // waiting is the outer loop's.
      if ((op & C.LAST) !== 0 && (s.uses === uses || nested === true)) return;
      op = pollCore(s);
    }
  } finally {
    s.polling = false;
    s.inHandler = false;
  }
}

/**
 * A write or writev the core handed out from its buffer: call the sink, then report that the
 * call returned (with a completion inside it, if there was one). Returns the next output.
 */
function polledWrite(s, chunk, encoding, entries, quiet, asyncRun) {
  const outer = s.inDispatch;
  s.inDispatch = true;
  const uses = s.uses;
  try {
    if (entries === null) callWrite(s, chunk, encoding);
    else callWritev(s, entries);
  } finally {
    s.inDispatch = outer;
  }
  if (quiet && s.pending === 0 && s.uses === uses) {
    // Returned without a completion and nothing used the core meanwhile: on the core's word
    // (QUIET) saying so now would produce nothing, so it waits for the next call into the core
    // (usually the completion: writeDone with WD_RETURNED).
    s.pending = RETURNED;
    s.asyncLeft = asyncRun;
    return C.O_NONE;
  }
  return polledWriteReturned(s);
}

/**
 * A successful completion, outside any sink call, of the write whose return is held back
 * (RETURNED), while the core's asynchronous run allows more (s.asyncLeft): on the core's word it
 * would only hand the next buffered write out, so the face does that itself and counts the
 * completion for the core (s.bufRun, reported with asyncRun before any other use of the core).
 * If that write's sink call returns without a completion again, its return is held back too;
 * otherwise it ends as any polled write's.
 */
function asyncRunWrite(s) {
  s.asyncLeft--;
  s.bufRun++;
  s.runAsync = true;
  s.pending = 0;
  const entry = s.chunks.shift();
  const uses = s.uses;
  s.inDispatch = true;
  try {
    callWrite(s, entry.chunk, entry.encoding);
  } finally {
    s.inDispatch = false;
  }
  if (s.pending === 0 && s.uses === uses) {
    s.pending = RETURNED;
  } else {
    runLoop(s, polledWriteReturned(s));
  }
  completionHook(s, undefined);
}

/**
 * An O_WRITE with a buffered run of `run` (the core's buffered_run): the write handed out and,
 * while each completes inside its sink call with nothing else using the core, up to `run` more
 * buffered writes go to the sink one after another without a call into the core each. Their
 * completions wait in s.bufRun (reported with the last write's syncWriteDone, or by
 * coreOf first, with syncRun); the last write's call ends as any polled write's. With `quiet`
 * (QUIET: `run` holds for an asynchronous run too) a first write whose call returns without
 * completing ends as polledWrite's would.
 */
function polledRun(s, run, quiet) {
  const chunks = s.chunks;
  s.runAsync = false;
  const outer = s.inDispatch;
  s.inDispatch = true;
  const asyncRun = run;
  let uses;
  try {
    for (;;) {
      const entry = chunks.shift();
      uses = s.uses;
      callWrite(s, entry.chunk, entry.encoding);
      if (run === 0 || s.pending !== SYNC_OK || s.uses !== uses) break;
      s.pending = 0;
      s.bufRun++;
      run--;
    }
  } finally {
    s.inDispatch = outer;
  }
  if (quiet && run === asyncRun && s.pending === 0 && s.uses === uses) {
    s.pending = RETURNED;
    s.asyncLeft = asyncRun;
    return C.O_NONE;
  }
  return polledWriteReturned(s);
}

/** The end of a polled write's sink call: report it (and a completion inside it). */
function polledWriteReturned(s) {
  const pending = s.pending;
  if (pending === SYNC_OK) {
    s.pending = 0;
    const run = s.bufRun;
    let op;
    if (run !== 0 && s.runAsync === false) {
      // The buffered run that led to this write goes with it. (Any other use of the core
      // since the run began would have reported the run: nothing else is held.)
      s.bufRun = 0;
      countUse(s);
      op = s.core.syncWriteDone(run);
    } else {
      op = coreOf(s).syncWriteDone(0);
    }
    completionHook(s, undefined);
    if (op === C.O_IDLE) {
      // The stream is idle and clean: batch cycles may start (see batchDispatch).
      if (s.brun === 0 && s.pending === 0 && s.lease === NO_LEASE && s.steady === false && s.bufRun === 0 && s.drun === 0 && s.reserveLater === 0) {
        s.brun = BR_IDLE;
        s.brunTail = false;
        s.brunHadTail = false;
      }
      return C.O_NONE;
    }
    return op;
  }
  const err = pending === SYNC_ERR ? s.syncErr : undefined;
  const op = coreOf(s).dispatchReturned();
  if (pending === SYNC_ERR) completionHook(s, err);
  return op;
}

/** The WHATWG face's wait for a write's completion (see kWriteReservedQuiet). */
function completionHook(s, err) {
  const hook = s.completionHook;
  if (hook !== null) {
    s.completionHook = null;
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
