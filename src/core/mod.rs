//! The core: one deterministic, sans-I/O state machine for the writing side of a stream.
//!
//! It owns what Node's `WritableState` owns — the queue of write requests, `length` against
//! `highWaterMark`, `needDrain`, the nested cork counter, writev batching, the lifecycle
//! (writable → ending → prefinish → finish, destroy, errors) and the order of every event and
//! callback — and nothing else: it does no I/O, reads no clock, holds no JS value it does not
//! get from its driver, and never calls out. In the style of `quinn-proto`:
//!
//! * **commands** in: [`WritableCore::write`], [`cork`](WritableCore::cork),
//!   [`uncork`](WritableCore::uncork), [`end`](WritableCore::end),
//!   [`destroy`](WritableCore::destroy);
//! * **inputs** from the sink and the host: `handle_write_done`, `handle_final_done`,
//!   `handle_destroy_done`, `handle_construct_done`, `handle_tick`;
//! * **outputs** polled out with [`WritableCore::poll`]: sink actions (`Write`, `Writev`,
//!   `Final`, `Destroy`, `Construct`), callbacks to call, events to emit, and tick requests.
//!
//! The reference for every rule is Node 20's `lib/internal/streams/writable.js` and
//! `destroy.js` (<https://nodejs.org/docs/latest-v20.x/api/stream.html#class-streamwritable>);
//! function names match Node's so the two can be read side by side. [`sim`] is a reference
//! driver that shows the protocol a face follows.
//!
//! # Contract in brief
//!
//! * `write()` always accepts the chunk (unless ended/destroyed) and returns
//!   `length < highWaterMark || length == 0`, evaluated after an idle sink had its chance to
//!   complete synchronously; false sets `needDrain`. `'drain'` follows only a false write, once
//!   `length` is back to 0, never after `end()`.
//! * A completion inside the sink call (synchronous) never runs user callbacks inline: they are
//!   deferred to a tick the driver provides.
//! * `cork()` nests; `uncork()` at zero hands the whole buffer to `writev` in one batch when the
//!   sink has one, else one write after another; `end()` uncorks fully.
//! * Finish waits for every write callback and `final`; `'prefinish'` → `'finish'` → (autoDestroy)
//!   destroy → `'close'`. A sink error: its write's callback first, then buffered callbacks with
//!   the error, one `'error'`, then `'close'`.
//!
//! # Never panics
//!
//! The crate denies `unwrap`, `expect`, `panic!` and slice indexing outside tests (clippy lints
//! in `lib.rs`); counters saturate; the property tests drive random command sequences through
//! [`sim::Sim`] and the `fuzz/` target (`cargo +nightly fuzz run core_commands`) does the same
//! with coverage guidance.
//!
//! # Fidelity to Node 20
//!
//! `tests/core_props.rs` also runs the same random command sequences through Node 20's own
//! `stream.Writable` (with `process.nextTick` made steppable) and compares every sink call,
//! callback, event, return value and the state after each command
//! (`NODE_DIFF_CASES=5000 cargo test --test core_props node_differential`). Node quirks the core
//! reproduces on purpose: an object-mode stream takes an `afterWrite` tick even for a
//! callback-less synchronous write (Node's `needTick` reads `state & kDestroyed !== 0`, i.e. bit
//! 0, `kObjectMode`); `'finish'` still follows an `'error'` raised after a successful `final`.
//! Where the core differs, deliberately:
//!
//! * After a synchronous sink failure, Node's `clearBuffer` loop keeps handing the remaining
//!   buffered writes to the sink; the core stops and discards them with the error (as after an
//!   asynchronous failure). (Write callbacks are numbered — see [`Output::WriteCallbacks`] — so
//!   Node's order could now be followed here too; not done yet.)
//!
//! Write callbacks are numbered in the order their writes were accepted and called by number,
//! so they may run out of write order exactly where Node's do: a completion calls its own
//! callback at once while earlier writes' callbacks wait for their ticks, and a destroy or error
//! calls the discarded writes' callbacks before those.
//!
//! * `cork()` after `end()`, then an `uncork()` (or another `end()`, which uncorks) whose flush
//!   completes synchronously without callbacks: Node never emits `'finish'`; the core does.
//! * `destroy(err)` during `construct` that then fails: Node passes an `AggregateError` (the
//!   destroy error's code and message); the core passes [`StreamError::aggregate`], by default the
//!   destroy error.
//! * Coalescing of synchronous completions follows [`Callback::Same`] (same function as the
//!   previous write's callback); Node compares the functions themselves.
//! * An `end()` whose uncork flush calls the sink sets `writableEnded` after that call, as Node
//!   does; a listener re-entering the core from inside that flush sees it unset a little longer.

pub mod error;
pub mod sim;
pub mod writable;

pub use error::{validate_high_water_mark, ErrorClass, ErrorCode, StreamError};
pub use writable::{
    BatchRun, Callback, CallbackSlot, DrainRunEnd, Event, Options, Output, Stats, WritableCore,
    WriteStatus, DEFAULT_HIGH_WATER_MARK, DEFAULT_OBJECT_HIGH_WATER_MARK,
};
