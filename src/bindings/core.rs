//! The core as a JavaScript class (`WritableCore`), driven by the faces in `pkg-template/lib/`.
//!
//! Chunks never cross this boundary: the core is instantiated with `C = ()` and sees only sizes,
//! while the face keeps the chunk values (and callbacks) in its own FIFOs, in the order the core
//! names. Every method takes and returns numbers where it can, so one write costs one or two
//! calls of a few nanoseconds. The numeric codes are mirrored in `pkg-template/lib/codes.js`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::errors::JsStreamError;
use crate::core::{
    BatchRun, Callback, CallbackSlot, DrainRunEnd, Event, Options, Output, WritableCore,
    WriteStatus,
};

// Construction flags.
const F_OBJECT_MODE: u32 = 1;
const F_EMIT_CLOSE: u32 = 2;
const F_AUTO_DESTROY: u32 = 4;
const F_HAS_WRITEV: u32 = 8;
const F_HAS_FINAL: u32 = 16;
const F_HAS_CONSTRUCT: u32 = 32;

// `write()` results (low two bits), plus `HAS_OUTPUT`.
const W_BUFFERED_FALSE: u32 = 0;
const W_BUFFERED_TRUE: u32 = 1;
const W_DISPATCH: u32 = 2;
const W_REJECTED: u32 = 3;
/// Set on a result when outputs are waiting: the face must run its poll loop.
const HAS_OUTPUT: u32 = 4;
/// A flag of `writeDoneReturned()`'s result: the completion left work that Node's `onwrite` does
/// inside it (`WritableCore::runs_before_return`: the next buffered write to the sink, `final`,
/// `'prefinish'`), so `write()`'s return is not evaluated yet: the face runs its poll loop, then
/// asks `writeReturned()`.
const RETURN_LATER: u32 = 2;
/// A flag of `write()`'s `cb` argument: the chunk's units were reserved.
const RESERVED: u32 = 4;
/// A flag of `write()`'s result (with `W_DISPATCH`): a successful completion inside the sink
/// call would be silent (`sync_completion_is_silent`), so the face may return `true` and report
/// it later with `PREVIOUS_DONE` (or `flush()`), saving one call per write.
const FOLDABLE: u32 = 8;
/// A flag of `write()`'s `cb` argument: the previous (foldable) write completed inside its sink
/// call; report that first.
const PREVIOUS_DONE: u32 = 8;
/// A flag of `write()`'s `cb` argument: first report the return of a dispatched write's sink
/// call held back on `QUIET_RET` (before the `batch`).
const RETURNED_FIRST: u32 = 16;
/// A flag of `write()`'s result (with `FOLDABLE`): the folded completion leaves the stream in
/// its steady state (`WritableCore::in_steady_fold`), so the face may hand the next
/// callback-less writes to the sink on its own and report them later with `foldRun`.
const STEADY: u32 = 16;
/// Where the buffered-write budget sits in a `write()` / `writeReturned()` result (see
/// `WritableCore::buffered_write_budget`): units the face may then accept on its own, capped
/// to what fits (a smaller budget is always safe).
const BUDGET_SHIFT: u32 = 8;
/// A flag of a `write()` / `writeReturned()` result that returned false: the core refuses
/// buffered writes (`WritableCore::refuses_buffered_writes`), so the face may accept
/// callback-less writes on its own, returning false, until its next call into the core
/// (`cork()` says the same with -1).
const REFUSING: u32 = 32;
const BUDGET_MAX: u64 = (1 << (32 - BUDGET_SHIFT)) - 1;

/// Where an `O_WRITEV` carries its batch size (`RUN_MAX` and above: read `count`), and an
/// `O_WRITE` a run: how many completions in a row would only hand the next
/// buffered write out. With `SYNC_RUN` (`WritableCore::buffered_run`) each completes inside
/// the sink call of its write, and the face reports them with `syncRun(count)` (or with the
/// last write's `syncWriteDone(count)`); without (with `QUIET`, `WritableCore::async_handouts`)
/// each comes after its write's sink call returned, and the face reports them with
/// `asyncRun(count)`. With both, the count holds for either kind: the first write's call
/// decides which. Either way the face calls the sink with those writes itself, and reports
/// before any other use of the core.
const RUN_SHIFT: u32 = 6;
const RUN_MAX: u64 = (1 << (32 - RUN_SHIFT)) - 1;
const SYNC_RUN: u32 = 32;
/// A flag of an `O_WRITE` or `O_WRITEV` (`WritableCore::quiet_return`): should the sink call return without
/// completing the write, with nothing else using the core meanwhile, saying so would produce no
/// output. The face may then hold that back and report it with the next call into the core
/// (`WD_RETURNED` on the completion, or `dispatchReturnedQuietly()`).
const QUIET: u32 = 16;
/// A flag of an opcode that is not a write, writev or final: nothing waits behind it in the
/// core, so a `poll()` right after it, with nothing else using the core meanwhile, would answer
/// `O_NONE` (the face skips that call).
const LAST: u32 = 32;
/// Flags of `writeDone()` / `writeFailed()`: poll for the next output (the face is not in its
/// poll loop already); and first report a sink call's return held back on `QUIET`.
const WD_POLL: u32 = 1;
const WD_RETURNED: u32 = 2;
/// A flag of `writeDone()` / `writeFailed()`: first report the return of a dispatched write's
/// sink call held back on `QUIET_RET` (`writeReturned()`, its answer already known).
const WD_RETURNED_W: u32 = 4;
/// Flags of a `W_DISPATCH` result (`WritableCore::quiet_write_return`): should the sink call
/// return without completing the write, with nothing else using the core meanwhile,
/// `writeReturned()` would have no output and answer true (`QUIET_TRUE`, with the budget at
/// `BUDGET_SHIFT`) or false (with refusals when `QUIET_REFUSING`). The face may then answer
/// `write()` at once and report the return with its next call into the core.
const QUIET_RET: u32 = 32;
const QUIET_TRUE: u32 = 64;
const QUIET_REFUSING: u32 = 128;
/// With `QUIET_REFUSING` (whose result carries no budget): the write starts drain cycles
/// (`WritableCore::drain_cycle`), which the face may run itself and report with `drainRun`.
const DRAIN_CYCLE: u32 = 256;
/// `drainRun`'s `end`: where the last write is (0 completed, 1 in its sink call, 2 returned),
/// plus `DRAIN_TAIL` while the listeners of the last `'drain'` run.
const DRAIN_TAIL: u32 = 4;
/// A flag of `O_DRAIN`: the stream is idle and clean behind this `'drain'`
/// (`WritableCore::batch_idle`), so the face may run batch cycles itself from its listeners and
/// report them with `batchRun`; all that waits in the core is the silent rest of its
/// `afterWrite`.
const DRAIN_IDLE: u32 = QUIET;

// `poll()` opcodes.
const O_NONE: u32 = 0;
const O_WRITE: u32 = 1;
const O_WRITEV: u32 = 2;
const O_FINAL: u32 = 3;
const O_DESTROY: u32 = 4;
const O_CONSTRUCT: u32 = 5;
const O_TICK: u32 = 6;
const O_WRITE_CALLBACKS: u32 = 7;
const O_END_CALLBACKS: u32 = 8;
const O_ONE_OFF: u32 = 9;
const O_DRAIN: u32 = 10;
const O_PREFINISH: u32 = 11;
const O_FINISH: u32 = 12;
const O_ERROR: u32 = 13;
const O_CLOSE: u32 = 14;
const O_DISCARD: u32 = 15;
/// `O_NONE` from `syncWriteDone`, with the stream idle and clean (see `batchRun`).
const O_IDLE: u32 = O_NONE | QUIET;

// `state` bits.
const S_WRITABLE: u32 = 1;
const S_ENDED: u32 = 2;
const S_FINISHED: u32 = 4;
const S_DESTROYED: u32 = 8;
const S_CLOSED: u32 = 16;
const S_NEED_DRAIN: u32 = 32;
const S_ERRORED: u32 = 64;
const S_ABORTED: u32 = 128;
const S_WRITING: u32 = 256;
const S_OBJECT_MODE: u32 = 512;
const S_ERROR_EMITTED: u32 = 1024;
const S_CLOSE_EMITTED: u32 = 2048;

fn opt_err(err: JsValue) -> Option<JsStreamError> {
    err.is_truthy().then_some(JsStreamError(err))
}

fn result(err: JsValue) -> Result<(), JsStreamError> {
    opt_err(err).map_or(Ok(()), Err)
}

/// Node's writable state machine for one stream; see the crate's `core` module.
#[wasm_bindgen(js_name = WritableCore)]
pub struct WasmCore {
    core: WritableCore<(), JsStreamError>,
    /// Count payload of the last polled output (batch size, callbacks to call).
    out_count: u32,
    /// Number of the first write callback to call (see `Output::WriteCallbacks`).
    out_first: u64,
    /// Error payload of the last polled output (`undefined` for success).
    out_error: JsValue,
    /// Lengths of the writes the face accepted on the cork budget, which it writes straight
    /// into wasm memory through a view (see `leaseLens`) until `writeBufferedBatch`. As
    /// integers, so the batch reads them without a conversion from a float each: the face
    /// takes no write of 2^32 units or more on its own.
    lease_lens: Vec<u32>,
    /// The output after an `O_TICK`, taken with it (see `poll`): the next `poll()` returns it.
    peeked: Option<Output<(), JsStreamError>>,
    /// Steps at the back of the core's queue that polls leave alone: those behind the output
    /// whose user code (a listener, a callback) called `nest()` (see `nest`).
    barrier: usize,
    /// The steps behind the last output (but a final) the face was handed.
    outer: usize,
    /// `barrier` and `outer` of each nest being carried out, to restore when it ends.
    nests: Vec<(usize, usize)>,
}

#[wasm_bindgen(js_class = WritableCore)]
impl WasmCore {
    /// `new WritableCore(highWaterMark, flags)`; a `highWaterMark` of `undefined` takes Node's
    /// default for the mode. Throws `ERR_INVALID_ARG_VALUE` for an invalid one.
    #[wasm_bindgen(constructor)]
    pub fn new(high_water_mark: JsValue, flags: u32) -> Result<WasmCore, JsValue> {
        let mut opts = Options::new(flags & F_OBJECT_MODE != 0);
        opts.emit_close = flags & F_EMIT_CLOSE != 0;
        opts.auto_destroy = flags & F_AUTO_DESTROY != 0;
        opts.has_writev = flags & F_HAS_WRITEV != 0;
        opts.has_final = flags & F_HAS_FINAL != 0;
        opts.has_construct = flags & F_HAS_CONSTRUCT != 0;
        if !high_water_mark.is_undefined() && !high_water_mark.is_null() {
            let value = high_water_mark.as_f64().unwrap_or(f64::NAN);
            opts = opts.with_high_water_mark(value).map_err(JsValue::from)?;
        }
        Ok(WasmCore {
            core: WritableCore::new(opts),
            out_count: 0,
            out_first: 0,
            out_error: JsValue::UNDEFINED,
            lease_lens: Vec::new(),
            peeked: None,
            barrier: 0,
            outer: 0,
            nests: Vec::new(),
        })
    }

    /// `code` | `HAS_OUTPUT` with the buffered-write budget. (Outputs waiting for the poll loop
    /// do not change it: the face ends the budget before it polls, as before any call.)
    fn with_budget(&self, code: u32) -> u32 {
        let budget = self.core.buffered_write_budget().min(BUDGET_MAX) as u32;
        code | self.output_flag() | budget << BUDGET_SHIFT
    }

    fn output_flag(&self) -> u32 {
        if self.has_output() {
            HAS_OUTPUT
        } else {
            0
        }
    }

    /// `write()` of a chunk of `len` units, after a held-back return (`RETURNED_FIRST`) and the
    /// first `batch` writes the face accepted on its own (as `writeBufferedBatch(batch)`); `cb`:
    /// 0 none, 1 new callback, 2 same as last, plus `RESERVED` (4) when the units were reserved
    /// by `reserve()`. Returns `W_*` |
    /// `HAS_OUTPUT`, and for `W_BUFFERED_TRUE` the buffered-write budget.
    pub fn write(&mut self, len: f64, cb: u32, batch: u32) -> u32 {
        if cb & RETURNED_FIRST != 0 {
            self.core.write_returned();
        }
        if batch > 0 {
            self.write_buffered_batch(batch);
        }
        let previous_done = cb & PREVIOUS_DONE != 0;
        let reserved = cb & RESERVED != 0;
        let cb = match cb & 3 {
            0 => Callback::None,
            2 => Callback::Same,
            _ => Callback::New,
        };
        // Lengths are JS numbers: non-negative integers below 2^53 by construction (and `as`
        // saturates: NaN and negatives become 0).
        let len = len as u64;
        let (status, silent) = if reserved {
            if previous_done {
                self.core.handle_sync_write_done();
            }
            let status = self.core.write_reserved((), len, cb);
            let silent = matches!(status, WriteStatus::Dispatch(()))
                && self.core.sync_completion_is_silent();
            (status, silent)
        } else {
            self.core.write_folding((), len, cb, previous_done)
        };
        let code = match status {
            WriteStatus::Dispatch(()) if silent && self.core.in_steady_fold() => {
                W_DISPATCH | FOLDABLE | STEADY | self.quiet_write_return()
            }
            WriteStatus::Dispatch(()) if silent => {
                W_DISPATCH | FOLDABLE | self.quiet_write_return()
            }
            WriteStatus::Dispatch(()) => W_DISPATCH | self.quiet_write_return(),
            WriteStatus::Buffered(true) => return self.with_budget(W_BUFFERED_TRUE),
            WriteStatus::Buffered(false) => return self.refusals(W_BUFFERED_FALSE),
            WriteStatus::Rejected => W_REJECTED,
        };
        code | self.output_flag()
    }

    /// The `QUIET_RET` bits of a dispatch (see `WritableCore::quiet_write_return`).
    fn quiet_write_return(&self) -> u32 {
        if self.barrier > 0 {
            // As for a polled write (see `write_opcode`).
            return 0;
        }
        match self.core.quiet_write_return() {
            Some((true, budget, _)) => {
                QUIET_RET | QUIET_TRUE | (budget.min(BUDGET_MAX) as u32) << BUDGET_SHIFT
            }
            Some((false, _, true)) if self.core.drain_cycle() => {
                QUIET_RET | QUIET_REFUSING | DRAIN_CYCLE
            }
            Some((false, _, true)) => QUIET_RET | QUIET_REFUSING,
            Some((false, _, false)) => QUIET_RET,
            None => 0,
        }
    }

    /// `code` | `HAS_OUTPUT`, with `REFUSING` when the core refuses buffered writes (see
    /// `WritableCore::refuses_buffered_writes`).
    fn refusals(&self, code: u32) -> u32 {
        let refusing = if self.core.refuses_buffered_writes() {
            REFUSING
        } else {
            0
        };
        code | self.output_flag() | refusing
    }

    /// The writes the face handed to the sink on its own in the steady state (see `STEADY`):
    /// `count` of them, `total` units, the largest `max`, the last `last`, each completed inside
    /// its call. The last stays folded, like the write before them.
    #[wasm_bindgen(js_name = foldRun)]
    pub fn fold_run(&mut self, count: f64, total: f64, max: f64, last: f64) {
        self.core
            .fold_run(count as u64, total as u64, max as u64, last as u64);
    }

    /// The drain cycles the face ran itself from a write whose answer carried `DRAIN_CYCLE`
    /// (see `WritableCore::drain_run`): `writes` more writes of `total` units, the largest
    /// `max`, the last `last`; `end` as for `DRAIN_TAIL`. With the tail, the face is in the
    /// listeners of the last `'drain'` as if this core had polled it, and polls after them.
    #[wasm_bindgen(js_name = drainRun)]
    pub fn drain_run(&mut self, writes: f64, total: f64, max: f64, last: f64, end: u32) -> bool {
        let tail = end & DRAIN_TAIL != 0;
        let end = match end & 3 {
            0 => DrainRunEnd::Idle,
            1 => DrainRunEnd::InCall,
            _ => DrainRunEnd::Returned,
        };
        let ok = self.core.drain_run(
            writes as u64,
            total as u64,
            max as u64,
            last as u64,
            end,
            tail,
        );
        if tail {
            // The steps behind that 'drain', as after a polled output.
            self.outer = self.core.queued();
        }
        ok
    }

    /// The batch cycles the face ran itself from a `'drain'` that carried `DRAIN_IDLE`, or from
    /// `O_IDLE` (see `WritableCore::batch_run`). With `tail`, the face is in the listeners of the last
    /// `'drain'` as if this core had polled it, and polls after them.
    #[wasm_bindgen(js_name = batchRun)]
    #[allow(clippy::too_many_arguments)]
    pub fn batch_run(
        &mut self,
        cycles: f64,
        quiet: f64,
        leads: f64,
        writes: f64,
        total: f64,
        refused: f64,
        writevs: f64,
        ticks: f64,
        max: f64,
        tail: bool,
        handed_on: bool,
    ) -> bool {
        let ok = self.core.batch_run(&BatchRun {
            cycles: cycles as u64,
            quiet: quiet as u64,
            leads: leads as u64,
            writes: writes as u64,
            total: total as u64,
            refused: refused as u64,
            writevs: writevs as u64,
            ticks: ticks as u64,
            max: max as u64,
            tail,
            handed_on,
        });
        self.outer = self.core.queued();
        ok
    }

    /// Report a folded write's synchronous completion (see `FOLDABLE`); the face calls this
    /// before any other use of the core while one is outstanding.
    pub fn flush(&mut self) {
        self.core.handle_sync_write_done();
    }

    /// After the sink call of a dispatched write returned: 1 for `true` | `HAS_OUTPUT`, and for
    /// `true` the buffered-write budget (`BUDGET_SHIFT`).
    #[wasm_bindgen(js_name = writeReturned)]
    pub fn write_returned(&mut self) -> u32 {
        if self.core.write_returned() {
            self.with_budget(1)
        } else {
            self.refusals(0)
        }
    }

    /// After the sink call of a polled write/writev/final returned; returns the next output's
    /// opcode (the face is in its poll loop, so this saves it a `poll()` call).
    #[wasm_bindgen(js_name = dispatchReturned)]
    pub fn dispatch_returned(&mut self) -> u32 {
        self.core.dispatch_returned();
        self.poll()
    }

    /// A polled write/writev completed successfully inside its sink call, which has returned:
    /// `syncRun(run)` (when `run` is not 0: the buffered run that led to this write), then
    /// `writeDone` then `dispatchReturned`, in one call. Returns the next output's opcode;
    /// `O_IDLE` for none when the stream is idle and clean (`WritableCore::batch_idle`), so the
    /// face may run batch cycles itself from there and report them with `batchRun`.
    #[wasm_bindgen(js_name = syncWriteDone)]
    pub fn sync_write_done(&mut self, run: f64) -> u32 {
        if run >= 1.0 {
            self.core.sync_run(run as u64);
        }
        self.core.handle_write_done(Ok(()));
        self.core.dispatch_returned();
        match self.poll() {
            O_NONE if self.barrier == 0 && self.core.batch_idle() => O_IDLE,
            op => op,
        }
    }

    /// The completions of a buffered run (see `RUN_SHIFT`): `count` writes completed inside
    /// their sink calls, one after another, and the face is in the call of the next.
    #[wasm_bindgen(js_name = syncRun)]
    pub fn sync_run(&mut self, count: f64) {
        self.core.sync_run(count as u64);
    }

    /// The completions of an asynchronous run (see `RUN_SHIFT`): `count` writes completed after
    /// their sink calls returned, each handing out the next, and the face is in the call of
    /// the last one handed out.
    #[wasm_bindgen(js_name = asyncRun)]
    pub fn async_run(&mut self, count: f64) {
        self.core.async_run(count as u64);
    }

    /// Count units accepted by the WHATWG face's queue (called from its strategy's `size()`).
    pub fn reserve(&mut self, len: f64) {
        self.core.reserve(if len.is_finite() && len > 0.0 {
            len as u64
        } else {
            0
        });
    }

    /// Give back reserved units whose chunks will not arrive. Returns `HAS_OUTPUT`.
    pub fn unreserve(&mut self, len: f64) -> u32 {
        self.core.unreserve(if len.is_finite() && len > 0.0 {
            len as u64
        } else {
            0
        });
        self.output_flag()
    }

    /// `cork()`. Returns the units of callback-less writes the face may then accept without a
    /// call each, until its next call into the core (see `WritableCore::buffered_write_budget`),
    /// or -1 when it may accept any, each returning false (see `REFUSING`). Plus one half when
    /// a write is in flight: until its completion, which the core hears of first, the writes
    /// stay buffered whatever `cork()` and `uncork()` do, which then only count.
    pub fn cork(&mut self) -> f64 {
        self.core.cork();
        match self.core.buffered_write_budget() {
            0 if self.core.refuses_buffered_writes() => -1.0,
            budget if self.core.writing() => budget as f64 + 0.5,
            budget => budget as f64,
        }
    }

    /// Where the face writes the lengths of the writes it accepts on the cork budget: the
    /// address in wasm memory of room for `capacity` of them (the first ones kept). The face
    /// views it as a `Uint32Array`, made anew when memory grows.
    #[wasm_bindgen(js_name = leaseLens)]
    pub fn lease_lens(&mut self, capacity: u32) -> *const u32 {
        self.lease_lens.resize(capacity as usize, 0);
        self.lease_lens.as_ptr()
    }

    /// The first `count` writes the face accepted on its own, on a budget or on refusals (their
    /// lengths are in `leaseLens`), in order. Returns `HAS_OUTPUT`.
    #[wasm_bindgen(js_name = writeBufferedBatch)]
    pub fn write_buffered_batch(&mut self, count: u32) -> u32 {
        let lens = self
            .lease_lens
            .get(..count as usize)
            .unwrap_or(&self.lease_lens);
        self.core
            .write_buffered_batch(lens.iter().map(|&len| ((), u64::from(len))));
        self.output_flag()
    }

    /// `uncork()`, after the first `batch` writes the face accepted on its own (as
    /// `writeBufferedBatch(batch)`). `mode` 1 (the face is not in its poll loop): returns the
    /// first output's opcode; 2: `nest()`'s; 0: `HAS_OUTPUT` when outputs wait.
    pub fn uncork(&mut self, batch: u32, mode: u32) -> u32 {
        if batch > 0 {
            self.write_buffered_batch(batch);
        }
        self.core.uncork();
        match mode {
            1 => self.poll(),
            2 => self.nest(),
            _ => self.output_flag(),
        }
    }

    /// From user code the face runs for an output (a listener, a callback, a sink call): carry
    /// out what that code's calls into the core added, ahead of the steps that waited behind
    /// that output (`WritableCore::poll_ahead_of`), as Node does inside those calls. Polls
    /// leave those steps alone until the nest ends: when a poll finds nothing ahead of them (it
    /// answers `O_NONE`, or an output with `LAST`: the face then handles that output and polls
    /// no more in the nest), or at `unnestTo()`. Returns the first output's opcode.
    pub fn nest(&mut self) -> u32 {
        self.nests.push((self.barrier, self.outer));
        self.barrier = self.outer;
        self.poll()
    }

    /// End the nests above the first `depth` (a face whose nest ended early, by an exception).
    #[wasm_bindgen(js_name = unnestTo)]
    pub fn unnest_to(&mut self, depth: u32) {
        while self.nests.len() > depth as usize {
            self.end_nest();
        }
    }

    /// The end of the innermost nest, if there is one.
    fn end_nest(&mut self) {
        if let Some((barrier, outer)) = self.nests.pop() {
            self.barrier = barrier;
            self.outer = outer;
        }
    }

    /// `end()`: returns the callback slot (0 none, 2 one-off, 3 end list) | `HAS_OUTPUT`.
    pub fn end(&mut self, has_cb: bool, write_rejected: bool) -> u32 {
        let slot = match self.core.end(has_cb, write_rejected) {
            CallbackSlot::None | CallbackSlot::Write => 0,
            CallbackSlot::OneOff => 2,
            CallbackSlot::End => 3,
        };
        (slot << 3) | self.output_flag()
    }

    /// `destroy(err)`.
    pub fn destroy(&mut self, err: JsValue) {
        self.core.destroy(opt_err(err));
    }

    /// Report a stream error (Node's `errorOrDestroy`).
    pub fn error(&mut self, err: JsValue) {
        self.core.error(JsStreamError(err));
    }

    /// The sink completed the in-flight write/writev successfully. (Success and failure are
    /// separate calls so the common case passes no JS value at all.)
    /// `flags`: `WD_RETURNED` / `WD_RETURNED_W` first report a sink call's return held back on
    /// `QUIET` / `QUIET_RET`, then `batch` writes accepted on the budget after it (as
    /// `writeBufferedBatch(batch)`); with `WD_POLL` (the face is not in its poll loop) returns
    /// the first output's opcode, else `O_NONE`, as does every input below that takes `poll`.
    #[wasm_bindgen(js_name = writeDone)]
    pub fn write_done(&mut self, flags: u32, batch: u32) -> u32 {
        self.held_first(flags, batch);
        self.core.handle_write_done(Ok(()));
        self.poll_if(flags & WD_POLL != 0)
    }

    /// The sink failed the in-flight write/writev with `err` (the face has checked it is
    /// truthy); `flags` as for `writeDone`.
    #[wasm_bindgen(js_name = writeFailed)]
    pub fn write_failed(&mut self, err: JsValue, flags: u32, batch: u32) -> u32 {
        self.held_first(flags, batch);
        self.core.handle_write_done(Err(JsStreamError(err)));
        self.poll_if(flags & WD_POLL != 0)
    }

    /// What the face held back, in order: a sink call's return (`flags`), then the first
    /// `batch` writes it accepted on its own after it (`writeBufferedBatch`).
    fn held_first(&mut self, flags: u32, batch: u32) {
        if flags & WD_RETURNED != 0 {
            self.core.dispatch_returned_quietly();
        } else if flags & WD_RETURNED_W != 0 {
            self.core.write_returned();
        }
        if batch > 0 {
            self.write_buffered_batch(batch);
        }
    }

    /// Report the return of a sink call held back on `QUIET` (nothing to poll for).
    #[wasm_bindgen(js_name = dispatchReturnedQuietly)]
    pub fn dispatch_returned_quietly(&mut self) {
        self.core.dispatch_returned_quietly();
    }

    /// A dispatched write completed inside its sink call (`err` undefined for success), and the
    /// call has returned: Node's `onwrite` (sync) then `write()`'s return value, in one call.
    /// Returns 1 for `true` | `HAS_OUTPUT`.
    #[wasm_bindgen(js_name = writeDoneReturned)]
    pub fn write_done_returned(&mut self) -> u32 {
        self.core.handle_write_done(Ok(()));
        if self.core.runs_before_return(self.barrier) {
            return RETURN_LATER | HAS_OUTPUT;
        }
        self.write_returned()
    }

    /// The sink's `final` completed.
    #[wasm_bindgen(js_name = finalDone)]
    pub fn final_done(&mut self, err: JsValue, poll: bool) -> u32 {
        self.core.handle_final_done(result(err));
        self.poll_if(poll)
    }

    /// The sink's `destroy` completed.
    #[wasm_bindgen(js_name = destroyDone)]
    pub fn destroy_done(&mut self, err: JsValue, poll: bool) -> u32 {
        self.core.handle_destroy_done(opt_err(err));
        self.poll_if(poll)
    }

    /// The sink's `construct` completed.
    #[wasm_bindgen(js_name = constructDone)]
    pub fn construct_done(&mut self, err: JsValue, poll: bool) -> u32 {
        self.core.handle_construct_done(opt_err(err));
        self.poll_if(poll)
    }

    /// One requested tick has come.
    pub fn tick(&mut self, poll: bool) -> u32 {
        self.core.handle_tick();
        self.poll_if(poll)
    }

    fn poll_if(&mut self, poll: bool) -> u32 {
        if poll {
            self.poll()
        } else {
            O_NONE
        }
    }

    /// `poll()` after what the face held back, in order (`flags` and `batch` as for
    /// `writeDone`).
    #[wasm_bindgen(js_name = pollHeld)]
    pub fn poll_held(&mut self, flags: u32, batch: u32) -> u32 {
        self.held_first(flags, batch);
        self.poll()
    }

    /// The opcode of an `Output::Write` just polled: with `QUIET` and the runs it allows (see
    /// `RUN_SHIFT`).
    fn write_opcode(&self) -> u32 {
        let sync = self.core.buffered_run().min(RUN_MAX) as u32;
        // A quiet return's proof reads the whole queue, which in a nest is not all this
        // write's own (a buffered run's does not read it).
        if self.barrier > 0 || !self.core.quiet_return() {
            return if sync > 0 {
                O_WRITE | SYNC_RUN | sync << RUN_SHIFT
            } else {
                O_WRITE
            };
        }
        let run = self.core.async_handouts().min(RUN_MAX) as u32;
        if sync > 0 && run > 0 {
            O_WRITE | QUIET | SYNC_RUN | sync.min(run) << RUN_SHIFT
        } else {
            O_WRITE | QUIET | run << RUN_SHIFT
        }
    }

    /// The next output's opcode (`O_*`); payloads via `count` and `takeError()`.
    pub fn poll(&mut self) -> u32 {
        let barrier = self.barrier;
        let Some(out) = self
            .peeked
            .take()
            .or_else(|| self.core.poll_ahead_of(barrier))
        else {
            self.end_nest();
            return O_NONE;
        };
        let op = match out {
            Output::Write(()) => {
                self.outer = self.core.queued();
                return self.write_opcode();
            }
            Output::Writev(batch) => {
                // The batch size goes in the opcode too (`RUN_SHIFT`), saving a `count` call.
                self.out_count = u32::try_from(batch.len()).unwrap_or(u32::MAX);
                let quiet = if self.barrier == 0 && self.core.quiet_return() {
                    QUIET
                } else {
                    0
                };
                let size = (batch.len() as u64).min(RUN_MAX) as u32;
                self.outer = self.core.queued();
                return O_WRITEV | quiet | size << RUN_SHIFT;
            }
            Output::Final => return O_FINAL,
            Output::Destroy(err) => {
                self.set_error(err);
                O_DESTROY
            }
            Output::Construct => O_CONSTRUCT,
            Output::ScheduleTick => {
                // The face only schedules the tick and polls again, so the next output can be
                // taken now: when there is none, `LAST` saves that poll.
                self.peeked = self.core.poll_ahead_of(self.barrier);
                O_TICK
            }
            Output::WriteCallbacks {
                first,
                count,
                result,
            } => {
                self.out_count = count;
                self.out_first = first;
                self.set_error(result.err());
                O_WRITE_CALLBACKS
            }
            Output::EndCallbacks(result) => {
                self.set_error(result.err());
                O_END_CALLBACKS
            }
            Output::OneOffCallback(result) => {
                self.set_error(result.err());
                O_ONE_OFF
            }
            Output::Event(Event::Drain) if self.barrier == 0 && self.core.batch_idle() => {
                O_DRAIN | DRAIN_IDLE
            }
            Output::Event(Event::Drain) => O_DRAIN,
            Output::Event(Event::Prefinish) => O_PREFINISH,
            Output::Event(Event::Finish) => O_FINISH,
            Output::Event(Event::Error(err)) => {
                self.out_error = err.0;
                O_ERROR
            }
            Output::Event(Event::Close) => O_CLOSE,
            Output::Discard { count } => {
                self.out_count = count;
                O_DISCARD
            }
        };
        let last = !self.has_output();
        if last {
            self.end_nest();
        }
        self.outer = self.core.queued();
        if last {
            op | LAST
        } else {
            op
        }
    }

    /// Whether an output waits: in the core (ahead of the steps a nest leaves alone), or taken
    /// with an `O_TICK`.
    fn has_output(&self) -> bool {
        self.peeked.is_some() || self.core.queued() > self.barrier
    }

    fn set_error(&mut self, err: Option<JsStreamError>) {
        self.out_error = err.map_or(JsValue::UNDEFINED, |e| e.0);
    }

    /// Count payload of the last output.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> u32 {
        self.out_count
    }

    /// Number of the first write callback of the last `O_WRITE_CALLBACKS` output. Write
    /// callbacks are numbered from 0 in the order their writes were accepted.
    #[wasm_bindgen(getter)]
    pub fn first(&self) -> f64 {
        self.out_first as f64
    }

    /// Error payload of the last output (`undefined` for success); taking it clears it.
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&mut self) -> JsValue {
        std::mem::replace(&mut self.out_error, JsValue::UNDEFINED)
    }

    /// `writableLength`.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.core.length() as f64
    }

    /// `writableHighWaterMark`.
    #[wasm_bindgen(getter, js_name = highWaterMark)]
    pub fn high_water_mark(&self) -> f64 {
        self.core.high_water_mark() as f64
    }

    /// `writableCorked`.
    #[wasm_bindgen(getter)]
    pub fn corked(&self) -> u32 {
        self.core.corked()
    }

    /// Requests queued behind the in-flight one.
    #[wasm_bindgen(getter, js_name = bufferedCount)]
    pub fn buffered_count(&self) -> u32 {
        u32::try_from(self.core.buffered_count()).unwrap_or(u32::MAX)
    }

    /// Node's `pendingcb`.
    #[wasm_bindgen(getter, js_name = pendingCallbacks)]
    pub fn pending_callbacks(&self) -> f64 {
        self.core.pending_callbacks() as f64
    }

    /// The lifecycle flags as `S_*` bits.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> u32 {
        let c = &self.core;
        let mut s = 0;
        for (on, bit) in [
            (c.writable(), S_WRITABLE),
            (c.ended(), S_ENDED),
            (c.finished(), S_FINISHED),
            (c.destroyed(), S_DESTROYED),
            (c.closed(), S_CLOSED),
            (c.need_drain(), S_NEED_DRAIN),
            (c.errored().is_some(), S_ERRORED),
            (c.aborted(), S_ABORTED),
            (c.writing(), S_WRITING),
            (c.object_mode(), S_OBJECT_MODE),
            (c.error_emitted(), S_ERROR_EMITTED),
            (c.close_emitted(), S_CLOSE_EMITTED),
        ] {
            if on {
                s |= bit;
            }
        }
        s
    }

    /// `errored`: the stored error or `null`.
    #[wasm_bindgen(getter)]
    pub fn errored(&self) -> JsValue {
        self.core.errored().map_or(JsValue::NULL, |e| e.0.clone())
    }

    /// Observability counters as a plain object.
    pub fn stats(&self) -> Object {
        let s = self.core.stats();
        let obj = Object::new();
        for (key, value) in [
            ("chunksAccepted", s.chunks_accepted),
            ("unitsAccepted", s.units_accepted),
            ("chunksWritten", s.chunks_written),
            ("unitsWritten", s.units_written),
            ("writesReturnedFalse", s.writes_refused_backpressure),
            ("drains", s.drains),
            ("peakLength", s.peak_length),
            ("sinkCalls", s.sink_calls),
            ("writevCalls", s.writev_calls),
        ] {
            let _ = Reflect::set(
                &obj,
                &JsValue::from_str(key),
                &JsValue::from_f64(value as f64),
            );
        }
        obj
    }
}
