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

pub mod error;
pub mod sim;
pub mod writable;

pub use error::{validate_high_water_mark, ErrorClass, ErrorCode, StreamError};
pub use writable::{
    Callback, CallbackSlot, Event, Options, Output, Stats, WritableCore, WriteStatus, DEFAULT_HIGH_WATER_MARK,
    DEFAULT_OBJECT_HIGH_WATER_MARK,
};
