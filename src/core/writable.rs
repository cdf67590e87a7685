//! The writable state machine: Node's `WritableState` and the functions of `writable.js` that act
//! on it, as commands in and outputs polled out.
//!
//! Names follow Node's `lib/internal/streams/writable.js` (`write_or_buffer`, `clear_buffer`,
//! `after_write`, `finish_maybe`, `error_buffer`, …) so the two can be read side by side.
//!
//! # Ordering model
//!
//! Node runs user code (sinks, callbacks, listeners) synchronously in the middle of its
//! functions and reads its state again afterwards. Here that code runs in the driver, so every
//! function is cut where Node calls out: what Node does *after* the call-out is a continuation
//! [`Step`] that runs on the next [`WritableCore::poll`], i.e. after the driver has run the
//! user code and seen its effects on the state.
//!
//! Everything a command or a step produces is inserted *in front of* whatever was already
//! pending, in the order produced. That is call-stack order: when a listener re-enters the core
//! (a `'drain'` listener that writes), the effects of its call are handled before the rest of the
//! interrupted operation, as in Node. Deferred work (`process.nextTick` in Node) goes to a
//! separate FIFO of [`Task`]s; each one asks the driver for one tick with
//! [`Output::ScheduleTick`], and the driver answers with [`WritableCore::handle_tick`].

use std::collections::VecDeque;

use super::error::{validate_high_water_mark, ErrorCode, StreamError};

/// Default `highWaterMark` in byte mode (Node 20: 16 KiB).
pub const DEFAULT_HIGH_WATER_MARK: u64 = 16 * 1024;
/// Default `highWaterMark` in object mode (Node: 16 objects).
pub const DEFAULT_OBJECT_HIGH_WATER_MARK: u64 = 16;

/// Construction options, the subset of Node's `Writable` options the core needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Buffer level (bytes, or objects in object mode) at which `write()` starts returning false.
    pub high_water_mark: u64,
    /// Count objects instead of bytes.
    pub object_mode: bool,
    /// Emit `'close'` after destroy (Node's `emitClose`, default true).
    pub emit_close: bool,
    /// Destroy automatically after `'finish'` or an error (Node's `autoDestroy`, default true).
    pub auto_destroy: bool,
    /// The sink accepts batches (`writev`).
    pub has_writev: bool,
    /// The sink has a `final` step to run before `'finish'`.
    pub has_final: bool,
    /// The sink has an asynchronous `construct` step that must finish before the first write.
    pub has_construct: bool,
}

impl Options {
    /// Node's defaults for byte mode or object mode.
    pub fn new(object_mode: bool) -> Self {
        Options {
            high_water_mark: if object_mode {
                DEFAULT_OBJECT_HIGH_WATER_MARK
            } else {
                DEFAULT_HIGH_WATER_MARK
            },
            object_mode,
            emit_close: true,
            auto_destroy: true,
            has_writev: false,
            has_final: false,
            has_construct: false,
        }
    }

    /// Set the `highWaterMark` from a JS number, validated as Node does.
    pub fn with_high_water_mark(mut self, value: f64) -> Result<Self, ErrorCode> {
        self.high_water_mark = validate_high_water_mark(value)?;
        Ok(self)
    }
}

/// How a write's callback relates to the previous one (Node coalesces the deferred callbacks of
/// consecutive writes that share one callback function into a single tick).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callback {
    /// No callback (Node's `nop`).
    None,
    /// A callback, not known to be the one of the previous write.
    New,
    /// The same callback function as the previous write's.
    Same,
}

impl Callback {
    fn is_some(self) -> bool {
        self != Callback::None
    }
}

/// Where the driver keeps a callback handed to `write()` or `end()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackSlot {
    /// No callback was given.
    None,
    /// Append it to the write-callback FIFO; [`Output::WriteCallbacks`] calls it.
    Write,
    /// Append it to the one-off FIFO; [`Output::OneOffCallback`] calls it on a later tick.
    OneOff,
    /// Append it to the end-callback list; [`Output::EndCallbacks`] calls the whole list.
    End,
}

/// What `write()` did with a chunk.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteStatus<C> {
    /// The sink is idle: call its `write` with this chunk *now*, then call
    /// [`WritableCore::write_returned`] for `write()`'s return value.
    Dispatch(C),
    /// Queued behind a busy, corked, errored or still-constructing sink. The flag is `write()`'s
    /// return value.
    Buffered(bool),
    /// Refused (after `end()` or `destroy()`): `write()` returns false; the callback goes to the
    /// one-off FIFO and the error is reported through outputs.
    Rejected,
}

/// What a driver reports with [`WritableCore::batch_run`]: the batch cycles it ran itself
/// from a [`batch_idle`](WritableCore::batch_idle) state. Each cycle, from the stream idle:
///
/// - a batch of callback-less writes, made either between `cork()` (nested or not) and the
///   last `uncork()`, which hands the batch to the sink, or (a *lead* cycle) behind a lead
///   write below the highWaterMark, dispatched at once, whose call returns without completing
///   it and whose completion after the call hands the batch to the sink;
/// - the batch goes in one call, `writev`, for two writes or more to a writev sink, and one
///   write at a time otherwise, none of them empty, each handed out when the one before
///   completed;
/// - the successful completion of each write, all inside their sink calls or all after them
///   (a lead cycle's: all after);
/// - a cycle whose writes reach the highWaterMark (from the first that does, each returns
///   false) ends in `'drain'`: at once when the sink completed the last write after its call,
///   or on the afterWrite tick when inside; then its listeners run, then the silent rest of
///   its `afterWrite`. The others (`quiet`: in byte mode, or completed after the call) leave
///   the stream idle at their last completion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchRun {
    /// The cycles.
    pub cycles: u64,
    /// Of them, the ones that did not reach the highWaterMark (no `'drain'`).
    pub quiet: u64,
    /// Of them, the lead cycles.
    pub leads: u64,
    /// The writes, lead writes included.
    pub writes: u64,
    /// Their units together, as given (as `units_accepted` counts them).
    pub total: u64,
    /// The writes that returned false.
    pub refused: u64,
    /// The batches of two or more that went to `writev`.
    pub writevs: u64,
    /// The cycles that drain whose batch completed inside its sink call.
    pub ticks: u64,
    /// The most units a cycle had (its batch and its lead write), 1 a chunk in object mode.
    pub max: u64,
    /// The listeners of the last `'drain'` are still running (the rest of its `afterWrite`
    /// waits in the queue); without, it has run.
    pub tail: bool,
    /// The last cycle's batch, or the last write of it, was handed out by a completion after
    /// its sink call (a lead cycle's lead write, or the write before it in a one-at-a-time
    /// batch).
    pub handed_on: bool,
}

/// Where the last write of a [`WritableCore::drain_run`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrainRunEnd {
    /// Completed: no write is in flight.
    Idle,
    /// In its sink call, which has not returned.
    InCall,
    /// In flight, its sink call returned (`write()` answered false).
    Returned,
}

/// An event for the face to emit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<E> {
    /// `'drain'`: a write returned false and the buffer has emptied.
    Drain,
    /// `'prefinish'`: `end()` was called, every write completed and `final` (if any) succeeded.
    Prefinish,
    /// `'finish'`.
    Finish,
    /// `'error'`, at most once per stream.
    Error(E),
    /// `'close'` (only when `emitClose`), always last.
    Close,
}

/// What the driver must do next; see [`WritableCore::poll`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output<C, E> {
    /// Call the sink's `write` with this chunk, then [`WritableCore::dispatch_returned`]; its
    /// completion goes to [`WritableCore::handle_write_done`].
    Write(C),
    /// Call the sink's `writev` with these chunks (oldest first), then
    /// [`WritableCore::dispatch_returned`]; completion as for `Write`.
    Writev(Vec<C>),
    /// Call the sink's `final`, then [`WritableCore::dispatch_returned`]; its completion goes to
    /// [`WritableCore::handle_final_done`].
    Final,
    /// Call the sink's `destroy` with this error; its completion goes to
    /// [`WritableCore::handle_destroy_done`].
    Destroy(Option<E>),
    /// Call the sink's `construct`; its completion goes to
    /// [`WritableCore::handle_construct_done`].
    Construct,
    /// Arrange for [`WritableCore::handle_tick`] to be called once on a later tick
    /// (`process.nextTick` or `queueMicrotask`). One request, one call.
    ScheduleTick,
    /// Call the write callbacks numbered `first .. first + count`, in order, with this result.
    /// Write callbacks are numbered from 0 in the order their writes were accepted (refused
    /// writes' callbacks are one-offs and take no number); completions can call them out of
    /// that order, as Node does.
    WriteCallbacks {
        /// Number of the first callback to call.
        first: u64,
        /// How many consecutive callbacks to call.
        count: u32,
        /// `Ok` → `cb(null)`, `Err(e)` → `cb(e)`.
        result: Result<(), E>,
    },
    /// Call every pending `end()` callback with this result and forget them.
    EndCallbacks(Result<(), E>),
    /// Call the oldest one-off callback with this result.
    OneOffCallback(Result<(), E>),
    /// The `count` oldest chunks the driver still holds for undispatched writes were dropped by
    /// the core (a destroyed or errored stream discards its buffer): drop them too. Drivers
    /// whose chunks live in the core can ignore this.
    Discard {
        /// How many chunks, oldest first.
        count: u32,
    },
    /// Emit an event.
    Event(Event<E>),
}

/// Observability counters; they never influence behaviour.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Chunks accepted by `write()`.
    pub chunks_accepted: u64,
    /// Size units (bytes, or objects) accepted by `write()`.
    pub units_accepted: u64,
    /// Chunks the sink completed successfully.
    pub chunks_written: u64,
    /// Size units the sink completed successfully.
    pub units_written: u64,
    /// `write()` calls that returned false.
    pub writes_refused_backpressure: u64,
    /// `'drain'` events emitted.
    pub drains: u64,
    /// Highest `length` ever observed.
    pub peak_length: u64,
    /// Sink calls made (`write` + `writev`).
    pub sink_calls: u64,
    /// Of which `writev` batches.
    pub writev_calls: u64,
}

/// One queued write request (its chunk is in `buffered_chunks`, in the same order), or, with a
/// writev sink, a run of callback-less writes buffered together (`write_buffered_batch`): the
/// buffer then only ever leaves whole, so the run needs no record per write. The callback stays
/// with the driver: only whether there is one.
#[derive(Clone, Copy, Debug)]
struct Request {
    len: u64,
    cb: Callback,
    /// Which run of identical callbacks its callback belongs to (see `cb_chain`).
    chain: u32,
    /// The number of its callback (see [`Output::WriteCallbacks`]), when it has one.
    ord: u64,
}

/// Deferred work: Node's `process.nextTick` callbacks of the writable side.
#[derive(Clone, Debug)]
enum Task<E> {
    /// `afterWrite` / `afterWriteTick`: drain check, `count` callbacks, then the tail. `cbs` is how
    /// many driver callbacks one unit of `count` stands for (0 for Node's `nop`). `info` marks
    /// Node's coalescing `afterWriteTickInfo`.
    AfterWrite {
        count: u32,
        cbs: u32,
        first: u64,
        info: bool,
    },
    /// `onwriteError` deferred because the sink failed synchronously.
    OnWriteError { err: E, cbs: u32, first: u64 },
    /// The tick `finishMaybe(sync = true)` schedules.
    FinishMaybe,
    /// `finish` after a successful `final`.
    Finish,
    /// `errorBuffer` scheduled by `destroy()`.
    ErrorBuffer,
    /// `emitErrorCloseNT`.
    EmitErrorClose(E),
    /// `emitCloseNT`.
    EmitClose,
    /// `emitErrorNT` from `errorOrDestroy(sync = true)` without autoDestroy.
    EmitError(E),
    /// `process.nextTick(cb, result)` for a refused write or end.
    OneOff(Result<(), E>),
    /// The same for the callback of an `end()` whose tail ran after its flush: the callback is
    /// the only one in the driver's end list.
    DeferredEndCallback(Result<(), E>),
    /// `constructNT`.
    Construct,
    /// `onConstruct` (Node defers the construct callback by a tick).
    OnConstruct(Option<E>),
}

/// A continuation: what Node does after a call into user code returns.
#[derive(Clone, Debug)]
enum Step<C, E> {
    /// A ready output.
    Out(Output<C, E>),
    /// `doWrite` of a polled write: re-checks `destroyed` when the driver gets to it.
    DoWrite(Output<C, E>),
    /// Node's `afterWrite`, after any sink call `clear_buffer` started before it.
    AfterWrite { count: u32, cbs: u32, first: u64 },
    /// `finishMaybe(sync)` after the sink call `clear_buffer` started before it.
    FinishMaybe { sync: bool },
    /// `afterWrite` after `'drain'`: the callbacks.
    AfterWriteCallbacks { count: u32, cbs: u32, first: u64 },
    /// The synchronous half of `onwrite` (the afterWrite tick, or the count), after the sink
    /// calls of the buffered writes `clear_buffer` handed out inside that `onwrite`.
    AfterWriteSync {
        cbs: u32,
        first: u64,
        chain: Option<u32>,
        from_buffer: bool,
    },
    /// `afterWrite` after the callbacks.
    AfterWriteTail,
    /// `onwriteError` after the callback: error the buffer, then `errorOrDestroy`.
    OnWriteErrorTail(E),
    /// `errorOrDestroy` after the callbacks that precede it (`errorBuffer`'s after a sink
    /// failure, the end callbacks after a failed final).
    ErrorOrDestroy { err: E, sync: bool },
    /// `finishMaybe` after `prefinish()`.
    FinishMaybeTail { sync: bool },
    /// `callFinal`'s callback after `'prefinish'`: the tick that finishes.
    FinalDoneTail,
    /// `errorBuffer`'s loop after a discarded write's callback.
    ErrorBufferLoop,
    /// `finish` after `'finish'`: autoDestroy.
    AutoDestroy,
    /// `emitErrorCloseNT` after `'error'`.
    EmitClose,
    /// The rest of `end()` after `uncork()` flushed the buffer to the sink.
    EndTail {
        has_cb: bool,
        write_rejected: bool,
        rejection: Option<E>,
        listed: bool,
    },
    /// The callback placement of an `end()` whose `finishMaybe` called `final`: Node registers
    /// the callback after `final` returned, so a synchronous failure of `final` reaches it on a
    /// tick after the error's (it sits in the driver's end list, uncounted, until then).
    PlaceEndCallback,
}

// Lifecycle and bookkeeping flags. Each mirrors the Node flag of the same name.
/// `_construct` has completed (or there was none). Writes buffer until then.
const CONSTRUCTED: u32 = 1 << 0;
/// A write or writev is in flight; later writes buffer behind it.
const WRITING: u32 = 1 << 1;
/// The driver is inside a sink call the core dispatched: a completion now is synchronous, so
/// user callbacks must be deferred to a tick.
const SYNC: u32 = 1 << 2;
/// A write returned false; `'drain'` is owed once the buffer empties.
const NEED_DRAIN: u32 = 1 << 3;
/// `end()` has been called (Node's `ending`, reported as `writableEnded`).
const ENDING: u32 = 1 << 4;
/// `end()` has completed its bookkeeping (Node's `ended`).
const ENDED: u32 = 1 << 5;
/// `final` has been called (or skipped for lack of one).
const FINAL_CALLED: u32 = 1 << 6;
/// `'prefinish'` has been emitted.
const PREFINISHED: u32 = 1 << 7;
/// `'finish'` has been emitted.
const FINISHED: u32 = 1 << 8;
/// `destroy()` has been called.
const DESTROYED: u32 = 1 << 9;
/// The sink's destroy completed (Node's `closed`).
const CLOSED: u32 = 1 << 10;
/// `'close'` has been emitted (or skipped: `emitClose` false).
const CLOSE_EMITTED: u32 = 1 << 11;
/// `'error'` has been emitted.
const ERROR_EMITTED: u32 = 1 << 12;
/// An `afterWrite` tick for a callback-less write is pending: later ones need no tick.
const AFTER_WRITE_PENDING: u32 = 1 << 13;
/// The newest `AfterWrite` task can absorb further completions of the same callback.
const AFTER_WRITE_TICK_INFO: u32 = 1 << 14;
/// The in-flight write has not been completed yet (detects a callback called twice).
const EXPECT_WRITE_CB: u32 = 1 << 15;
/// The sink's destroy callback has been called.
const DESTROY_DONE: u32 = 1 << 16;
/// `destroy()` came before construction finished; the sink's destroy waits for it.
const DESTROY_DEFERRED: u32 = 1 << 17;
/// The construct callback has been called.
const CONSTRUCT_DONE: u32 = 1 << 18;
/// The in-flight write (or batch) was handed over by `clear_buffer`. Node keeps `kBuffered` set
/// until its `clearBuffer` returns, so a synchronous completion of such a write does not
/// finish the stream itself: whoever flushed checks after the flush (`end`, construct, the
/// previous write's `afterWrite`).
const FROM_BUFFER: u32 = 1 << 19;
/// The running flush has no such check after it (a plain `uncork()`, or an `end()` that does
/// not end the stream). Node never finishes such a stream when the last write completes
/// synchronously without a callback; the core lets that completion finish it instead.
const LONE_FLUSH: u32 = 1 << 20;
/// Node's `kBufferProcessing` in the one-by-one branch of `clearBuffer`: its loop is handing
/// buffered writes out, from the first until a sink call returns with its write still in
/// flight (or nothing is left). Meanwhile `clear_buffer` does nothing (a completion inside the
/// call hands nothing out, and nothing is writing then, so a write the sink makes goes to it at
/// once, as in Node); the loop hands the next write out when the call returns
/// (`dispatch_returned`), whether or not the stream was corked meanwhile.
const BUFFER_PROCESSING: u32 = 1 << 21;

/// The sans-I/O writable stream: Node's `WritableState` plus the logic of `writable.js`.
///
/// `C` is the chunk type queued (owned bytes, or a unit/handle when the driver keeps the chunk
/// values itself); `E` the error type (see [`StreamError`]).
///
/// Methods fall into four groups:
/// * getters (`length`, `need_drain`, `writable`, …), which never change state;
/// * commands from the user (`write`, `cork`, `uncork`, `end`, `destroy`, …);
/// * `handle_*` inputs: sink completions and ticks;
/// * [`poll`](Self::poll), which yields what to do next. After every command or input the
///   driver must poll until `None` (except while it is already inside its poll loop, in which
///   case that loop picks the new outputs up next).
#[derive(Clone, Debug)]
pub struct WritableCore<C, E> {
    opts: Options,
    flags: u32,
    /// Size units accepted and not yet completed: queued plus in flight (Node's `length`),
    /// plus units reserved by an outside queue (see [`WritableCore::reserve`]).
    length: u64,
    /// Units counted in `length` by `reserve` whose chunks have not arrived yet.
    reserved: u64,
    /// Nested `cork()` count.
    corked: u32,
    /// Writes accepted whose completion the core still owes (Node's `pendingcb`); finish waits
    /// for zero.
    pending_cb: u64,
    /// Size of the in-flight write or batch.
    write_len: u64,
    /// Chunks in the in-flight write or batch.
    write_chunks: u64,
    /// Driver callbacks attached to the in-flight write or batch (0 = Node's `nop`).
    write_cbs: u32,
    /// Number of the in-flight write's (or batch's) first callback.
    write_first: u64,
    /// Number the next accepted write's callback gets.
    next_ord: u64,
    /// The callback run (`cb_chain` value) of the in-flight write's callback; `None` for a
    /// writev (Node's batch callback is a closure of its own) or no callback.
    write_chain: Option<u32>,
    /// Numbers runs of identical callbacks: bumped by every write given a `Callback::New`, so
    /// two writes' callbacks are the same function exactly when their numbers are equal. Node
    /// coalesces synchronous completions by comparing functions.
    cb_chain: u32,
    /// The callback run of the newest coalescable `AfterWrite` task.
    after_write_info_chain: u32,
    /// Pending `end()` callbacks (Node's `kOnFinished` list), kept by the driver.
    end_cbs: u32,
    /// A callback the driver put in its end list for an `end()` whose tail has not decided yet
    /// (see [`Self::end`]); not in `end_cbs`, so nothing else calls it meanwhile.
    end_cbs_unlisted: u32,
    /// The stored error (Node's `errored`).
    errored: Option<E>,
    /// The error `destroy()` was called with while construction was pending.
    deferred_destroy_err: Option<E>,
    /// The error of the last refused `write()`: `end(chunk)` hands the same object to its
    /// callback.
    last_rejection: Option<E>,
    buffered: VecDeque<Request>,
    /// The chunks of `buffered`, apart, so a writev batch takes them all in one move (and
    /// with `C = ()`, as in the JS bindings, they cost nothing).
    buffered_chunks: VecDeque<C>,
    /// Driver callbacks among the buffered requests.
    buffered_cbs: u32,
    tasks: VecDeque<Task<E>>,
    /// Tasks ever taken from `tasks` (turns sequence numbers into indices).
    tasks_taken: u64,
    /// Sequence number of the newest coalescable `AfterWrite` task.
    after_write_info_seq: u64,
    steps: VecDeque<Step<C, E>>,
    /// The two steps of the usual asynchronous completion, kept out of `steps` (a push, a pop
    /// and a drop each) while nothing else is queued around them: the buffered write to hand
    /// out, first in line, and Node's `afterWrite` (count, cbs, first), last in line. The queue
    /// is `lane_write`, then `steps`, then `lane_after`; any other step emitted moves them into
    /// `steps` first (`unlane`).
    lane_write: Option<C>,
    lane_after: Option<(u32, u32, u64)>,
    /// Where the operation being run inserts its next step (see the module docs).
    insert_at: usize,
    stats: Stats,
}

impl<C, E: StreamError> WritableCore<C, E> {
    /// A new stream. With `has_construct`, a tick is requested at once to start construction.
    pub fn new(opts: Options) -> Self {
        let mut core = WritableCore {
            flags: CONSTRUCTED,
            opts,
            length: 0,
            reserved: 0,
            corked: 0,
            pending_cb: 0,
            write_len: 0,
            write_chunks: 0,
            write_cbs: 0,
            write_first: 0,
            next_ord: 0,
            write_chain: None,
            cb_chain: 0,
            after_write_info_chain: 0,
            end_cbs: 0,
            end_cbs_unlisted: 0,
            errored: None,
            deferred_destroy_err: None,
            last_rejection: None,
            buffered: VecDeque::new(),
            buffered_chunks: VecDeque::new(),
            buffered_cbs: 0,
            tasks: VecDeque::new(),
            tasks_taken: 0,
            after_write_info_seq: 0,
            steps: VecDeque::new(),
            lane_write: None,
            lane_after: None,
            insert_at: 0,
            stats: Stats::default(),
        };
        if core.opts.has_construct {
            core.flags &= !CONSTRUCTED;
            core.begin();
            core.schedule(Task::Construct);
        }
        core
    }

    // ---------------------------------------------------------------- getters

    /// The options the stream was made with.
    pub fn options(&self) -> &Options {
        &self.opts
    }
    /// `writableLength`: size units accepted and not yet completed by the sink.
    pub fn length(&self) -> u64 {
        self.length
    }
    /// `writableHighWaterMark`.
    pub fn high_water_mark(&self) -> u64 {
        self.opts.high_water_mark
    }
    /// `writableObjectMode`.
    pub fn object_mode(&self) -> bool {
        self.opts.object_mode
    }
    /// `writableCorked`: the nested cork count.
    pub fn corked(&self) -> u32 {
        self.corked
    }
    /// `writableNeedDrain`: a write returned false and `'drain'` is still owed.
    pub fn need_drain(&self) -> bool {
        self.flags & (DESTROYED | ENDING | NEED_DRAIN) == NEED_DRAIN
    }
    /// `writable`: writes are still accepted (not ended, destroyed or errored).
    pub fn writable(&self) -> bool {
        self.flags & (ENDING | ENDED | DESTROYED) == 0 && self.errored.is_none()
    }
    /// `writableEnded`: `end()` has been called.
    pub fn ended(&self) -> bool {
        self.has(ENDING)
    }
    /// `writableFinished`: `'finish'` has been emitted.
    pub fn finished(&self) -> bool {
        self.has(FINISHED)
    }
    /// `destroyed`.
    pub fn destroyed(&self) -> bool {
        self.has(DESTROYED)
    }
    /// `closed`: the sink's destroy has completed.
    pub fn closed(&self) -> bool {
        self.has(CLOSED)
    }
    /// `errored`: the stored error, if any.
    pub fn errored(&self) -> Option<&E> {
        self.errored.as_ref()
    }
    /// `writableAborted`: destroyed or errored before `'finish'`.
    pub fn aborted(&self) -> bool {
        (self.has(DESTROYED) || self.errored.is_some()) && !self.has(FINISHED)
    }
    /// A write or batch is in flight at the sink.
    pub fn writing(&self) -> bool {
        self.has(WRITING)
    }
    /// Requests queued behind the in-flight one (not counting it).
    pub fn buffered_count(&self) -> usize {
        self.buffered_chunks.len()
    }
    /// `'close'` has been emitted (or would have been, with `emitClose` false).
    pub fn close_emitted(&self) -> bool {
        self.has(CLOSE_EMITTED)
    }
    /// `'error'` has been emitted (Node's `errorEmitted`).
    pub fn error_emitted(&self) -> bool {
        self.has(ERROR_EMITTED)
    }
    /// Writes (and `final`) whose completion is still owed (Node's `pendingcb`).
    pub fn pending_callbacks(&self) -> u64 {
        self.pending_cb
    }
    /// Observability counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// Whether outputs are waiting for [`poll`](Self::poll).
    pub fn has_output(&self) -> bool {
        !self.steps.is_empty() || self.lane_write.is_some() || self.lane_after.is_some()
    }
    /// Ticks requested and not yet handled.
    pub fn pending_ticks(&self) -> usize {
        self.tasks.len()
    }

    // ---------------------------------------------------------------- commands

    /// `write(chunk, cb)`: accept a chunk of `len` size units (bytes, or 1 in object mode; the
    /// face validates the chunk first and reports `ERR_STREAM_NULL_VALUES` /
    /// `ERR_INVALID_ARG_TYPE` itself, since those throw synchronously).
    ///
    /// The callback belongs in [`CallbackSlot::Write`] unless the result is
    /// [`WriteStatus::Rejected`] (then [`CallbackSlot::OneOff`]); see [`Self::write_slot`].
    pub fn write(&mut self, chunk: C, len: u64, cb: Callback) -> WriteStatus<C> {
        self.begin();
        if cb == Callback::New {
            self.cb_chain = self.cb_chain.wrapping_add(1);
        }
        if self.flags & (ENDING | DESTROYED) != 0 {
            self.reject_write(cb);
            return WriteStatus::Rejected;
        }
        self.pending_cb += 1;
        self.stats.chunks_accepted += 1;
        self.stats.units_accepted = self.stats.units_accepted.saturating_add(len);
        self.write_or_buffer(chunk, len, cb)
    }

    /// The refusal half of `write()` after `end()` or `destroy()` (kept out of the hot path).
    #[cold]
    #[inline(never)]
    fn reject_write(&mut self, cb: Callback) {
        let code = if self.has(ENDING) {
            ErrorCode::WriteAfterEnd
        } else {
            ErrorCode::Destroyed("write")
        };
        let err = E::from_code(code);
        self.last_rejection = Some(err.clone());
        if cb.is_some() {
            self.schedule(Task::OneOff(Err(err.clone())));
        }
        self.error_or_destroy(err, true);
    }

    /// The driver's hottest path in one call: [`handle_sync_write_done`](Self::handle_sync_write_done)
    /// first when `previous_done` (the previous write completed inside its sink call and the
    /// driver held that back, see [`sync_completion_is_silent`](Self::sync_completion_is_silent)),
    /// then [`write`](Self::write), then, for a dispatch, `sync_completion_is_silent()`. Returns
    /// the write's status and that flag. The result is exactly that of the three calls; the
    /// steady state of a sink that completes each write inside its call, with no callback,
    /// takes a short path that only moves the counters.
    pub fn write_folding(
        &mut self,
        chunk: C,
        len: u64,
        cb: Callback,
        previous_done: bool,
    ) -> (WriteStatus<C>, bool) {
        // In the steady state this is a run of one: handle_sync_write_done() of a write with no
        // callback and nothing behind it has no output and no tick, then write() dispatches at
        // once (nothing is buffered, corked, ending or errored), and its own completion would
        // be silent on the same terms.
        if previous_done && cb == Callback::None && self.fold_run(1, len, len, len) {
            let after = self.length.saturating_sub(self.write_len);
            let silent = after < self.opts.high_water_mark || after == 0;
            return (WriteStatus::Dispatch(chunk), silent);
        }
        if previous_done {
            self.handle_sync_write_done();
        }
        let status = self.write(chunk, len, cb);
        let silent = matches!(status, WriteStatus::Dispatch(_)) && self.sync_completion_is_silent();
        (status, silent)
    }

    /// A run of writes a driver made on its own in the steady state (see
    /// [`in_steady_fold`](Self::in_steady_fold)): `count` callback-less writes, of `total`
    /// units together, the largest `max` and the last `last`, each dispatched to the sink and
    /// completed inside its call with success, after the folded write in flight. Exactly
    /// `count` times `handle_sync_write_done()` then `write(chunk, len, Callback::None)`: each
    /// of those writes is dispatched, returns true and its completion is silent, so only the
    /// counters move, and the last one is left in flight like the folded write before it.
    /// Returns false (and changes nothing) when the stream is not in the steady state.
    pub fn fold_run(&mut self, count: u64, total: u64, max: u64, last: u64) -> bool {
        if !self.in_steady_fold() || count == 0 {
            return count == 0;
        }
        // In units (1 a chunk in object mode); `units_accepted` counts lengths as given.
        let (run_units, max, last) = if self.opts.object_mode {
            (count, 1, 1)
        } else {
            (total, max, last)
        };
        let done = self.write_len;
        let after = self.length.saturating_sub(done);
        self.insert_at = 0;
        self.length = after.saturating_add(last);
        self.write_len = last;
        self.write_first = self.next_ord;
        self.write_chain = None;
        let stats = &mut self.stats;
        // Completed: the folded write and every write of the run but the last.
        stats.chunks_written += count;
        stats.units_written = stats
            .units_written
            .saturating_add(done)
            .saturating_add(run_units.saturating_sub(last));
        stats.chunks_accepted += count;
        stats.units_accepted = stats.units_accepted.saturating_add(total);
        stats.sink_calls += count;
        stats.peak_length = stats.peak_length.max(after.saturating_add(max));
        true
    }

    /// A write with no callback is in flight, completed inside its sink call (still `SYNC`),
    /// alone (not a batch, nothing buffered), in byte mode or with a tick already pending, on
    /// a stream that is constructed, uncorked, not ending, destroyed or errored, and owes no
    /// `'drain'`: the steady state of a sink that completes every write inside its call, in
    /// which a callback-less write changes nothing but counters (see
    /// [`write_folding`](Self::write_folding) and [`fold_run`](Self::fold_run)).
    pub fn in_steady_fold(&self) -> bool {
        const MASK: u32 = WRITING
            | SYNC
            | EXPECT_WRITE_CB
            | FROM_BUFFER
            | ENDING
            | DESTROYED
            | CONSTRUCTED
            | NEED_DRAIN;
        self.flags & MASK == WRITING | SYNC | EXPECT_WRITE_CB | CONSTRUCTED
            && self.write_cbs == 0
            && self.write_chunks == 1
            && self.corked == 0
            && self.buffered.is_empty()
            && self.errored.is_none()
            && (!self.opts.object_mode || self.has(AFTER_WRITE_PENDING))
    }

    /// Count `len` units that a queue outside the core has accepted and will hand over later
    /// through [`write_reserved`](Self::write_reserved): the WHATWG face's strategy calls this
    /// from `size()`, so `length` (and `needDrain`) cover the web stream's queue too and its
    /// `desiredSize` equals `highWaterMark - length`.
    pub fn reserve(&mut self, len: u64) {
        let units = self.size_of(len);
        self.reserved = self.reserved.saturating_add(units);
        self.length = self.length.saturating_add(units);
        self.stats.peak_length = self.stats.peak_length.max(self.length);
        if !(self.length < self.opts.high_water_mark || self.length == 0) {
            self.flags |= NEED_DRAIN;
        }
    }

    /// Give back reserved units whose chunks will never arrive (the outside queue refused or
    /// dropped them).
    pub fn unreserve(&mut self, len: u64) {
        let units = self.size_of(len).min(self.reserved);
        self.reserved -= units;
        self.length = self.length.saturating_sub(units);
    }

    /// `write()` of a chunk whose units were [`reserve`](Self::reserve)d: the same as
    /// [`write`](Self::write) without counting them twice. A refused write releases them.
    pub fn write_reserved(&mut self, chunk: C, len: u64, cb: Callback) -> WriteStatus<C> {
        let units = self.size_of(len).min(self.reserved);
        self.reserved -= units;
        self.length = self.length.saturating_sub(units);
        self.write(chunk, len, cb)
    }

    /// Units reserved and not yet arrived.
    pub fn reserved(&self) -> u64 {
        self.reserved
    }

    /// Where the driver keeps the callback of a `write()` that returned `status`.
    pub fn write_slot(status: &WriteStatus<C>, cb: Callback) -> CallbackSlot {
        match (cb, status) {
            (Callback::None, _) => CallbackSlot::None,
            (_, WriteStatus::Rejected) => CallbackSlot::OneOff,
            _ => CallbackSlot::Write,
        }
    }

    /// After the sink call of a [`WriteStatus::Dispatch`] returned: `write()`'s return value
    /// (Node evaluates it after the sink had its chance to complete synchronously).
    pub fn write_returned(&mut self) -> bool {
        self.flags &= !SYNC;
        self.write_result()
    }

    /// Right after `write()` answered [`WriteStatus::Dispatch`] (the driver is about to call the
    /// sink): should that call return without completing the write, with nothing else reaching
    /// the core meanwhile, what [`write_returned`](Self::write_returned) would then answer, and
    /// the [`buffered_write_budget`](Self::buffered_write_budget) and
    /// [`refuses_buffered_writes`](Self::refuses_buffered_writes) after it: `(returns, budget,
    /// refusing)`. `None` when no write is in its sink call.
    ///
    /// `write_returned` itself has no output, so a driver may hold it back, answer `write()`
    /// with `returns` and take the budget or the refusals at once, and report the return with
    /// its next call into the core, before the writes it then accepted on its own. (Outputs
    /// already waiting are another matter: a driver outside its poll loop must poll for them.)
    pub fn quiet_write_return(&self) -> Option<(bool, u64, bool)> {
        if self.flags & (WRITING | SYNC | EXPECT_WRITE_CB) != WRITING | SYNC | EXPECT_WRITE_CB {
            return None;
        }
        let below = self.length < self.opts.high_water_mark || self.length == 0;
        let live = !self.has(DESTROYED) && self.errored.is_none();
        let returns = below && live;
        // With the write in flight, writes are buffered; a false return owes 'drain'.
        let refusing = !below && live && !self.has(ENDING);
        Some((
            returns,
            if returns {
                self.buffered_write_budget()
            } else {
                0
            },
            refusing,
        ))
    }

    /// Whether the write just dispatched ([`WriteStatus::Dispatch`]) would, on a successful
    /// synchronous completion, produce no output at all and make `write()` return true: no
    /// callback, nothing buffered, no tick (one already pending, or no drain owed and not
    /// object mode), not ending.
    ///
    /// A driver may then answer `write()` with `true` at once and report that completion
    /// later — with [`handle_write_done`](Self::handle_write_done) then
    /// [`dispatch_returned`](Self::dispatch_returned), before any other call into the core —
    /// which is indistinguishable from reporting it at once. It saves a call per write on the
    /// hottest path (a sink that completes inside its call).
    pub fn sync_completion_is_silent(&self) -> bool {
        let after = self.length.saturating_sub(self.write_len);
        // With a tick already pending (AFTER_WRITE_PENDING) a callback-less completion takes no
        // tick of its own, whatever it owes: the pending tick does the rest.
        let owes_tick = self.opts.object_mode || self.has(NEED_DRAIN) && after == 0;
        let no_tick = self.has(AFTER_WRITE_PENDING) || !owes_tick;
        self.flags & (WRITING | SYNC | EXPECT_WRITE_CB) == WRITING | SYNC | EXPECT_WRITE_CB
            && self.write_cbs == 0
            && self.buffered.is_empty()
            && no_tick
            && self.flags & (ENDING | DESTROYED) == 0
            && self.errored.is_none()
            && (after < self.opts.high_water_mark || after == 0)
    }

    /// Right after [`poll`](Self::poll) handed out a buffered [`Output::Write`] (the driver is
    /// about to call the sink with it): how many completions in a row, each inside the sink
    /// call of the write it completes, would do nothing but move counters and hand the next
    /// buffered write out, which the driver then calls the sink with. Each is Node's
    /// `onwrite` in its `clearBuffer` loop for a callback-less write: no tick (none owed, or one
    /// already pending), no `'drain'` and no finish (the next write is still buffered).
    ///
    /// A driver may then call the sink with the next buffered writes itself, and report the
    /// completions together with [`sync_run`](Self::sync_run) before any other use of the core.
    /// It costs a walk over the run, so a driver asks only once a write has completed inside
    /// its call (the sink is likely to do so again).
    pub fn buffered_run(&self) -> u64 {
        // Ending is no matter: a completion's finishMaybe finds the next write still buffered.
        if !self.lone_write_in_call(FROM_BUFFER) {
            return 0;
        }
        // A callback-less completion takes a tick when it owes one (object mode, or 'drain'
        // with the buffer empty) and none is pending yet.
        let tick_pending = self.has(AFTER_WRITE_PENDING);
        if self.opts.object_mode && !tick_pending {
            return 0;
        }
        self.silent_handouts(self.has(NEED_DRAIN) && !tick_pending)
    }

    /// How many buffered writes, from the front, a run can hand out one after another: the write
    /// in flight (callback-less) completes and hands out the first, which completes and hands
    /// out the next, and so on, each completion owing nothing but `'drain'` when `owes_drain`
    /// and the buffer (with what is reserved) is then empty. A write with a callback can be
    /// handed out, but ends the run (its own completion calls it). One request per write: no
    /// writev sink.
    fn silent_handouts(&self, owes_drain: bool) -> u64 {
        if self.buffered_cbs == 0 {
            // All callback-less (the usual case): every one, but for a trailing run of empty
            // writes that would leave nothing but 'drain' owed.
            let all = self.buffered.len() as u64;
            if !owes_drain || self.reserved > 0 {
                return all;
            }
            return all
                - self
                    .buffered
                    .iter()
                    .rev()
                    .take_while(|req| req.len == 0)
                    .count() as u64;
        }
        let mut after = self.length.saturating_sub(self.write_len);
        let mut run = 0;
        for req in &self.buffered {
            if owes_drain && after == 0 {
                break;
            }
            run += 1;
            if req.cb.is_some() {
                // Handed out by the run, but its own completion calls a callback.
                break;
            }
            after = after.saturating_sub(req.len);
        }
        run
    }

    /// Right after [`poll`](Self::poll) handed out a `Write` on which
    /// [`quiet_return`](Self::quiet_return) holds: should its sink call return without
    /// completing it, how many completions in a row, each after the sink call of the write it
    /// completes has returned, would do nothing but move counters and hand the next buffered
    /// write out (on which `quiet_return` then holds again). Each is Node's `onwrite` of a
    /// callback-less write with writes buffered behind it, and the `afterWrite` behind the next
    /// write's sink call owes no `'drain'` (that write is in flight).
    ///
    /// A driver may then, on each such completion, call the sink with the next buffered write
    /// itself, and report the completions together with
    /// [`async_run`](Self::async_run) before any other use of the core: an asynchronous
    /// sink then costs no call into the core a write.
    pub fn async_handouts(&self) -> u64 {
        // Ending is no matter: each afterWrite's finishMaybe finds the next write in flight.
        if !self.lone_write_in_call(0) || !self.quiet_return() {
            return 0;
        }
        self.silent_handouts(self.has(NEED_DRAIN))
    }

    /// What every run starts from: one callback-less write (with `also` among its flags) in its
    /// sink call, on a constructed stream that is not destroyed, corked or errored, with a sink
    /// that takes writes one at a time.
    fn lone_write_in_call(&self, also: u32) -> bool {
        let in_call = WRITING | SYNC | EXPECT_WRITE_CB | CONSTRUCTED | also;
        self.flags & (in_call | DESTROYED) == in_call
            && self.write_cbs == 0
            && self.write_chunks == 1
            && self.corked == 0
            && !self.opts.has_writev
            && self.errored.is_none()
    }

    /// `count` completions of an [`async_handouts`](Self::async_handouts) run, in order: for
    /// each, the sink call of the write in flight returned (held back on `quiet_return`), the
    /// sink completed that write, and the next buffered write was handed out (the driver is now
    /// in its sink call). Exactly `dispatch_returned_quietly()`, `handle_write_done(Ok(()))` and
    /// a `poll()` yielding that `Output::Write`, `count` times. Returns how many it took: no
    /// more than `async_handouts()` allows (a driver that kept to it gets `count`).
    pub fn async_run(&mut self, count: u64) -> u64 {
        let run = count.min(self.async_handouts());
        if run == 0 {
            return 0;
        }
        // The first return, with whatever silent step waits behind it.
        self.dispatch_returned_quietly();
        // Node's onwrite, asynchronous, of callback-less writes with writes buffered: each
        // hands the next out (clearBuffer); its afterWrite waits behind that sink call.
        let Some(first) = self.hand_out_run(run) else {
            return 0;
        };
        self.flags &= !LONE_FLUSH;
        if run > 1 {
            // The returns of the writes handed out but the last, and the afterWrites behind
            // them: callback-less, no 'drain' owed, the next write in flight (so no finish).
            self.flags &= !AFTER_WRITE_PENDING;
            self.pending_cb = self.pending_cb.saturating_sub(run - 1);
        }
        self.lane_after = Some((1, 0, first));
        run
    }

    /// Right after [`write`](Self::write) answered [`WriteStatus::Dispatch`] (the driver is
    /// about to call the sink): whether this is the start of drain cycles. The write is
    /// callback-less, alone on an otherwise idle stream (nothing else counted, buffered, corked,
    /// queued or ticking; not ending, destroyed or errored), and at least the highWaterMark
    /// (and not empty), so `write()` returns false. Should its sink call return without
    /// completing it, then its completion (after the call, with nothing else reaching the core)
    /// empties the stream and emits `'drain'`, and what waits behind that listener is Node's
    /// silent rest of `afterWrite`; a callback-less write of at least the highWaterMark made
    /// then, or later with the stream still idle, starts the same cycle again.
    ///
    /// A driver may then run such cycles itself (call the sink, answer false, emit `'drain'` on
    /// the completion) and report them together with [`drain_run`](Self::drain_run) before
    /// any other use of the core: a producer that waits for `'drain'` after every write then
    /// costs no call into the core a write.
    pub fn drain_cycle(&self) -> bool {
        let in_call = WRITING | SYNC | EXPECT_WRITE_CB | CONSTRUCTED;
        const NOT: u32 =
            ENDING | DESTROYED | FROM_BUFFER | BUFFER_PROCESSING | AFTER_WRITE_PENDING | NEED_DRAIN;
        self.flags & (in_call | NOT) == in_call
            && self.write_cbs == 0
            && self.write_chunks == 1
            && self.write_len > 0
            && self.write_len >= self.opts.high_water_mark
            && self.length == self.write_len
            && self.reserved == 0
            && self.corked == 0
            && self.buffered.is_empty()
            && self.errored.is_none()
            && self.tasks.is_empty()
            && self.queued() == 0
    }

    /// The drain cycles a driver ran itself from a [`drain_cycle`](Self::drain_cycle) (the
    /// write that started it is in its sink call): that call returned without completing its
    /// write, then `writes` more callback-less writes, of `total` units together, the largest
    /// `max` and the last `last`, each at least the highWaterMark, were dispatched one at a
    /// time, each once the write before it had completed (after its sink call) and its
    /// `'drain'` had been emitted. `end` says where the last write is; with `tail`, the
    /// listeners of the last `'drain'` are still running (the rest of its `afterWrite` waits
    /// in the queue, for the driver's next poll). Exactly the calls one by one:
    /// `write_returned()`, and for each completion `handle_write_done(Ok(()))` and polls
    /// yielding `'drain'` (then the rest of `afterWrite`), for each write `write()` (and
    /// `write_returned()` once its call returned). Returns false, changing nothing, for a
    /// report no such cycles can give (`drain_cycle()` does not hold, or `end` and `tail`
    /// contradict `writes`).
    pub fn drain_run(
        &mut self,
        writes: u64,
        total: u64,
        max: u64,
        last: u64,
        end: DrainRunEnd,
        tail: bool,
    ) -> bool {
        let in_flight = end != DrainRunEnd::Idle;
        // Completions: every write but one still in flight (the first included).
        let completed = if in_flight { writes } else { writes + 1 };
        // In units (1 a chunk in object mode); `units_accepted` counts lengths as given.
        let (run_units, max, last) = if self.opts.object_mode {
            (writes, 1, 1)
        } else {
            (total, max, last)
        };
        let hwm = self.opts.high_water_mark.max(1);
        let consistent = match end {
            // The first write's call has returned; a write in its call came after a 'drain'.
            DrainRunEnd::InCall => writes > 0,
            DrainRunEnd::Returned | DrainRunEnd::Idle => true,
        } && (!tail || completed > 0)
            && (writes == 0 || (last >= hwm && max >= last && run_units >= max));
        if !self.drain_cycle() || !consistent {
            return false;
        }
        self.insert_at = 0;
        let first_len = self.write_len;
        let stats = &mut self.stats;
        // The first write's sink call returned: write() answered false; so did each write after
        // it, on an idle stream, once its call returned.
        stats.writes_refused_backpressure += match end {
            DrainRunEnd::InCall => writes,
            _ => writes + 1,
        };
        stats.chunks_accepted += writes;
        stats.units_accepted = stats.units_accepted.saturating_add(total);
        stats.sink_calls += writes;
        stats.peak_length = stats.peak_length.max(max);
        let in_flight_len = match (in_flight, writes) {
            (false, _) => 0,
            (true, 0) => first_len,
            (true, _) => last,
        };
        let done = first_len
            .saturating_add(run_units)
            .saturating_sub(in_flight_len);
        stats.chunks_written += completed;
        stats.units_written = stats.units_written.saturating_add(done);
        stats.drains += completed;
        // Each write adds a pending callback; each finished afterWrite takes one.
        let tails_done = completed - u64::from(tail);
        self.pending_cb = self
            .pending_cb
            .saturating_add(writes)
            .saturating_sub(tails_done);
        self.length = in_flight_len;
        self.write_len = in_flight_len;
        if writes > 0 {
            self.write_first = self.next_ord;
            self.write_chain = None;
        }
        match end {
            DrainRunEnd::Idle => {
                self.flags &= !(WRITING | SYNC | EXPECT_WRITE_CB | NEED_DRAIN);
                self.write_chunks = 0;
            }
            // Its call returned: write() answered false.
            DrainRunEnd::Returned => self.flags = (self.flags & !SYNC) | NEED_DRAIN,
            // The last 'drain' cleared it; this write's call has not returned.
            DrainRunEnd::InCall => self.flags &= !NEED_DRAIN,
        }
        if tail {
            self.steps.push_back(Step::AfterWriteCallbacks {
                count: 1,
                cbs: 0,
                first: self.write_first,
            });
        }
        true
    }

    /// Whether the stream is idle and clean, so a driver may run batch cycles itself (see
    /// [`batch_run`](Self::batch_run)): nothing is counted, buffered, corked, in flight, ticking
    /// or owed (not ending, destroyed or errored), and nothing waits in the queue but, just
    /// after a `'drain'` was polled, the silent rest of its `afterWrite` (one callback-less
    /// completion) for after its listeners. The highWaterMark is at least 2, so a `cork()` now
    /// gives a budget of at least one unit.
    pub fn batch_idle(&self) -> bool {
        const NOT: u32 = WRITING
            | SYNC
            | EXPECT_WRITE_CB
            | ENDING
            | DESTROYED
            | FROM_BUFFER
            | BUFFER_PROCESSING
            | AFTER_WRITE_PENDING
            | NEED_DRAIN;
        self.flags & (NOT | CONSTRUCTED) == CONSTRUCTED
            && self.opts.high_water_mark >= 2
            && self.length == 0
            && self.reserved == 0
            && self.corked == 0
            && self.buffered.is_empty()
            && self.buffered_chunks.is_empty()
            && self.errored.is_none()
            && self.tasks.is_empty()
            && self.lane_write.is_none()
            && self.lane_after.is_none()
            && (self.steps.is_empty() || self.idle_tail())
    }

    /// Whether all the queue holds is the rest of a `'drain'`'s `afterWrite` with nothing in it
    /// but one callback-less completion (see [`batch_idle`](Self::batch_idle)).
    fn idle_tail(&self) -> bool {
        self.steps.len() == 1
            && matches!(
                self.steps.front(),
                Some(Step::AfterWriteCallbacks { count: 1, cbs: 0, first }) if *first == self.next_ord
            )
    }

    /// The batch cycles a driver ran itself from a [`batch_idle`](Self::batch_idle) state (see
    /// [`BatchRun`] for what a cycle is and what the report says). Exactly the calls one by one.
    /// Returns false, changing nothing, for a report no such cycles can give (`batch_idle()`
    /// does not hold, or the numbers contradict each other).
    pub fn batch_run(&mut self, run: &BatchRun) -> bool {
        let BatchRun {
            cycles,
            quiet,
            leads,
            writes,
            total,
            refused,
            writevs,
            ticks,
            max,
            tail,
            handed_on,
        } = *run;
        let units = if self.opts.object_mode { writes } else { total };
        let drains = cycles.saturating_sub(quiet);
        let had_tail = !self.steps.is_empty();
        let consistent = quiet <= cycles
            && writevs <= cycles
            && leads <= cycles
            // A lead cycle's batch completes after its call: no tick.
            && ticks <= drains.min(cycles - leads)
            // With a writev sink, a lone write per other batch and two or more per writev, and
            // a lead write before each lead cycle's batch; without, one write or more per
            // batch, each its own sink call.
            && (if self.opts.has_writev {
                let lone = cycles.saturating_add(leads);
                writes >= lone.saturating_add(writevs) && (writevs > 0 || writes == lone)
            } else {
                writevs == 0 && writes >= cycles.saturating_add(leads)
            })
            // At least the write that reached the highWaterMark in each cycle that drains.
            && refused >= drains
            && refused <= writes
            && (drains == 0 || max >= self.opts.high_water_mark)
            && units >= max
            && (cycles > 0 || total == 0)
            // The listeners of a 'drain' that came.
            && (!tail || had_tail || drains > 0)
            && (!handed_on || (cycles > 0 && writes > cycles && (leads > 0 || !self.opts.has_writev)));
        if !self.batch_idle() || !consistent {
            return false;
        }
        let stats = &mut self.stats;
        stats.chunks_accepted += writes;
        stats.units_accepted = stats.units_accepted.saturating_add(total);
        stats.writes_refused_backpressure += refused;
        stats.sink_calls += if self.opts.has_writev {
            cycles + leads
        } else {
            writes
        };
        stats.writev_calls += writevs;
        stats.peak_length = stats.peak_length.max(max);
        stats.chunks_written += writes;
        stats.units_written = stats.units_written.saturating_add(units);
        stats.drains += drains;
        // Each completion inside its call took the afterWrite tick's task.
        self.tasks_taken += ticks;
        if handed_on {
            // The last hand-out (a lead write's completion, or one of a one-at-a-time batch's)
            // has its afterWrite check for finish after it.
            self.flags &= !LONE_FLUSH;
        } else if cycles > 0 {
            // The last cycle's `uncork()` flushed the buffer with no finish check after it.
            self.flags |= LONE_FLUSH;
        }
        // Each cycle's writes add a pending callback each, its writev takes all but one, and
        // its completion the last (a cycle that drains, with the rest of its afterWrite): the
        // count stands as it was, but for the rest of a 'drain''s afterWrite still to run.
        self.pending_cb = self.pending_cb.saturating_sub(u64::from(had_tail)) + u64::from(tail);
        self.steps.clear();
        if tail {
            self.steps.push_back(Step::AfterWriteCallbacks {
                count: 1,
                cbs: 0,
                first: self.next_ord,
            });
        }
        self.insert_at = 0;
        true
    }

    /// `count` completions of a [`buffered_run`](Self::buffered_run), in order: for each, the
    /// write in flight completed successfully inside its sink call, the call returned, and the
    /// next buffered write was handed out (the driver is now in its sink call). Exactly
    /// `handle_write_done(Ok(()))`, `dispatch_returned()` and a `poll()` yielding that
    /// `Output::Write`, `count` times; only counters and the buffer move. Returns how many it
    /// took: no more than `buffered_run()` allows (a driver that kept to it gets `count`).
    pub fn sync_run(&mut self, count: u64) -> u64 {
        let run = count.min(self.buffered_run());
        if self.hand_out_run(run).is_none() {
            return 0;
        }
        // Each completion, inside its call with the next write out, took no tick.
        self.pending_cb = self.pending_cb.saturating_sub(run);
        run
    }

    /// The bookkeeping of a run: `n` buffered writes handed out one after another, each when
    /// the write before it completed successfully. The counters of `n` completions (the write
    /// in flight, then the first `n - 1` handed out) and `n` sink calls; the `n`th is left in
    /// its sink call, as `clear_buffer` and the poll hand a write out. Every write but the last
    /// is callback-less (what a run's proof checks). Returns the callback number of the last
    /// write completed, or `None` (nothing changed) when `n` is 0 or more than is buffered.
    fn hand_out_run(&mut self, n: u64) -> Option<u64> {
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n > 0 && n <= self.buffered.len() && n <= self.buffered_chunks.len())?;
        let mut done = self.write_len;
        let mut completed_first = self.write_first;
        let mut last: Option<Request> = None;
        for req in self.buffered.drain(..n) {
            if let Some(prev) = last.replace(req) {
                done = done.saturating_add(prev.len);
                completed_first = prev.ord;
            }
        }
        self.buffered_chunks.drain(..n);
        let req = last?;
        let n = n as u64;
        self.length = self.length.saturating_sub(done);
        self.stats.chunks_written += n;
        self.stats.units_written = self.stats.units_written.saturating_add(done);
        self.stats.sink_calls += n;
        let cbs = u32::from(req.cb.is_some());
        self.buffered_cbs = self.buffered_cbs.saturating_sub(cbs);
        self.start_write(
            req.len,
            1,
            cbs,
            req.ord,
            req.cb.is_some().then_some(req.chain),
        );
        // Handed out by the clearBuffer loop, which runs on while its sink call lasts.
        self.flags |= FROM_BUFFER | BUFFER_PROCESSING;
        self.insert_at = 0;
        Some(completed_first)
    }

    /// The chunks of the buffered writes, oldest first (a driver whose chunks live in the core
    /// reads a [`buffered_run`](Self::buffered_run)'s chunks here).
    pub fn buffered_chunks(&self) -> impl Iterator<Item = &C> {
        self.buffered_chunks.iter()
    }

    /// Right after [`poll`](Self::poll) handed out a `Write` or `Writev` (the driver is about
    /// to call the sink): whether, should that call return without completing the write and
    /// with nothing else reaching the core meanwhile, [`dispatch_returned`](Self::dispatch_returned)
    /// and the polls after it would produce no output at all. What is left to run then is at
    /// most Node's `afterWrite` of the completion that handed the write out, with no callback,
    /// and with the write in flight it owes no `'drain'` and cannot finish the stream; not
    /// destroyed, it does nothing else.
    ///
    /// A driver may then hold that return back and report it later, with
    /// [`dispatch_returned_quietly`](Self::dispatch_returned_quietly), before any other use of
    /// the core (an asynchronous sink's completion usually comes next: the two go in one call).
    pub fn quiet_return(&self) -> bool {
        if self.flags & (WRITING | SYNC | EXPECT_WRITE_CB) != WRITING | SYNC | EXPECT_WRITE_CB
            || self.lane_write.is_some()
        {
            return false;
        }
        let cbs = match (self.steps.front(), self.steps.len(), &self.lane_after) {
            (_, 0, None) => return true,
            (_, 0, Some((_, cbs, _))) | (Some(Step::AfterWrite { cbs, .. }), 1, None) => *cbs,
            _ => return false,
        };
        // When ending, its finishMaybe finds this write in flight, and 'drain' is never owed
        // after end().
        cbs == 0 && !self.has(DESTROYED) && !(self.has(NEED_DRAIN) && self.length == 0)
    }

    /// [`dispatch_returned`](Self::dispatch_returned) of a sink call whose return the driver
    /// held back on [`quiet_return`](Self::quiet_return)'s word, with the silent step left
    /// behind it run at once: exactly `dispatch_returned()` and polling until `None`.
    pub fn dispatch_returned_quietly(&mut self) {
        let quiet = self.quiet_return();
        self.dispatch_returned();
        if !quiet {
            // Not what quiet_return() promised (a driver that kept to it never gets here): the
            // steps stay for the next poll.
            return;
        }
        let (count, cbs, first) = if let Some(after) = self.lane_after.take() {
            after
        } else if let Some(&Step::AfterWrite { count, cbs, first }) = self.steps.front() {
            self.steps.pop_front();
            (count, cbs, first)
        } else {
            return;
        };
        self.insert_at = 0;
        self.after_write(count, cbs, first);
    }

    /// After the driver's sink call for a polled `Write`, `Writev` or `Final` returned.
    pub fn dispatch_returned(&mut self) {
        self.flags &= !SYNC;
        if self.has(BUFFER_PROCESSING) {
            self.continue_flush();
        }
    }

    /// `cork()`: buffer writes until a matching `uncork()`.
    pub fn cork(&mut self) {
        self.corked = self.corked.saturating_add(1);
    }

    /// While writes are being buffered (corked, a write in flight, or not constructed yet):
    /// how many units of callback-less writes would each be buffered and make `write()` return
    /// true (`length` stays below the highWaterMark), so a driver may accept them without a
    /// call each and hand them over later with
    /// [`write_buffered_batch`](Self::write_buffered_batch), before any other call into the
    /// core. 0 when writes would not be buffered, or the stream is ending, destroyed, errored
    /// or at the highWaterMark.
    ///
    /// Past a budget of at least one unit, the driver may go on: the first callback-less write
    /// of more units than the budget has left reaches the highWaterMark, so it is buffered and
    /// returns false, and from there on [`refuses_buffered_writes`](Self::refuses_buffered_writes)
    /// holds (for it and every callback-less write after it). `write_buffered_batch` takes
    /// them all alike.
    pub fn buffered_write_budget(&self) -> u64 {
        let buffering = self.corked > 0 || self.flags & (WRITING | CONSTRUCTED) != CONSTRUCTED;
        if !buffering || self.flags & (ENDING | DESTROYED) != 0 || self.errored.is_some() {
            return 0;
        }
        self.opts
            .high_water_mark
            .saturating_sub(self.length)
            .saturating_sub(1)
    }

    /// While writes are being buffered (see [`buffered_write_budget`](Self::buffered_write_budget)),
    /// with `length` already at the highWaterMark: every callback-less write would be buffered
    /// and make `write()` return false, changing nothing but counters (`'drain'` is owed
    /// already). A driver may then accept any number of them without a call each, returning
    /// false, and hand them over with [`write_buffered_batch`](Self::write_buffered_batch)
    /// before any other call into the core.
    pub fn refuses_buffered_writes(&self) -> bool {
        let buffering = self.corked > 0 || self.flags & (WRITING | CONSTRUCTED) != CONSTRUCTED;
        buffering
            && self.flags & (ENDING | DESTROYED) == 0
            && self.errored.is_none()
            && self.has(NEED_DRAIN)
            && !(self.length < self.opts.high_water_mark || self.length == 0)
    }

    /// Callback-less writes the driver accepted on its own while writes were being buffered,
    /// within a [`buffered_write_budget`](Self::buffered_write_budget) or on
    /// [`refuses_buffered_writes`](Self::refuses_buffered_writes), in order: each is
    /// `write(chunk, len, Callback::None)`. Returns how many of them returned false (what the
    /// driver answered, if it kept to the budget and the refusals).
    pub fn write_buffered_batch<I>(&mut self, writes: I) -> u64
    where
        I: IntoIterator<Item = (C, u64)>,
        I::IntoIter: Clone + ExactSizeIterator,
    {
        let writes = writes.into_iter();
        let buffering = self.corked > 0 || self.flags & (WRITING | CONSTRUCTED) != CONSTRUCTED;
        if buffering && self.flags & (ENDING | DESTROYED) == 0 && self.errored.is_none() {
            // While writes are buffered nothing but counters and the buffer moves: write() of
            // each would buffer it (corked, or behind the write in flight), add its units, and
            // return whether `length` is still below the highWaterMark. The counters in one
            // pass over the lengths, then the buffer takes the writes in bulk.
            self.begin();
            let (ord, chain) = (self.next_ord, self.cb_chain);
            let hwm = self.opts.high_water_mark;
            let object_mode = self.opts.object_mode;
            let base = self.length;
            let n = writes.len() as u64;
            let (total, accepted, refused);
            if object_mode {
                let mut sum = 0u64;
                for (_, len) in writes.clone() {
                    sum = sum.saturating_add(len);
                }
                // A unit each: the i-th (from 1) leaves `length` at base + i, which is never 0
                // and reaches the highWaterMark from i = hwm - base on.
                let first = hwm.saturating_sub(base).max(1);
                (total, accepted) = (n, sum);
                refused = (n + 1).saturating_sub(first);
            } else {
                // write() returns false once `length` is at the highWaterMark and not 0.
                let limit = hwm.max(1);
                let (mut length, mut over) = (base, 0u64);
                for (_, len) in writes.clone() {
                    length = length.saturating_add(len);
                    over += u64::from(length >= limit);
                }
                (total, accepted, refused) = (length - base, length - base, over);
            }
            // With a writev sink the buffer leaves whole (one batch), so the run takes one
            // request record; otherwise each write keeps its own, to go to the sink alone. So
            // does a write buffered while Node's clearBuffer loop hands writes out one at a time
            // (it began with one write buffered, and takes those buffered since, one by one,
            // while each completes inside its call), writev sink or not.
            let merge = self.opts.has_writev && !self.has(BUFFER_PROCESSING);
            if merge {
                self.push_merged_run(merge, n, total, chain, ord);
            } else {
                let record = |(_, len): (C, u64)| Request {
                    len: if object_mode { 1 } else { len },
                    cb: Callback::None,
                    chain,
                    ord,
                };
                self.buffered.extend(writes.clone().map(record));
            }
            self.buffered_chunks.extend(writes.map(|(chunk, _)| chunk));
            self.account_buffered_batch(n, total, accepted);
            if refused > 0 {
                self.flags |= NEED_DRAIN;
                self.stats.writes_refused_backpressure += refused;
            }
            return refused;
        }
        let mut refused = 0;
        for (chunk, len) in writes {
            if !matches!(
                self.write(chunk, len, Callback::None),
                WriteStatus::Buffered(true)
            ) {
                refused += 1;
            }
        }
        refused
    }

    /// With `merge` (a writev sink), the one request record of `writes` callback-less writes of
    /// `units` together that `write_buffered_batch` buffered (their chunks are in
    /// `buffered_chunks`).
    fn push_merged_run(&mut self, merge: bool, writes: u64, units: u64, chain: u32, ord: u64) {
        if merge && writes > 0 {
            self.buffered.push_back(Request {
                len: units,
                cb: Callback::None,
                chain,
                ord,
            });
        }
    }

    /// The length and counters of `writes` writes of `total` units (`accepted` as given) just
    /// buffered by `write_buffered_batch`.
    fn account_buffered_batch(&mut self, writes: u64, total: u64, accepted: u64) {
        self.pending_cb = self.pending_cb.saturating_add(writes);
        self.stats.chunks_accepted = self.stats.chunks_accepted.saturating_add(writes);
        self.stats.units_accepted = self.stats.units_accepted.saturating_add(accepted);
        self.length = self.length.saturating_add(total);
        self.stats.peak_length = self.stats.peak_length.max(self.length);
    }

    /// `uncork()`: undo one `cork()`; at zero the buffer goes to the sink (one `writev` batch
    /// when the sink has one).
    pub fn uncork(&mut self) {
        self.begin();
        if self.corked > 0 {
            self.flags |= LONE_FLUSH;
        }
        self.uncork_inner();
    }

    fn uncork_inner(&mut self) {
        if self.corked > 0 {
            self.corked -= 1;
            if !self.has(WRITING) {
                self.clear_buffer();
            }
        }
    }

    /// `end(cb)`, after the face wrote `end`'s chunk (if any): `write_rejected` is set when that
    /// write was [`WriteStatus::Rejected`] (Node passes that write's error to the callback).
    /// Returns where the callback goes.
    pub fn end(&mut self, has_cb: bool, write_rejected: bool) -> CallbackSlot {
        self.begin();
        let rejection = self.last_rejection.take();
        if self.corked > 0 {
            self.corked = 1;
            let was_writing = self.has(WRITING);
            // The tail ends the stream (and checks for finish) unless the chunk was refused or
            // end() was called before.
            if write_rejected || self.has(ENDING) {
                self.flags |= LONE_FLUSH;
            } else {
                self.flags &= !LONE_FLUSH;
            }
            self.uncork_inner();
            // Node's uncork() calls the sink before the rest of end() runs, so a sink that
            // completes synchronously has emptied the buffer (or failed) by the time end()
            // checks it: 'prefinish' and final come before the flushed writes' callbacks, a
            // synchronous failure leaves the stream errored and not ended, and the callback's
            // tick is queued after the failure's. So when the flush started a sink call, the
            // rest runs as a step after it. The callback's slot must be named now: a refused
            // chunk or an errored stream gets a one-off for sure; otherwise it goes to the end
            // list, uncounted until the tail decides (a one-off result then reaches it through
            // EndCallbacks), which needs it to be alone there. If it would not be, the tail runs
            // at once, as before: the callback gets the same error, one tick earlier.
            let known_one_off = write_rejected || self.errored.is_some();
            let flushed = !was_writing && self.has(WRITING);
            if flushed && (known_one_off || self.end_cbs == 0 && self.end_cbs_unlisted == 0) {
                let slot = if !has_cb {
                    CallbackSlot::None
                } else if known_one_off {
                    CallbackSlot::OneOff
                } else {
                    self.end_cbs_unlisted += 1;
                    CallbackSlot::End
                };
                let listed = slot == CallbackSlot::End;
                self.emit(Step::EndTail {
                    has_cb,
                    write_rejected,
                    rejection,
                    listed,
                });
                return slot;
            }
        }
        self.end_tail(has_cb, write_rejected, rejection, false)
    }

    /// The part of Node's `end()` after `uncork()`. `listed`: it runs as a step after the flush,
    /// and the driver already holds the callback in its end list, not yet counted in `end_cbs`.
    fn end_tail(
        &mut self,
        has_cb: bool,
        write_rejected: bool,
        rejection: Option<E>,
        listed: bool,
    ) -> CallbackSlot {
        let final_was_called = self.has(FINAL_CALLED);
        let mut err: Option<E> = None;
        if write_rejected {
            err = Some(rejection.unwrap_or_else(|| E::from_code(ErrorCode::WriteAfterEnd)));
        } else if !self.has(ENDING) && self.errored.is_none() {
            self.flags |= ENDING;
            self.finish_maybe(true);
            self.flags |= ENDED;
        } else if self.has(FINISHED) {
            err = Some(E::from_code(ErrorCode::AlreadyFinished("end")));
        } else if self.has(DESTROYED) {
            err = Some(E::from_code(ErrorCode::Destroyed("end")));
        }
        if !has_cb {
            return CallbackSlot::None;
        }
        if err.is_none()
            && !final_was_called
            && self.has(FINAL_CALLED)
            && self.end_cbs == 0
            && self.end_cbs_unlisted == u32::from(listed)
        {
            // finish_maybe() handed `final` to the sink, or emitted 'prefinish': decide where
            // the callback goes once that call has returned (and maybe failed synchronously),
            // or the listeners have run (and maybe destroyed the stream). Alone in the end list
            // (a listed one is there already), uncounted until then.
            if !listed {
                self.end_cbs_unlisted += 1;
            }
            self.emit(Step::PlaceEndCallback);
            return CallbackSlot::End;
        }
        let one_off = if let Some(err) = err {
            Err(err)
        } else if let Some(errored) = self.errored.clone() {
            Err(errored)
        } else if self.has(FINISHED) {
            Ok(())
        } else {
            if listed {
                self.end_cbs_unlisted = self.end_cbs_unlisted.saturating_sub(1);
            }
            self.end_cbs = self.end_cbs.saturating_add(1);
            return CallbackSlot::End;
        };
        self.schedule(if listed {
            Task::DeferredEndCallback(one_off)
        } else {
            Task::OneOff(one_off)
        });
        CallbackSlot::OneOff
    }

    /// `destroy(err)`: buffered writes fail, the sink's destroy runs once, then `'error'` (if
    /// any) and `'close'`.
    pub fn destroy(&mut self, err: Option<E>) {
        self.begin();
        self.destroy_inner(err);
    }

    /// `Writable.prototype.destroy`: schedule `errorBuffer`, then destroy.js's `destroy`.
    fn destroy_inner(&mut self, err: Option<E>) {
        if (!self.buffered.is_empty() || self.end_cbs > 0) && !self.has(DESTROYED) {
            self.schedule(Task::ErrorBuffer);
        }
        self.destroy_impl(err);
    }

    /// Report a failure of the stream that is not a sink completion (Node's `errorOrDestroy`):
    /// destroys with `err` under autoDestroy, else stores and emits it.
    pub fn error(&mut self, err: E) {
        self.begin();
        self.error_or_destroy(err, false);
    }

    // ---------------------------------------------------------------- inputs

    /// The sink completed the in-flight `Write`/`Writev` (Node's `onwrite`). Calling it when no
    /// write is in flight reports `ERR_MULTIPLE_CALLBACK`.
    pub fn handle_write_done(&mut self, result: Result<(), E>) {
        self.begin();
        self.on_write(result);
    }

    /// A successful completion inside the sink call of the write just dispatched, followed by
    /// [`dispatch_returned`](Self::dispatch_returned): exactly `handle_write_done(Ok(()))` then
    /// `dispatch_returned()`, with a short path for the case
    /// [`sync_completion_is_silent`](Self::sync_completion_is_silent) describes (no output, no
    /// tick: only the counters move). A driver that folded such a completion reports it here.
    pub fn handle_sync_write_done(&mut self) {
        if self.sync_completion_is_silent() {
            self.begin();
            let len = self.write_len;
            self.flags &= !(WRITING | EXPECT_WRITE_CB | FROM_BUFFER | SYNC);
            self.length = self.length.saturating_sub(len);
            self.stats.chunks_written += self.write_chunks;
            self.stats.units_written = self.stats.units_written.saturating_add(len);
            self.write_len = 0;
            self.write_chunks = 0;
            self.pending_cb = self.pending_cb.saturating_sub(1);
        } else {
            self.handle_write_done(Ok(()));
            self.dispatch_returned();
        }
    }

    /// Node's `onwrite`.
    fn on_write(&mut self, result: Result<(), E>) {
        if !self.has(EXPECT_WRITE_CB) {
            self.multiple_callback();
            return;
        }
        // Callbacks are numbered, so a completion may call its own while earlier writes' wait
        // for their ticks, as in Node.
        let sync = self.has(SYNC);
        let cbs = self.write_cbs;
        let first = self.write_first;
        let chain = self.write_chain;
        let from_buffer = self.has(FROM_BUFFER);
        self.flags &= !(WRITING | EXPECT_WRITE_CB | FROM_BUFFER);
        self.length = self.length.saturating_sub(self.write_len);
        let (len, chunks) = (self.write_len, self.write_chunks);
        self.write_len = 0;
        self.write_chunks = 0;
        self.write_cbs = 0;
        match result {
            Err(er) => self.on_write_failed(er, sync, cbs, first),
            Ok(()) => {
                self.stats.chunks_written += chunks;
                self.stats.units_written = self.stats.units_written.saturating_add(len);
                if !self.buffered.is_empty() {
                    if !sync {
                        // This completion's afterWrite checks for finish after the flush.
                        self.flags &= !LONE_FLUSH;
                    }
                    self.clear_buffer();
                }
                if sync && self.has(WRITING) {
                    // clear_buffer handed the next buffered write over: Node's clearBuffer calls
                    // the sink with it (and, while each completes inside its call, with the
                    // ones after it) before this onwrite goes on to its afterWrite tick, so
                    // those writes' ticks come first, and the drain check sees their lengths.
                    self.emit(Step::AfterWriteSync {
                        cbs,
                        first,
                        chain,
                        from_buffer,
                    });
                } else if sync {
                    self.after_write_sync(cbs, first, chain, from_buffer);
                } else if self.has(WRITING) {
                    // clear_buffer handed the next write over: Node's afterWrite runs after
                    // that sink call returned, so its 'drain' check sees a synchronous
                    // completion (or failure) of it in `length`.
                    self.emit_after_write(1, cbs, first);
                } else {
                    self.after_write(1, cbs, first);
                }
            }
        }
    }

    /// A completion reported when no write is in flight.
    #[cold]
    #[inline(never)]
    fn multiple_callback(&mut self) {
        self.error_or_destroy(E::from_code(ErrorCode::MultipleCallback), false);
    }

    /// The failure half of Node's `onwrite` (kept out of the hot path).
    #[cold]
    #[inline(never)]
    fn on_write_failed(&mut self, er: E, sync: bool, cbs: u32, first: u64) {
        if self.errored.is_none() {
            self.errored = Some(er.clone());
        }
        if sync {
            // Known divergence: Node's clearBuffer loop goes on handing the remaining
            // buffered writes to the sink after a synchronous failure (none is in
            // flight), and its error tick then calls back the writes still buffered
            // before the ones that succeeded meanwhile. The driver's in-order callback
            // FIFO cannot express that, so the core stops at the failure and discards
            // the rest with the error, as after an asynchronous failure.
            self.schedule(Task::OnWriteError {
                err: er,
                cbs,
                first,
            });
        } else {
            self.on_write_error(er, cbs, first);
        }
    }

    /// The sink's `final` completed (Node's `onFinish`).
    pub fn handle_final_done(&mut self, result: Result<(), E>) {
        self.begin();
        if self.has(PREFINISHED) {
            let err = match result {
                Err(e) => e,
                Ok(()) => E::from_code(ErrorCode::MultipleCallback),
            };
            self.error_or_destroy(err, false);
            return;
        }
        self.pending_cb = self.pending_cb.saturating_sub(1);
        match result {
            Err(err) => {
                // The end callbacks see the stream before errorOrDestroy, as in Node.
                self.call_finished_callbacks(Err(err.clone()));
                let sync = self.has(SYNC);
                self.emit(Step::ErrorOrDestroy { err, sync });
            }
            Ok(()) => {
                if self.need_finish() {
                    self.flags |= PREFINISHED;
                    // Node queues the finishing tick after 'prefinish' returns: behind the
                    // ticks of whatever its listeners did.
                    self.emit(Step::Out(Output::Event(Event::Prefinish)));
                    self.emit(Step::FinalDoneTail);
                }
            }
        }
    }

    /// The sink's destroy completed (Node's `onDestroy`); later calls are ignored.
    pub fn handle_destroy_done(&mut self, err: Option<E>) {
        self.begin();
        if self.has(DESTROY_DONE) {
            return;
        }
        self.flags |= DESTROY_DONE | CLOSED;
        match err {
            Some(err) => {
                if self.errored.is_none() {
                    self.errored = Some(err.clone());
                }
                self.schedule(Task::EmitErrorClose(err));
            }
            None => self.schedule(Task::EmitClose),
        }
    }

    /// The sink's `construct` completed (Node defers `onConstruct` by one tick).
    pub fn handle_construct_done(&mut self, err: Option<E>) {
        self.begin();
        self.schedule(Task::OnConstruct(err));
    }

    /// Run the oldest deferred task; the driver calls this once per [`Output::ScheduleTick`].
    pub fn handle_tick(&mut self) {
        self.begin();
        let Some(task) = self.tasks.pop_front() else {
            return;
        };
        self.tasks_taken += 1;
        match task {
            Task::AfterWrite {
                count,
                cbs,
                first,
                info,
            } => {
                if info {
                    // Node's afterWriteTick forgets the coalescing info whichever tick it was.
                    self.flags &= !AFTER_WRITE_TICK_INFO;
                }
                self.after_write(count, cbs, first);
            }
            Task::OnWriteError { err, cbs, first } => self.on_write_error(err, cbs, first),
            Task::FinishMaybe => {
                if self.need_finish() {
                    self.finish();
                } else {
                    self.pending_cb = self.pending_cb.saturating_sub(1);
                }
            }
            Task::Finish => self.finish(),
            Task::ErrorBuffer => self.error_buffer(),
            Task::EmitErrorClose(err) => {
                self.emit_error_nt(err);
                self.emit(Step::EmitClose);
            }
            Task::EmitClose => self.emit_close_nt(),
            Task::EmitError(err) => self.emit_error_nt(err),
            Task::OneOff(result) => self.emit(Step::Out(Output::OneOffCallback(result))),
            Task::DeferredEndCallback(result) => {
                self.end_cbs_unlisted = self.end_cbs_unlisted.saturating_sub(1);
                self.emit(Step::Out(Output::EndCallbacks(result)));
            }
            Task::Construct => self.emit(Step::Out(Output::Construct)),
            Task::OnConstruct(err) => self.on_construct(err),
        }
    }

    // ---------------------------------------------------------------- outputs

    /// The next thing the driver must do, or `None` when there is nothing left.
    pub fn poll(&mut self) -> Option<Output<C, E>> {
        self.poll_ahead_of(0)
    }

    /// Whether anything but ticks to schedule waits ahead of the last `outer` steps: after a
    /// completion inside a sink call, what Node's `onwrite` does before that call returns. It
    /// hands the buffered writes to the sink (`clearBuffer`), and a completion that ends the
    /// writing calls `final` or emits `'prefinish'` (`finishMaybe`), whose listeners may destroy
    /// the stream. A driver that evaluates `write()`'s return after the sink call
    /// ([`write_returned`](Self::write_returned)) lets all that run first, as Node's does.
    pub fn runs_before_return(&self, outer: usize) -> bool {
        let ahead = self.queued().saturating_sub(outer);
        self.lane_write.is_some()
            || self
                .steps
                .iter()
                .take(ahead)
                .any(|s| !matches!(s, Step::Out(Output::ScheduleTick)))
    }

    /// How many steps wait in the queue (outputs to come, or silent steps before them).
    pub fn queued(&self) -> usize {
        self.steps.len()
            + usize::from(self.lane_write.is_some())
            + usize::from(self.lane_after.is_some())
    }

    /// [`poll`](Self::poll), leaving the last `outer` steps of the queue where they are: `None`
    /// once no more than those wait. A driver that runs user code for an output (a listener, a
    /// callback) while `outer` steps wait behind it uses this to carry out what a call from that
    /// code adds (an operation's steps go before anything already queued), at once, as Node does
    /// inside the call; the rest of the queue waits until that code has returned.
    pub fn poll_ahead_of(&mut self, outer: usize) -> Option<Output<C, E>> {
        if self.queued() <= outer {
            return None;
        }
        if let Some(chunk) = self.lane_write.take() {
            self.insert_at = 0;
            if !self.has(DESTROYED) {
                // run_step's DoWrite of a write on a live stream.
                self.flags |= SYNC;
                return Some(Output::Write(chunk));
            }
            if let Some(out) = self.run_step(Step::DoWrite(Output::Write(chunk))) {
                return Some(out);
            }
        }
        loop {
            if self.queued() <= outer {
                return None;
            }
            let step = match self.steps.pop_front() {
                Some(step) => step,
                None => {
                    let (count, cbs, first) = self.lane_after.take()?;
                    Step::AfterWrite { count, cbs, first }
                }
            };
            self.insert_at = 0;
            if let Some(out) = self.run_step(step) {
                return Some(out);
            }
        }
    }

    // ---------------------------------------------------------------- internals

    fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// Start of an operation: its outputs go before anything already pending.
    fn begin(&mut self) {
        self.insert_at = 0;
    }

    #[inline]
    fn emit(&mut self, step: Step<C, E>) {
        if self.lane_write.is_some() || self.lane_after.is_some() {
            self.unlane();
        }
        let len = self.steps.len();
        let at = self.insert_at;
        // Nearly always at one end: those need none of `insert`'s shifting.
        if at >= len {
            self.steps.push_back(step);
            self.insert_at = len + 1;
        } else {
            if at == 0 {
                self.steps.push_front(step);
            } else {
                self.steps.insert(at, step);
            }
            self.insert_at = at + 1;
        }
    }

    /// Move the lanes' steps into `steps`, in their places (see `lane_write`).
    #[cold]
    fn unlane(&mut self) {
        if let Some(chunk) = self.lane_write.take() {
            self.steps.push_front(Step::DoWrite(Output::Write(chunk)));
        }
        if let Some((count, cbs, first)) = self.lane_after.take() {
            self.steps.push_back(Step::AfterWrite { count, cbs, first });
        }
    }

    /// `emit(Step::DoWrite(Output::Write(chunk)))`, in `lane_write` when it goes first in an
    /// empty queue (the usual case).
    fn emit_do_write(&mut self, chunk: C) {
        if self.insert_at == 0 && self.lane_write.is_none() && self.steps.is_empty() {
            self.lane_write = Some(chunk);
            self.insert_at = 1;
        } else {
            self.emit(Step::DoWrite(Output::Write(chunk)));
        }
    }

    /// `emit(Step::AfterWrite { .. })`, in `lane_after` when it goes last (the usual case).
    fn emit_after_write(&mut self, count: u32, cbs: u32, first: u64) {
        let end = self.steps.len() + usize::from(self.lane_write.is_some());
        if self.insert_at == end && self.lane_after.is_none() {
            self.lane_after = Some((count, cbs, first));
            self.insert_at = end + 1;
        } else {
            self.emit(Step::AfterWrite { count, cbs, first });
        }
    }

    fn schedule(&mut self, task: Task<E>) {
        self.tasks.push_back(task);
        self.emit(Step::Out(Output::ScheduleTick));
    }

    fn size_of(&self, len: u64) -> u64 {
        if self.opts.object_mode {
            1
        } else {
            len
        }
    }

    fn write_result(&mut self) -> bool {
        let ret = self.length < self.opts.high_water_mark || self.length == 0;
        if !ret {
            self.flags |= NEED_DRAIN;
            self.stats.writes_refused_backpressure += 1;
        }
        ret && !self.has(DESTROYED) && self.errored.is_none()
    }

    fn write_or_buffer(&mut self, chunk: C, len: u64, cb: Callback) -> WriteStatus<C> {
        let len = self.size_of(len);
        let ord = self.next_ord;
        if cb.is_some() {
            self.next_ord += 1;
        }
        self.length = self.length.saturating_add(len);
        self.stats.peak_length = self.stats.peak_length.max(self.length);
        if self.has(WRITING) || self.errored.is_some() || self.corked > 0 || !self.has(CONSTRUCTED)
        {
            if cb.is_some() {
                self.buffered_cbs += 1;
            }
            self.buffered.push_back(Request {
                len,
                cb,
                chain: self.cb_chain,
                ord,
            });
            self.buffered_chunks.push_back(chunk);
            WriteStatus::Buffered(self.write_result())
        } else {
            self.start_write(
                len,
                1,
                u32::from(cb.is_some()),
                ord,
                cb.is_some().then_some(self.cb_chain),
            );
            self.stats.sink_calls += 1;
            WriteStatus::Dispatch(chunk)
        }
    }

    /// The bookkeeping half of Node's `doWrite`.
    fn start_write(&mut self, len: u64, chunks: u64, cbs: u32, first: u64, chain: Option<u32>) {
        self.write_len = len;
        self.write_chunks = chunks;
        self.write_cbs = cbs;
        self.write_first = first;
        self.write_chain = chain;
        self.flags = (self.flags | WRITING | SYNC | EXPECT_WRITE_CB) & !FROM_BUFFER;
    }

    fn clear_buffer(&mut self) {
        if self.has(DESTROYED)
            || self.corked > 0
            || self.buffered.is_empty()
            || !self.has(CONSTRUCTED)
            || self.has(BUFFER_PROCESSING)
        {
            return;
        }
        // Writes, not request records: with a writev sink a run of writes may share a record.
        if self.buffered_chunks.len() > 1 && self.opts.has_writev {
            let n = self.buffered_chunks.len() as u64;
            self.pending_cb = self.pending_cb.saturating_sub(n - 1);
            let cbs = self.buffered_cbs;
            self.buffered_cbs = 0;
            // The batch's callbacks are numbered consecutively from its first one's.
            let first = if cbs == 0 {
                self.next_ord
            } else {
                self.buffered
                    .iter()
                    .find(|r| r.cb.is_some())
                    .map_or(self.next_ord, |r| r.ord)
            };
            self.buffered.clear();
            let chunks = Vec::from(std::mem::take(&mut self.buffered_chunks));
            self.start_write(self.length, n, cbs, first, None);
            self.flags = (self.flags & !SYNC) | FROM_BUFFER;
            self.stats.sink_calls += 1;
            self.stats.writev_calls += 1;
            self.emit(Step::DoWrite(Output::Writev(chunks)));
        } else {
            self.hand_out_next();
        }
    }

    /// One turn of Node's `clearBuffer` loop (one write at a time): the oldest buffered write
    /// goes to the sink.
    fn hand_out_next(&mut self) {
        let (Some(req), Some(chunk)) =
            (self.buffered.pop_front(), self.buffered_chunks.pop_front())
        else {
            self.flags &= !BUFFER_PROCESSING;
            return;
        };
        if req.cb.is_some() {
            self.buffered_cbs = self.buffered_cbs.saturating_sub(1);
        }
        self.start_write(
            req.len,
            1,
            u32::from(req.cb.is_some()),
            req.ord,
            req.cb.is_some().then_some(req.chain),
        );
        self.flags = (self.flags & !SYNC) | FROM_BUFFER | BUFFER_PROCESSING;
        self.stats.sink_calls += 1;
        self.emit_do_write(chunk);
    }

    /// Node's `clearBuffer` loop after one of its sink calls returned: the next write goes out
    /// while nothing is writing (its only test: not cork, not errors; `doWrite` checks
    /// `destroyed`, as the `DoWrite` step does); otherwise the loop ends.
    fn continue_flush(&mut self) {
        if self.has(WRITING) || self.buffered.is_empty() {
            self.flags &= !BUFFER_PROCESSING;
            return;
        }
        self.begin();
        self.hand_out_next();
    }

    /// The sync branch of Node's `onwrite`: completions inside the sink call defer their
    /// callbacks (and `'drain'`) to a tick, coalescing runs of the same callback.
    fn after_write_sync(&mut self, cbs: u32, first: u64, chain: Option<u32>, from_buffer: bool) {
        let need_drain = self.has(NEED_DRAIN) && self.length == 0;
        // Node 20 writes `(state[kState] & kDestroyed !== 0)`, which JS parses as
        // `state[kState] & true`, i.e. bit 0: `kObjectMode`. So in Node an object-mode stream
        // takes a tick even for a callback-less write (its 'finish' comes after a nextTick the
        // user queued after end()), and `destroyed` plays no part. Mirrored as observed.
        let need_tick = need_drain || self.opts.object_mode || cbs > 0;
        if cbs == 0 {
            if !self.has(AFTER_WRITE_PENDING) && need_tick {
                self.flags |= AFTER_WRITE_PENDING;
                self.schedule(Task::AfterWrite {
                    count: 1,
                    cbs: 0,
                    first,
                    info: false,
                });
            } else {
                self.completed_without_tick(from_buffer);
            }
        } else if chain.is_some_and(|c| c == self.after_write_info_chain)
            && self.has(AFTER_WRITE_TICK_INFO)
            && self.bump_after_write_info(first)
        {
            // Coalesced into the pending tick of the same callback (Node: `info.cb === cb`).
        } else if need_tick {
            self.flags |= AFTER_WRITE_PENDING;
            match chain {
                Some(c) => {
                    self.flags |= AFTER_WRITE_TICK_INFO;
                    self.after_write_info_chain = c;
                }
                // A writev's callback is a closure of its own: no later write matches it.
                None => self.flags &= !AFTER_WRITE_TICK_INFO,
            }
            self.after_write_info_seq = self.tasks_taken + self.tasks.len() as u64;
            self.schedule(Task::AfterWrite {
                count: 1,
                cbs,
                first,
                info: true,
            });
        } else {
            self.completed_without_tick(from_buffer);
        }
    }

    /// Add a completion whose callback is number `ord` to the pending coalescing tick, when
    /// that tick's callbacks end just before `ord` (they are called as one numbered run).
    fn bump_after_write_info(&mut self, ord: u64) -> bool {
        let Some(index) = self.after_write_info_seq.checked_sub(self.tasks_taken) else {
            return false;
        };
        match self.tasks.get_mut(index as usize) {
            Some(Task::AfterWrite {
                count,
                cbs,
                first,
                info: true,
            }) if first.saturating_add(u64::from(*count) * u64::from(*cbs)) == ord => {
                *count += 1;
                true
            }
            _ => false,
        }
    }

    fn completed_without_tick(&mut self, from_buffer: bool) {
        self.pending_cb = self.pending_cb.saturating_sub(1);
        if self.has(ENDING) && (!from_buffer || self.lone_flush()) {
            self.finish_maybe(true);
        }
    }

    /// A flush with no finish check after it. An afterWrite tick already pending is one (Node
    /// finishes there), and so is the rest of an afterWrite whose callbacks or `'drain'`
    /// listeners made the flush (an `uncork()` in a write callback), or the rest of the
    /// `onwrite` whose completion made it (`AfterWriteSync`, or the afterWrite of an
    /// asynchronous one).
    fn lone_flush(&self) -> bool {
        self.flags & (LONE_FLUSH | AFTER_WRITE_PENDING) == LONE_FLUSH
            && self.lane_after.is_none()
            && !self.steps.iter().any(|s| {
                matches!(
                    s,
                    Step::AfterWrite { .. }
                        | Step::AfterWriteTail
                        | Step::AfterWriteCallbacks { .. }
                        | Step::AfterWriteSync { .. }
                )
            })
    }

    /// Node's `afterWrite`: `'drain'` if owed, the callbacks, then the tail (continuations).
    ///
    /// Always the last thing its caller does, so when no `'drain'` listener has to run first,
    /// the rest runs at once instead of as a step: the same order, without the queue.
    fn after_write(&mut self, count: u32, cbs: u32, first: u64) {
        self.flags &= !AFTER_WRITE_PENDING;
        let need_drain =
            self.flags & (ENDING | NEED_DRAIN | DESTROYED) == NEED_DRAIN && self.length == 0;
        if need_drain {
            self.flags &= !NEED_DRAIN;
            self.stats.drains += 1;
            self.emit(Step::Out(Output::Event(Event::Drain)));
            self.emit(Step::AfterWriteCallbacks { count, cbs, first });
        } else if let Some(out) = self.after_write_callbacks(count, cbs, first) {
            self.emit(Step::Out(out));
            self.emit(Step::AfterWriteTail);
        } else {
            self.after_write_tail();
        }
    }

    /// `afterWrite` after `'drain'`: the callbacks (returned, if any), with the tail still to
    /// run after them.
    fn after_write_callbacks(&mut self, count: u32, cbs: u32, first: u64) -> Option<Output<C, E>> {
        self.pending_cb = self.pending_cb.saturating_sub(u64::from(count));
        let n = count.saturating_mul(cbs);
        (n > 0).then_some(Output::WriteCallbacks {
            first,
            count: n,
            result: Ok(()),
        })
    }

    /// `afterWrite` after the callbacks.
    fn after_write_tail(&mut self) {
        if self.has(DESTROYED) {
            self.error_buffer();
        }
        if self.has(ENDING) {
            self.finish_maybe(true);
        }
    }

    fn on_write_error(&mut self, err: E, cbs: u32, first: u64) {
        self.pending_cb = self.pending_cb.saturating_sub(1);
        if cbs > 0 {
            self.emit(Step::Out(Output::WriteCallbacks {
                first,
                count: cbs,
                result: Err(err.clone()),
            }));
        }
        self.emit(Step::OnWriteErrorTail(err));
    }

    /// Node's `errorBuffer`: fail every buffered request and the pending end callbacks.
    fn error_buffer(&mut self) {
        if self.has(WRITING) {
            return;
        }
        self.error_buffer_loop();
    }

    /// Node's `errorBuffer` loop, from where it is: take each buffered write's units off
    /// `length` just before calling its callback (a callback sees the writes after it still
    /// counted), re-reading the buffer after each callback (one may buffer more writes, which
    /// the same loop discards), then the end callbacks. Numbered callbacks let the driver call
    /// the discarded writes' callbacks now, even while earlier writes' callbacks still wait for
    /// their ticks, as Node does.
    fn error_buffer_loop(&mut self) {
        if !self.buffered_chunks.is_empty() {
            let count = u32::try_from(self.buffered_chunks.len()).unwrap_or(u32::MAX);
            self.emit(Step::Out(Output::Discard { count }));
            self.buffered_chunks.clear();
        }
        while let Some(req) = self.buffered.pop_front() {
            self.length = self.length.saturating_sub(req.len);
            if req.cb.is_some() {
                self.buffered_cbs = self.buffered_cbs.saturating_sub(1);
                // Node makes a new ERR_STREAM_DESTROYED for each callback.
                let err = match &self.errored {
                    Some(e) => e.clone(),
                    None => E::from_code(ErrorCode::Destroyed("write")),
                };
                self.emit(Step::Out(Output::WriteCallbacks {
                    first: req.ord,
                    count: 1,
                    result: Err(err),
                }));
                self.emit(Step::ErrorBufferLoop);
                return;
            }
        }
        self.buffered_cbs = 0;
        let err = self
            .errored
            .clone()
            .unwrap_or_else(|| E::from_code(ErrorCode::Destroyed("end")));
        self.call_finished_callbacks(Err(err));
    }

    fn call_finished_callbacks(&mut self, result: Result<(), E>) {
        if self.end_cbs == 0 {
            return;
        }
        self.end_cbs = 0;
        self.emit(Step::Out(Output::EndCallbacks(result)));
    }

    fn need_finish(&self) -> bool {
        self.flags
            & (ENDING
                | DESTROYED
                | CONSTRUCTED
                | FINISHED
                | WRITING
                | ERROR_EMITTED
                | CLOSE_EMITTED)
            == ENDING | CONSTRUCTED
            && self.errored.is_none()
            && self.buffered.is_empty()
            && self.length == 0
    }

    fn finish_maybe(&mut self, sync: bool) {
        if self.need_finish() {
            self.prefinish();
            self.emit(Step::FinishMaybeTail { sync });
        }
    }

    fn prefinish(&mut self) {
        if self.has(PREFINISHED) || self.has(FINAL_CALLED) {
            return;
        }
        if self.opts.has_final && !self.has(DESTROYED) {
            self.flags |= FINAL_CALLED;
            self.pending_cb += 1;
            self.emit(Step::DoWrite(Output::Final));
        } else {
            self.flags |= FINAL_CALLED | PREFINISHED;
            self.emit(Step::Out(Output::Event(Event::Prefinish)));
        }
    }

    fn finish(&mut self) {
        self.pending_cb = self.pending_cb.saturating_sub(1);
        self.flags |= FINISHED;
        self.call_finished_callbacks(Ok(()));
        self.emit(Step::Out(Output::Event(Event::Finish)));
        self.emit(Step::AutoDestroy);
    }

    fn error_or_destroy(&mut self, err: E, sync: bool) {
        if self.has(DESTROYED) {
            return;
        }
        if self.opts.auto_destroy {
            self.destroy_inner(Some(err));
        } else {
            if self.errored.is_none() {
                self.errored = Some(err.clone());
            }
            if sync {
                self.schedule(Task::EmitError(err));
            } else {
                self.emit_error_nt(err);
            }
        }
    }

    /// Node's `destroy` (destroy.js).
    fn destroy_impl(&mut self, err: Option<E>) {
        if self.has(DESTROYED) {
            return;
        }
        if let Some(e) = &err {
            if self.errored.is_none() {
                self.errored = Some(e.clone());
            }
        }
        self.flags |= DESTROYED;
        if !self.has(CONSTRUCTED) {
            self.flags |= DESTROY_DEFERRED;
            self.deferred_destroy_err = err;
        } else {
            self.emit(Step::Out(Output::Destroy(err)));
        }
    }

    fn emit_error_nt(&mut self, err: E) {
        if self.has(ERROR_EMITTED) {
            return;
        }
        self.flags |= ERROR_EMITTED;
        self.emit(Step::Out(Output::Event(Event::Error(err))));
    }

    fn emit_close_nt(&mut self) {
        self.flags |= CLOSE_EMITTED;
        if self.opts.emit_close {
            self.emit(Step::Out(Output::Event(Event::Close)));
        }
    }

    fn on_construct(&mut self, err: Option<E>) {
        if self.has(CONSTRUCT_DONE) {
            let err = err.unwrap_or_else(|| E::from_code(ErrorCode::MultipleCallback));
            self.error_or_destroy(err, false);
            return;
        }
        self.flags |= CONSTRUCT_DONE | CONSTRUCTED;
        if self.has(DESTROYED) {
            if self.has(DESTROY_DEFERRED) {
                self.flags &= !DESTROY_DEFERRED;
                let destroy_err = self.deferred_destroy_err.take();
                // Node's `aggregateTwoErrors(constructErr, destroyErr)`.
                let err = match (err, destroy_err) {
                    (Some(inner), Some(outer)) => Some(E::aggregate(inner, outer)),
                    (inner, outer) => inner.or(outer),
                };
                self.emit(Step::Out(Output::Destroy(err)));
            }
        } else if let Some(err) = err {
            self.error_or_destroy(err, true);
        } else {
            if !self.has(WRITING) {
                self.flags &= !LONE_FLUSH;
                self.clear_buffer();
            }
            // Node's kOnConstructed calls finishMaybe after clearBuffer's sink call returned.
            self.emit(Step::FinishMaybe { sync: false });
        }
    }

    fn run_step(&mut self, step: Step<C, E>) -> Option<Output<C, E>> {
        match step {
            Step::Out(out) => Some(out),
            Step::DoWrite(out) => {
                if matches!(out, Output::Final) {
                    if self.has(DESTROYED) {
                        // Node checks `destroyed` before calling `_final`; the final that can no
                        // longer run completes nothing.
                        return None;
                    }
                    self.flags |= SYNC;
                    return Some(out);
                }
                if self.has(DESTROYED) {
                    let count = match &out {
                        Output::Writev(batch) => u32::try_from(batch.len()).unwrap_or(u32::MAX),
                        _ => 1,
                    };
                    self.emit(Step::Out(Output::Discard { count }));
                    self.flags |= SYNC;
                    self.on_write(Err(E::from_code(ErrorCode::Destroyed("write"))));
                    self.flags &= !SYNC;
                    if self.has(BUFFER_PROCESSING) {
                        // Node's clearBuffer loop goes on: each buffered write left fails the
                        // same way (doWrite checks destroyed), emptying the buffer.
                        self.continue_flush();
                    }
                    return None;
                }
                self.flags |= SYNC;
                Some(out)
            }
            Step::AfterWrite { count, cbs, first } => {
                self.after_write(count, cbs, first);
                None
            }
            Step::FinishMaybe { sync } => {
                if self.has(ENDING) {
                    self.finish_maybe(sync);
                }
                None
            }
            Step::AfterWriteCallbacks { count, cbs, first } => {
                let out = self.after_write_callbacks(count, cbs, first);
                if out.is_some() {
                    self.emit(Step::AfterWriteTail);
                } else {
                    self.after_write_tail();
                }
                out
            }
            Step::AfterWriteTail => {
                self.after_write_tail();
                None
            }
            Step::AfterWriteSync {
                cbs,
                first,
                chain,
                from_buffer,
            } => {
                self.after_write_sync(cbs, first, chain, from_buffer);
                None
            }
            Step::FinalDoneTail => {
                self.pending_cb += 1;
                self.schedule(Task::Finish);
                None
            }
            Step::ErrorBufferLoop => {
                self.error_buffer_loop();
                None
            }
            Step::OnWriteErrorTail(err) => {
                // errorBuffer's callbacks run before errorOrDestroy: they see the stream not
                // yet destroyed, and what they do comes first.
                self.error_buffer();
                self.emit(Step::ErrorOrDestroy { err, sync: false });
                None
            }
            Step::ErrorOrDestroy { err, sync } => {
                self.error_or_destroy(err, sync);
                None
            }
            Step::FinishMaybeTail { sync } => {
                if self.pending_cb == 0 {
                    if sync {
                        self.pending_cb += 1;
                        self.schedule(Task::FinishMaybe);
                    } else if self.need_finish() {
                        self.pending_cb += 1;
                        self.finish();
                    }
                }
                None
            }
            Step::AutoDestroy => {
                if self.opts.auto_destroy {
                    self.destroy_inner(None);
                }
                None
            }
            Step::EmitClose => {
                self.emit_close_nt();
                None
            }
            Step::EndTail {
                has_cb,
                write_rejected,
                rejection,
                listed,
            } => {
                self.end_tail(has_cb, write_rejected, rejection, listed);
                None
            }
            Step::PlaceEndCallback => {
                let one_off = if let Some(errored) = self.errored.clone() {
                    Err(errored)
                } else if self.has(FINISHED) {
                    Ok(())
                } else {
                    self.end_cbs_unlisted = self.end_cbs_unlisted.saturating_sub(1);
                    self.end_cbs = self.end_cbs.saturating_add(1);
                    return None;
                };
                self.schedule(Task::DeferredEndCallback(one_off));
                None
            }
        }
    }
}
