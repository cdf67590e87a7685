// Numeric codes shared with the Rust bindings (src/bindings/core.rs). Keep the two in step.

// Construction flags.
export const F_OBJECT_MODE = 1;
export const F_EMIT_CLOSE = 2;
export const F_AUTO_DESTROY = 4;
export const F_HAS_WRITEV = 8;
export const F_HAS_FINAL = 16;
export const F_HAS_CONSTRUCT = 32;

// write() results: low two bits, plus HAS_OUTPUT.
export const W_BUFFERED_FALSE = 0;
export const W_BUFFERED_TRUE = 1;
export const W_DISPATCH = 2;
export const W_REJECTED = 3;
export const HAS_OUTPUT = 4;
// With W_DISPATCH: a successful completion inside the sink call would be silent (may be folded).
export const FOLDABLE = 8;
// With FOLDABLE: and it leaves the stream steady, so the next callback-less writes may go to the
// sink without the core, which hears of them later as one run (foldRun).
export const STEADY = 16;
// Bits from here up of a write() / writeReturned() result: the buffered-write budget, units of
// callback-less writes the face may accept without a call each until its next call.
export const BUDGET_SHIFT = 8;
// A flag of a write() / writeReturned() result that returned false: further callback-less
// writes may be accepted without a call, each returning false (cork() returns -1 for this).
export const REFUSING = 32;
// write()'s cb argument flags: the units were reserved; the previous (folded) write completed.
export const RESERVED = 4;
export const PREVIOUS_DONE = 8;
export const RETURNED_FIRST = 16;

// end() callback slots (bits 3-4 of its result).
export const SLOT_ONE_OFF = 2;
export const SLOT_END = 3;

// poll() opcodes.
export const O_NONE = 0;
export const O_WRITE = 1;
export const O_WRITEV = 2;
export const O_FINAL = 3;
export const O_DESTROY = 4;
export const O_CONSTRUCT = 5;
export const O_TICK = 6;
export const O_WRITE_CALLBACKS = 7;
export const O_END_CALLBACKS = 8;
export const O_ONE_OFF = 9;
export const O_DRAIN = 10;
export const O_PREFINISH = 11;
export const O_FINISH = 12;
export const O_ERROR = 13;
export const O_CLOSE = 14;
export const O_DISCARD = 15;
// An O_WRITEV carries its batch size from this bit on (read `count` when it is RUN_MAX), and an
// O_WRITE a run: completions in a row that only hand out the next
// buffered write. With SYNC_RUN each comes inside its write's sink call (reported with
// syncRun(count)); otherwise (with QUIET) after that call returned (reported with
// asyncRun(count)).
export const RUN_SHIFT = 6;
export const SYNC_RUN = 32;
export const RUN_MAX = 2 ** (32 - RUN_SHIFT) - 1;
// A flag of O_WRITE and O_WRITEV: holding back the report of the sink call's return is silent (see
// dispatchReturnedQuietly and WD_RETURNED).
export const QUIET = 16;
export const O_WRITE_QUIET = O_WRITE | QUIET;
// A flag of an opcode that is not a write, writev or final: nothing waits behind it in the
// core, so a poll() right after it, with nothing else using the core meanwhile, would answer
// O_NONE.
export const LAST = 32;
// A flag of writeDoneReturned()'s result: the completion left work that Node's onwrite does
// inside it (the next buffered write to the sink, final, 'prefinish'); run the poll loop, then
// ask writeReturned() for write()'s return.
export const RETURN_LATER = 2;
// Flags of writeDone() / writeFailed().
export const WD_POLL = 1;
export const WD_RETURNED = 2;
export const WD_RETURNED_W = 4;
// Flags of a W_DISPATCH result: the sink call's return may be held back (QUIET_RET); write()
// then returns true (QUIET_TRUE, the budget at BUDGET_SHIFT) or false (QUIET_REFUSING: with
// refusals).
export const QUIET_RET = 32;
export const QUIET_TRUE = 64;
export const QUIET_REFUSING = 128;
// With QUIET_REFUSING (whose result carries no budget): the write starts drain cycles, which
// the face may run itself (call the sink, answer false, emit 'drain' on the completion) and
// report with drainRun(writes, total, max, last, end).
export const DRAIN_CYCLE = 256;
// drainRun()'s end: where the last write is (0 completed, 1 in its sink call, 2 returned), plus
// DRAIN_TAIL while the listeners of the last 'drain' run.
export const DRAIN_TAIL = 4;
// A flag of O_DRAIN: the stream is idle and clean behind this 'drain', so the face may run
// batch cycles itself from its listeners (cork, writes past the highWaterMark, uncork, the
// sink call, its 'drain') and report them with batchRun(...); all that waits in the core is
// the silent rest of its afterWrite.
export const O_DRAIN_IDLE = O_DRAIN | QUIET;
// O_NONE from syncWriteDone(), with the stream idle and clean: the face may run batch cycles
// itself from there too.
export const O_IDLE = O_NONE | QUIET;

// state bits.
export const S_WRITABLE = 1;
export const S_ENDED = 2;
export const S_FINISHED = 4;
export const S_DESTROYED = 8;
export const S_CLOSED = 16;
export const S_NEED_DRAIN = 32;
export const S_ERRORED = 64;
export const S_ABORTED = 128;
export const S_WRITING = 256;
export const S_OBJECT_MODE = 512;
export const S_ERROR_EMITTED = 1024;
export const S_CLOSE_EMITTED = 2048;
