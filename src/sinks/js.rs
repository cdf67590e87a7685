//! The JavaScript side of sinks: asynchronous completion, inner sinks that may be Rust or JS, and
//! [`export_sink!`](crate::export_sink), which exports a Rust sink to JavaScript in a few lines.
//!
//! # Design: where asynchronous completion lives
//!
//! The [`Sink`] trait stays synchronous and free of JavaScript: every sink whose work is CPU work
//! (memory, counting, digests, compression, batching policy, serialisation, the token bucket's
//! arithmetic) finishes when its call returns, and is tested natively with `cargo test`. Waiting
//! only ever comes from JavaScript: a JS inner sink that returns a promise, a timer, a socket. So
//! waiting is expressed with JavaScript's own type, here, in [`JsSink`], whose methods return a
//! [`Completion`]: [`Completion::Ready`] (done when the call returns) or
//! [`Completion::Pending`] with a `Promise` that settles when the work is done (rejects on
//! failure). Every [`Sink`] is a [`JsSink`] that is always ready (a blanket impl). This is the
//! *sink object protocol* of the JavaScript faces (`write(chunk)` → `undefined` | `Promise` |
//! throws) seen from Rust, so a sink exported from Rust and a sink written in JS are driven the
//! same way, and synchronous sinks never pay for a promise.
//!
//! Wrapper sinks (gzip, batch, fan-out, …) write into [`Target`]s: either another Rust sink,
//! reached directly without crossing into JavaScript or copying bytes out of wasm memory, or any
//! JS object that follows the protocol.
//!
//! # Exporting your own sink
//!
//! Implement [`Sink`] (or [`JsSink`] for one that completes asynchronously), then let
//! [`export_sink!`](crate::export_sink) generate the JS class with `write`, `writeString`,
//! `writev`, `final` and `destroy` (`write` and `writeString` both go to
//! [`JsSink::write_value`], which for a byte sink copies the bytes in once); add a constructor and result getters in an `impl` block of
//! your own:
//!
//! ```no_run
//! use wasm_bindgen::prelude::*;
//! use wasm_writable::sinks::{Sink, SinkError};
//!
//! /// Upper-cases ASCII text into memory.
//! #[derive(Default)]
//! pub struct Upper(Vec<u8>);
//!
//! impl Sink for Upper {
//!     fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
//!         self.0.extend(chunk.iter().map(u8::to_ascii_uppercase));
//!         Ok(())
//!     }
//! }
//!
//! wasm_writable::export_sink! {
//!     /// JS: `new UpperSink()`, usable as `new Writable({ sink })` or `createWritableStream(sink)`.
//!     pub struct UpperSink(Upper) as UpperSink;
//! }
//!
//! #[wasm_bindgen(js_class = UpperSink)]
//! impl UpperSink {
//!     #[wasm_bindgen(constructor)]
//!     pub fn new() -> UpperSink {
//!         UpperSink::from_sink(Upper::default())
//!     }
//!
//!     pub fn text(&self) -> Result<String, JsValue> {
//!         self.with(|sink| String::from_utf8_lossy(&sink.0).into_owned())
//!     }
//! }
//! ```
//!
//! The class also works as the inner sink of the built-in wrappers (`new GzipSink(new
//! UpperSink())`): they find its Rust state and call it directly.
//!
//! # Re-entrancy
//!
//! A sink's state lives in an `Rc<RefCell<_>>` shared by its JS object and the wrappers that
//! write into it. Borrows are taken with `try_borrow_mut`: a JS inner sink that calls back into
//! the Rust sink that is writing into it gets an `Error` with code `ERR_SINK_BUSY` instead of a
//! panic.

use std::cell::{Cell, RefCell, RefMut};
use std::rc::Rc;

use js_sys::{
    Array, ArrayBuffer, Function, JsString, Promise, RangeError, Reflect, TypeError, Uint8Array,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{Sink, SinkError};

/// Error code of a sink called again while it is already working (see the module docs).
pub const ERR_SINK_BUSY: &str = "ERR_SINK_BUSY";

#[doc(hidden)]
pub mod __private {
    //! Re-exports used by [`export_sink!`](crate::export_sink); not a public API.
    pub use ::js_sys::Array;
    pub use ::wasm_bindgen as wb;
    pub use ::wasm_bindgen::JsValue;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve)]
    fn promise_resolve(value: &JsValue) -> Promise;
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Sets `code` on a freshly made error object and returns it.
pub fn with_code(error: JsValue, code: &str) -> JsValue {
    // Setting a property on a new, unfrozen Error cannot fail; were it to, the error without its
    // code is still the right thing to report.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error
}

/// A JavaScript `Error` with `.code`.
pub fn error(code: &str, message: &str) -> JsValue {
    with_code(js_sys::Error::new(message).into(), code)
}

/// A JavaScript `TypeError` with `.code` (Node uses it for `ERR_INVALID_ARG_TYPE` and
/// `ERR_INVALID_ARG_VALUE`).
pub fn type_error(code: &str, message: &str) -> JsValue {
    with_code(TypeError::new(message).into(), code)
}

/// A JavaScript `RangeError` with `.code` (Node uses it for `ERR_OUT_OF_RANGE`).
pub fn range_error(code: &str, message: &str) -> JsValue {
    with_code(RangeError::new(message).into(), code)
}

/// A `RangeError` `ERR_OUT_OF_RANGE` in Node's words; `received` is formatted by JS (`String(v)`),
/// since Rust's float formatting costs about 10 KiB of wasm.
pub fn out_of_range(name: &str, expected: &str, received: &JsValue) -> JsValue {
    let message = JsString::from(format!(
        "The value of \"{name}\" is out of range. It must be {expected}. Received "
    ))
    .concat(received);
    range_error("ERR_OUT_OF_RANGE", &String::from(message))
}

/// Converts a [`SinkError`] into a JavaScript `Error` with `.code`.
pub fn sink_error(err: SinkError) -> JsValue {
    error(err.code, &err.message)
}

/// Borrows a sink's state mutably, or fails with `ERR_SINK_BUSY` instead of panicking.
pub fn borrow_mut<T: ?Sized>(cell: &RefCell<T>) -> Result<RefMut<'_, T>, JsValue> {
    cell.try_borrow_mut().map_err(|_| busy())
}

/// The error of a sink called again while it was working (`ERR_SINK_BUSY`).
fn busy() -> JsValue {
    error(
        ERR_SINK_BUSY,
        "the sink was called again while it was working",
    )
}

// ---------------------------------------------------------------------------------------------
// Completion

/// How a [`JsSink`] call completed.
#[derive(Debug, Clone)]
#[must_use]
pub enum Completion {
    /// Done when the call returned (JS sees `undefined`).
    Ready,
    /// Done when the promise fulfils; failed when it rejects (JS sees the promise).
    Pending(Promise),
}

impl Completion {
    /// The value JavaScript sees: `undefined` or the promise.
    pub fn into_js(self) -> JsValue {
        match self {
            Completion::Ready => JsValue::UNDEFINED,
            Completion::Pending(promise) => promise.into(),
        }
    }

    /// Reads what a JS sink method returned: a thenable is pending, anything else is ready.
    pub fn from_js(value: &JsValue) -> Completion {
        if value.is_object() || value.is_function() {
            let then =
                Reflect::get(value, &JsValue::from_str("then")).unwrap_or(JsValue::UNDEFINED);
            if then.is_function() {
                return match value.dyn_ref::<Promise>() {
                    Some(promise) => Completion::Pending(promise.clone()),
                    None => Completion::Pending(promise_resolve(value)),
                };
            }
        }
        Completion::Ready
    }

    /// Runs `next` once this completion is done: right away when ready (no promise is made),
    /// else after the promise fulfils (a rejection skips `next` and is passed on).
    pub fn then<F>(self, next: F) -> Result<Completion, JsValue>
    where
        F: FnOnce() -> Result<Completion, JsValue> + 'static,
    {
        match self {
            Completion::Ready => next(),
            Completion::Pending(promise) => then_boxed(&promise, Box::new(next)),
        }
    }

    /// Done when all are done; fails with the first failure (`Promise.all`).
    pub fn all(items: impl IntoIterator<Item = Completion>) -> Completion {
        let pending = Array::new();
        for item in items {
            if let Completion::Pending(promise) = item {
                pending.push(&promise);
            }
        }
        match pending.length() {
            0 => Completion::Ready,
            1 => Completion::Pending(pending.get(0).unchecked_into()),
            _ => Completion::Pending(Promise::all(&pending)),
        }
    }

    /// Whether the work is already done.
    pub fn is_ready(&self) -> bool {
        matches!(self, Completion::Ready)
    }
}

/// A continuation run after a promise fulfils (boxed: one closure type for every call site keeps
/// the wasm small).
type Continuation = Box<dyn FnOnce() -> Result<Completion, JsValue>>;

/// `promise.then(next, passOnTheRejection)`. Both handlers share the continuation and whichever
/// runs takes it, so a rejection frees what `next` captured (a once-closure is freed when called;
/// only the unused handler's small box stays behind).
fn then_boxed(promise: &Promise, next: Continuation) -> Result<Completion, JsValue> {
    let slot = Rc::new(Cell::new(Some(next)));
    let on_rejected_slot = slot.clone();
    let on_fulfilled = Closure::once_into_js(move |_: JsValue| -> Result<JsValue, JsValue> {
        match slot.take() {
            Some(next) => next().map(Completion::into_js),
            None => Ok(JsValue::UNDEFINED),
        }
    });
    let on_rejected = Closure::once_into_js(move |reason: JsValue| -> Result<JsValue, JsValue> {
        drop(on_rejected_slot.take());
        Err(reason)
    });
    let then: Function = Reflect::get(promise, &JsValue::from_str("then"))?.unchecked_into();
    Ok(Completion::Pending(
        then.call2(promise, &on_fulfilled, &on_rejected)?
            .unchecked_into(),
    ))
}

/// A promise fulfilled after `ms` milliseconds, from the global `setTimeout` (looked up on
/// `globalThis`, so it works in Node, browsers and Workers alike).
pub fn sleep(ms: f64) -> Result<Promise, JsValue> {
    let global = js_sys::global();
    let set_timeout: Function = Reflect::get(&global, &JsValue::from_str("setTimeout"))?
        .dyn_into()
        .map_err(|_| {
            type_error(
                "ERR_INVALID_STATE",
                "globalThis.setTimeout is not a function",
            )
        })?;
    let delay = JsValue::from_f64(if ms.is_finite() && ms > 0.0 { ms } else { 0.0 });
    let mut failure = None;
    let promise = Promise::new(&mut |resolve, _reject| {
        if let Err(err) = set_timeout.call2(&global, &resolve, &delay) {
            failure = Some(err);
        }
    });
    match failure {
        Some(err) => Err(err),
        None => Ok(promise),
    }
}

// ---------------------------------------------------------------------------------------------
// Chunks

thread_local! {
    /// Reused buffer for copying chunks into wasm memory (taken out while in use, so a re-entrant
    /// call simply allocates its own).
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    /// Hand-off slot through which a Rust sink's JS object shares its state with a wrapper
    /// (see [`Target::from_js`]).
    static SHARED: Cell<Option<SinkHandle>> = const { Cell::new(None) };
}

/// Largest scratch buffer kept between calls; a larger one is given back to the allocator.
const SCRATCH_KEEP: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// The inbox: the fast byte path of `write(chunk)`
//
// wasm-bindgen's way of getting a `Uint8Array` into Rust from a `JsValue` costs five calls from
// wasm into JS per chunk (instanceof, three `length` reads, the copy through a fresh view on
// wasm memory) and the `Result<JsValue, JsValue>` return an array allocation: about 450 ns for
// 16 bytes in Node 20, against ~25 ns for the copy itself. So the package's JS (lib/sink.js)
// copies a `Uint8Array` chunk with one `Uint8Array.prototype.set` into this reusable buffer in
// wasm memory and calls `__writeInbox(len)`, which answers with a number; a promise or an error
// is fetched with `inbox_outcome()` only when there is one.

/// Where JS puts a chunk's bytes before `__writeInbox`: `bytes[start..]`, whose address is a
/// multiple of [`INBOX_ALIGN`].
struct Inbox {
    bytes: Vec<u8>,
    start: usize,
}

/// Alignment of the inbox's first byte. A large copy runs fastest when source and destination sit
/// at the same offset within a cache line, and a `Vec<u8>` lands where the allocator puts it (the
/// inbox was seen 8 bytes past a multiple of 16). In Chromium, copying a fresh 64 KiB
/// `Uint8Array` into wasm memory took 1.2 µs at a 64-byte boundary, 2.2 µs 16 bytes past one and
/// 19 µs 8 bytes past one; a 64-byte-aligned inbox made `CountingSink.write` of 64 KiB 5–10%
/// faster there, and left Node (whose buffers come from malloc, 16 bytes past a boundary or
/// more) where it was.
const INBOX_ALIGN: usize = 64;

thread_local! {
    /// The inbox. Shared-borrowed while a sink reads it, so a re-entrant `inbox()` cannot move
    /// it (it answers 0: "use the generic path").
    static INBOX: RefCell<Inbox> = const { RefCell::new(Inbox { bytes: Vec::new(), start: 0 }) };
    /// The promise or error of the last `__writeInbox` that answered `INBOX_PENDING` / `INBOX_ERROR`.
    static OUTCOME: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// `__writeInbox` answer: the sink consumed the chunk (JS `undefined`).
pub const INBOX_DONE: u32 = 0;
/// `__writeInbox` answer: the write completes when the promise from `inbox_outcome()` settles.
pub const INBOX_PENDING: u32 = 1;
/// `__writeInbox` answer: the write failed with the error from `inbox_outcome()`.
pub const INBOX_ERROR: u32 = 2;
/// `__writeInbox` answer: this sink takes JS values (see [`JsSink::takes_bytes`]) or the inbox
/// is in use; nothing was written, use `write(chunk)`.
pub const INBOX_DECLINED: u32 = 3;
/// Largest inbox kept (bigger chunks take the generic path).
pub const INBOX_MAX: usize = 1 << 20;

/// Makes the inbox at least `len` bytes long and returns its address in wasm memory (0 when it
/// is in use or `len` is above [`INBOX_MAX`]). The address stays valid until the next call.
pub fn inbox(len: usize) -> usize {
    if len > INBOX_MAX {
        return 0;
    }
    INBOX.with(|cell| match cell.try_borrow_mut() {
        Ok(mut inbox) => {
            if inbox.bytes.is_empty() || inbox.bytes.len() - inbox.start < len {
                let size = len.next_power_of_two().max(256);
                let bytes = vec![0; size + INBOX_ALIGN - 1];
                let start = bytes
                    .as_ptr()
                    .align_offset(INBOX_ALIGN)
                    .min(INBOX_ALIGN - 1);
                *inbox = Inbox { bytes, start };
            }
            inbox.bytes.as_mut_ptr() as usize + inbox.start
        }
        Err(_) => 0,
    })
}

/// The promise or error left by the last `__writeInbox` (then `undefined`).
pub fn inbox_outcome() -> JsValue {
    OUTCOME.with(|cell| cell.replace(JsValue::UNDEFINED))
}

fn set_outcome(value: JsValue) {
    OUTCOME.with(|cell| *cell.borrow_mut() = value);
}

/// The bytes of a chunk as a `Uint8Array` view: a `Uint8Array` (or `Buffer`) itself, a view over
/// any other `ArrayBuffer` view, or over a whole `ArrayBuffer`. `None` for anything else.
pub fn byte_view(value: &JsValue) -> Option<Uint8Array> {
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Some(bytes.clone());
    }
    if ArrayBuffer::is_view(value) {
        let buffer = Reflect::get(value, &JsValue::from_str("buffer")).ok()?;
        let offset = Reflect::get(value, &JsValue::from_str("byteOffset"))
            .ok()?
            .as_f64()?;
        let length = Reflect::get(value, &JsValue::from_str("byteLength"))
            .ok()?
            .as_f64()?;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Some(Uint8Array::new_with_byte_offset_and_length(
            &buffer,
            offset as u32,
            length as u32,
        ));
    }
    if value.is_instance_of::<ArrayBuffer>() {
        return Some(Uint8Array::new(value));
    }
    None
}

/// The error for a chunk that is neither a string nor bytes.
pub fn invalid_chunk() -> JsValue {
    type_error(
        "ERR_INVALID_ARG_TYPE",
        "The \"chunk\" argument must be of type string or an instance of Buffer, TypedArray, \
         DataView or ArrayBuffer",
    )
}

/// Calls `f` with the bytes of a JS chunk: a string's UTF-8 encoding, or the bytes of an
/// `ArrayBuffer` view / `ArrayBuffer`, copied once into wasm memory.
/// Anything else fails with `ERR_INVALID_ARG_TYPE`.
pub fn with_bytes<R>(value: &JsValue, f: impl FnOnce(&[u8]) -> R) -> Result<R, JsValue> {
    // Bytes first: they are the common case, and asking for a string costs a call into JS.
    let Some(view) = byte_view(value) else {
        return match value.as_string() {
            Some(text) => Ok(f(text.as_bytes())),
            None => Err(invalid_chunk()),
        };
    };
    let len = view.length() as usize;
    let mut buf = SCRATCH.with(Cell::take);
    buf.clear();
    buf.reserve(len);
    let result = match buf.spare_capacity_mut().get_mut(..len) {
        Some(spare) => f(view.copy_to_uninit(spare)),
        None => f(&view.to_vec()),
    };
    if buf.capacity() <= SCRATCH_KEEP {
        SCRATCH.with(|slot| slot.set(buf));
    }
    Ok(result)
}

/// Number of bytes a JS chunk stands for: a view's `byteLength`, a string's UTF-8 length.
/// `None` for a value that is not bytes (an object-mode chunk).
pub fn byte_length(value: &JsValue) -> Option<f64> {
    if let Some(text) = value.dyn_ref::<JsString>() {
        // UTF-8 length without encoding: count code units by range.
        let mut n = 0.0;
        let mut units = text.iter().peekable();
        while let Some(unit) = units.next() {
            n += match unit {
                0..=0x7f => 1.0,
                0x80..=0x7ff => 2.0,
                0xd800..=0xdbff
                    if units
                        .peek()
                        .is_some_and(|next| (0xdc00..=0xdfff).contains(next)) =>
                {
                    units.next();
                    4.0
                }
                _ => 3.0,
            };
        }
        return Some(n);
    }
    if ArrayBuffer::is_view(value) || value.is_instance_of::<ArrayBuffer>() {
        return Reflect::get(value, &JsValue::from_str("byteLength"))
            .ok()?
            .as_f64();
    }
    None
}

// ---------------------------------------------------------------------------------------------
// JsSink

/// A sink as the JavaScript faces drive it: possibly asynchronous, possibly taking JS values.
///
/// Every [`Sink`] is one (always [`Completion::Ready`]); implement this trait directly for a
/// sink that waits (a timer, a JS inner sink's promise) or that takes JS values as chunks
/// (object mode). The faces never call a sink concurrently: the next call comes after the
/// previous completion settled.
pub trait JsSink {
    /// Consumes one chunk of bytes.
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue>;

    /// Consumes one chunk as the face passed it (a `Uint8Array`, a string, or in object mode any
    /// value). The default copies the bytes into wasm memory once (see [`with_bytes`]) and calls
    /// [`JsSink::write`]; override it to forward JS values without a copy or to take objects.
    fn write_value(&mut self, chunk: &JsValue) -> Result<Completion, JsValue> {
        with_bytes(chunk, |bytes| self.write(bytes))?
    }

    /// Consumes a batch at once, as Node's `_writev`. `None` (the default) means "no batch
    /// write": the caller then writes the chunks one after another, each after the previous one
    /// completed.
    fn writev(&mut self, _chunks: &[JsValue]) -> Option<Result<Completion, JsValue>> {
        None
    }

    /// After the last write, before `'finish'` (Node's `_final`).
    fn finish(&mut self) -> Result<Completion, JsValue> {
        Ok(Completion::Ready)
    }

    /// The stream was destroyed, with `error` or `undefined`.
    fn destroy(&mut self, _error: &JsValue) {}

    /// Whether a `Uint8Array` chunk may be given to [`JsSink::write`] as bytes copied into
    /// wasm memory by JS (the fast path of the exported `write`) instead of going through
    /// [`JsSink::write_value`]. True for every [`Sink`]; false by default for a direct
    /// implementation, which may have its own `write_value` (forwarding JS values to JS, say):
    /// return true only if `write_value` of a `Uint8Array` is `write` of its bytes.
    fn takes_bytes(&self) -> bool {
        false
    }

    /// The inbox write (JS `__writeInbox`): [`JsSink::write`] of bytes JS copied into wasm
    /// memory, answered as a number ([`INBOX_DONE`], [`INBOX_PENDING`] or [`INBOX_ERROR`], the
    /// promise or error left for `inbox_outcome()`), or [`INBOX_DECLINED`] for a sink that does
    /// not take bytes this way ([`JsSink::takes_bytes`]). One call through the trait object per
    /// chunk: a [`Sink`] answers at once, with no `Completion` in between.
    fn write_inbox(&mut self, bytes: &[u8]) -> u32 {
        if !self.takes_bytes() {
            return INBOX_DECLINED;
        }
        match self.write(bytes) {
            Ok(Completion::Ready) => INBOX_DONE,
            Ok(Completion::Pending(promise)) => {
                set_outcome(promise.into());
                INBOX_PENDING
            }
            Err(err) => {
                set_outcome(err);
                INBOX_ERROR
            }
        }
    }
}

impl<S: Sink> JsSink for S {
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        Sink::write(self, chunk).map_err(sink_error)?;
        Ok(Completion::Ready)
    }

    fn takes_bytes(&self) -> bool {
        true
    }

    fn write_inbox(&mut self, bytes: &[u8]) -> u32 {
        match Sink::write(self, bytes) {
            Ok(()) => INBOX_DONE,
            Err(err) => {
                set_outcome(sink_error(err));
                INBOX_ERROR
            }
        }
    }

    /// One copy of every chunk into wasm memory, then [`Sink::writev`] on the whole batch.
    fn writev(&mut self, chunks: &[JsValue]) -> Option<Result<Completion, JsValue>> {
        let mut owned = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            match with_bytes(chunk, <[u8]>::to_vec) {
                Ok(bytes) => owned.push(bytes),
                Err(err) => return Some(Err(err)),
            }
        }
        let slices: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        Some(
            Sink::writev(self, &slices)
                .map(|()| Completion::Ready)
                .map_err(sink_error),
        )
    }

    fn finish(&mut self) -> Result<Completion, JsValue> {
        Sink::finish(self).map_err(sink_error)?;
        Ok(Completion::Ready)
    }

    fn destroy(&mut self, _error: &JsValue) {
        Sink::destroy(self);
    }
}

/// The shared state of a Rust sink, as wrappers hold it.
pub type SinkHandle = Rc<RefCell<dyn JsSink>>;

/// Writes `chunks[index..]` one after another into `sink`, each after the previous completed.
fn write_each(
    sink: SinkHandle,
    chunks: Rc<Vec<JsValue>>,
    index: usize,
) -> Result<Completion, JsValue> {
    let mut i = index;
    while let Some(chunk) = chunks.get(i) {
        let completion = borrow_mut(&sink)?.write_value(chunk)?;
        i += 1;
        if let Completion::Pending(_) = completion {
            if i < chunks.len() {
                let (sink, chunks) = (sink.clone(), chunks.clone());
                return completion.then(move || write_each(sink, chunks, i));
            }
            return Ok(completion);
        }
    }
    Ok(Completion::Ready)
}

/// A batch write into a Rust sink: its own [`JsSink::writev`], else one chunk after another.
fn writev_handle(sink: &SinkHandle, chunks: Vec<JsValue>) -> Result<Completion, JsValue> {
    if let Some(result) = borrow_mut(sink)?.writev(&chunks) {
        return result;
    }
    write_each(sink.clone(), Rc::new(chunks), 0)
}

/// The state behind a class made by [`export_sink!`](crate::export_sink): the sink in an
/// `Rc<RefCell<_>>`, shared with the wrappers it is given to.
pub struct Exported<T: JsSink + 'static> {
    cell: Rc<RefCell<T>>,
    /// The same state as a trait object: the protocol methods go through it, so they are
    /// compiled once rather than once per sink type.
    handle: SinkHandle,
}

/// The protocol methods, shared by every exported class (dynamic dispatch keeps the wasm small).
mod dispatch {
    use super::*;

    pub(super) fn write(sink: &SinkHandle, chunk: &JsValue) -> Result<JsValue, JsValue> {
        Ok(borrow_mut(sink)?.write_value(chunk)?.into_js())
    }

    pub(super) fn write_bytes(sink: &SinkHandle, bytes: &[u8]) -> Result<JsValue, JsValue> {
        Ok(borrow_mut(sink)?.write(bytes)?.into_js())
    }

    pub(super) fn write_inbox(sink: &SinkHandle, len: usize) -> u32 {
        INBOX.with(|cell| {
            let Ok(inbox) = cell.try_borrow() else {
                return INBOX_DECLINED;
            };
            let Some(bytes) = inbox
                .bytes
                .get(inbox.start..)
                .and_then(|bytes| bytes.get(..len))
            else {
                return INBOX_DECLINED;
            };
            match sink.try_borrow_mut() {
                Ok(mut sink) => sink.write_inbox(bytes),
                Err(_) => {
                    set_outcome(busy());
                    INBOX_ERROR
                }
            }
        })
    }

    pub(super) fn writev(sink: &SinkHandle, chunks: &Array) -> Result<JsValue, JsValue> {
        Ok(writev_handle(sink, chunks.iter().collect())?.into_js())
    }

    pub(super) fn finish(sink: &SinkHandle) -> Result<JsValue, JsValue> {
        Ok(borrow_mut(sink)?.finish()?.into_js())
    }

    pub(super) fn destroy(sink: &SinkHandle, error: &JsValue) {
        if let Ok(mut sink) = sink.try_borrow_mut() {
            sink.destroy(error);
        }
    }
}

impl<T: JsSink + 'static> Exported<T> {
    /// Wraps a sink.
    pub fn new(sink: T) -> Self {
        let cell = Rc::new(RefCell::new(sink));
        let handle: SinkHandle = cell.clone();
        Exported { cell, handle }
    }

    /// JS `write(chunk)`.
    pub fn write(&self, chunk: &JsValue) -> Result<JsValue, JsValue> {
        dispatch::write(&self.handle, chunk)
    }

    /// Writes bytes made in Rust (not JS values) into the sink.
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        dispatch::write_bytes(&self.handle, bytes)
    }

    /// JS `__writeInbox(len)`: writes the first `len` bytes of the [`inbox`]; answers
    /// [`INBOX_DONE`], [`INBOX_PENDING`], [`INBOX_ERROR`] or [`INBOX_DECLINED`].
    pub fn write_inbox(&self, len: usize) -> u32 {
        dispatch::write_inbox(&self.handle, len)
    }

    /// JS `writev(chunks)`.
    pub fn writev(&self, chunks: &Array) -> Result<JsValue, JsValue> {
        dispatch::writev(&self.handle, chunks)
    }

    /// JS `final()`.
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        dispatch::finish(&self.handle)
    }

    /// JS `destroy(error)`.
    pub fn destroy(&self, error: &JsValue) {
        dispatch::destroy(&self.handle, error);
    }

    /// Puts a handle to the state in the hand-off slot read by [`Target::from_js`].
    pub fn share(&self) {
        let handle = self.handle.clone();
        SHARED.with(|slot| slot.set(Some(handle)));
    }

    /// Reads the sink (fails with `ERR_SINK_BUSY` while it is being written).
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, JsValue> {
        let sink = self
            .cell
            .try_borrow()
            .map_err(|_| error(ERR_SINK_BUSY, "the sink was read while it was working"))?;
        Ok(f(&sink))
    }

    /// Changes the sink (fails with `ERR_SINK_BUSY` while it is being written).
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R, JsValue> {
        let mut sink = borrow_mut(&self.cell)?;
        Ok(f(&mut sink))
    }
}

/// Exports a Rust sink to JavaScript as a class following the sink object protocol.
///
/// `export_sink! { pub struct JsName(RustType) as ClassName; }` defines the struct `JsName`
/// (exported to JS as `ClassName`) holding a `RustType`, which must implement
/// [`JsSink`](crate::sinks::js::JsSink) (every [`Sink`](crate::sinks::Sink) does), with the JS
/// methods `write(chunk)`, `writeString(s)`, `writev(chunks)`, `final()` and `destroy(err)`, and
/// the Rust methods `from_sink(sink)`, `with(|sink| …)` and `with_mut(|sink| …)` for the
/// constructor and getters you add in your own `#[wasm_bindgen(js_class = ClassName)] impl`.
/// See the [module docs](crate::sinks::js) for a complete example.
#[macro_export]
macro_rules! export_sink {
    ($(#[$meta:meta])* $vis:vis struct $name:ident($sink:ty) as $js:ident;) => {
        $(#[$meta])*
        #[$crate::sinks::js::__private::wb::prelude::wasm_bindgen(
            js_name = $js,
            wasm_bindgen = $crate::sinks::js::__private::wb
        )]
        $vis struct $name {
            exported: $crate::sinks::js::Exported<$sink>,
        }

        #[$crate::sinks::js::__private::wb::prelude::wasm_bindgen(
            js_class = $js,
            wasm_bindgen = $crate::sinks::js::__private::wb
        )]
        impl $name {
            /// Consumes one chunk: `undefined` when done, a `Promise` when it completes later.
            pub fn write(
                &self,
                chunk: $crate::sinks::js::__private::JsValue,
            ) -> ::core::result::Result<$crate::sinks::js::__private::JsValue, $crate::sinks::js::__private::JsValue> {
                self.exported.write(&chunk)
            }

            /// Consumes a string (its UTF-8 bytes, for a byte sink).
            #[wasm_bindgen(js_name = writeString)]
            pub fn write_string(
                &self,
                text: $crate::sinks::js::__private::JsValue,
            ) -> ::core::result::Result<$crate::sinks::js::__private::JsValue, $crate::sinks::js::__private::JsValue> {
                self.exported.write(&text)
            }

            /// Consumes a batch of chunks in order.
            pub fn writev(
                &self,
                chunks: $crate::sinks::js::__private::Array,
            ) -> ::core::result::Result<$crate::sinks::js::__private::JsValue, $crate::sinks::js::__private::JsValue> {
                self.exported.writev(&chunks)
            }

            /// After the last write, before `'finish'`.
            #[wasm_bindgen(js_name = "final")]
            pub fn final_(
                &self,
            ) -> ::core::result::Result<$crate::sinks::js::__private::JsValue, $crate::sinks::js::__private::JsValue> {
                self.exported.finish()
            }

            /// The stream was destroyed (with an error or `undefined`).
            pub fn destroy(&self, error: $crate::sinks::js::__private::JsValue) {
                self.exported.destroy(&error)
            }

            /// Writes the first `len` bytes JS copied into the inbox (internal: the fast path
            /// of `write`, see `lib/sink.js`). Answers 0 done, 1 pending, 2 failed (the promise
            /// or error from `__wasmWritableInboxOutcome()`), 3 declined.
            #[wasm_bindgen(js_name = __writeInbox)]
            pub fn write_inbox(&self, len: u32) -> u32 {
                self.exported.write_inbox(len as usize)
            }

            /// Hands this sink's Rust state to a wrapper sink (internal).
            #[wasm_bindgen(js_name = __wasmWritableShare)]
            pub fn share(&self) {
                self.exported.share()
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// Wraps a Rust sink for JavaScript.
            pub fn from_sink(sink: $sink) -> Self {
                $name { exported: $crate::sinks::js::Exported::new(sink) }
            }

            /// Reads the Rust sink (fails with `ERR_SINK_BUSY` while it is being written).
            pub fn with<R>(
                &self,
                f: impl FnOnce(&$sink) -> R,
            ) -> ::core::result::Result<R, $crate::sinks::js::__private::JsValue> {
                self.exported.with(f)
            }

            /// Changes the Rust sink (fails with `ERR_SINK_BUSY` while it is being written).
            pub fn with_mut<R>(
                &self,
                f: impl FnOnce(&mut $sink) -> R,
            ) -> ::core::result::Result<R, $crate::sinks::js::__private::JsValue> {
                self.exported.with_mut(f)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Target

/// Where a wrapper sink writes: a Rust sink (called directly) or a JS sink object.
#[derive(Clone)]
enum TargetKind {
    Rust(SinkHandle),
    Js,
}

/// An inner sink given to a wrapper: the JS value the user passed, plus, when it is a Rust sink
/// exported with [`export_sink!`](crate::export_sink), a direct handle to its state.
#[derive(Clone)]
pub struct Target {
    js: JsValue,
    kind: TargetKind,
}

impl Target {
    /// Accepts any object with a `write` method; `name` is used in the error message.
    pub fn from_js(value: JsValue, name: &str) -> Result<Target, JsValue> {
        let write = if value.is_object() {
            Reflect::get(&value, &JsValue::from_str("write"))?
        } else {
            JsValue::UNDEFINED
        };
        if !write.is_function() {
            return Err(type_error(
                "ERR_INVALID_ARG_TYPE",
                &format!("The \"{name}\" argument must be a sink: an object with a write method"),
            ));
        }
        let share = Reflect::get(&value, &JsValue::from_str("__wasmWritableShare"))?;
        if let Some(share) = share.dyn_ref::<Function>() {
            SHARED.with(|slot| slot.set(None));
            share.call0(&value)?;
            if let Some(handle) = SHARED.with(Cell::take) {
                return Ok(Target {
                    js: value,
                    kind: TargetKind::Rust(handle),
                });
            }
        }
        Ok(Target {
            js: value,
            kind: TargetKind::Js,
        })
    }

    /// A target for a Rust sink made on the Rust side (its JS object is `js`).
    pub fn from_exported<T: JsSink + 'static>(js: JsValue, exported: &Exported<T>) -> Target {
        Target {
            js,
            kind: TargetKind::Rust(exported.handle.clone()),
        }
    }

    /// The JS object of this sink, for an `inner` getter.
    pub fn js(&self) -> &JsValue {
        &self.js
    }

    /// Whether this is a Rust sink reached directly.
    pub fn is_rust(&self) -> bool {
        matches!(self.kind, TargetKind::Rust(_))
    }

    /// Calls `obj[name](...args)` when it is a function; `None` when there is no such method.
    fn call(&self, name: &str, args: &[&JsValue]) -> Result<Option<JsValue>, JsValue> {
        let method = Reflect::get(&self.js, &JsValue::from_str(name))?;
        let Some(method) = method.dyn_ref::<Function>() else {
            return Ok(None);
        };
        let result = match args {
            [] => method.call0(&self.js),
            [a] => method.call1(&self.js, a),
            _ => method.apply(&self.js, &args.iter().copied().collect::<Array>()),
        }?;
        Ok(Some(result))
    }

    fn call_completion(&self, name: &str, args: &[&JsValue]) -> Result<Completion, JsValue> {
        Ok(match self.call(name, args)? {
            Some(result) => Completion::from_js(&result),
            None => Completion::Ready,
        })
    }

    /// Writes bytes made in Rust: directly into a Rust sink, as a new `Uint8Array` to a JS one.
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<Completion, JsValue> {
        match &self.kind {
            TargetKind::Rust(sink) => borrow_mut(sink)?.write(bytes),
            TargetKind::Js => self.call_completion("write", &[&Uint8Array::from(bytes).into()]),
        }
    }

    /// Writes a JS chunk: as is to a JS sink (no copy), through [`JsSink::write_value`] to a Rust
    /// one.
    pub fn write_value(&self, chunk: &JsValue) -> Result<Completion, JsValue> {
        match &self.kind {
            TargetKind::Rust(sink) => borrow_mut(sink)?.write_value(chunk),
            TargetKind::Js => self.call_completion("write", &[chunk]),
        }
    }

    /// A batch write when the sink has one (`writev`); `None` when it has not.
    pub fn writev(&self, chunks: &Array) -> Option<Result<Completion, JsValue>> {
        match &self.kind {
            TargetKind::Rust(sink) => match borrow_mut(sink) {
                Ok(mut sink) => sink.writev(&chunks.iter().collect::<Vec<_>>()),
                Err(err) => Some(Err(err)),
            },
            TargetKind::Js => match self.call("writev", &[chunks]) {
                Ok(Some(result)) => Some(Ok(Completion::from_js(&result))),
                Ok(None) => None,
                Err(err) => Some(Err(err)),
            },
        }
    }

    /// `final()`, when the sink has one.
    pub fn finish(&self) -> Result<Completion, JsValue> {
        match &self.kind {
            TargetKind::Rust(sink) => borrow_mut(sink)?.finish(),
            TargetKind::Js => self.call_completion("final", &[]),
        }
    }

    /// `destroy(error)`, when the sink has one; what it throws is ignored (the stream is already
    /// being destroyed).
    pub fn destroy(&self, error: &JsValue) {
        match &self.kind {
            TargetKind::Rust(sink) => {
                if let Ok(mut sink) = sink.try_borrow_mut() {
                    sink.destroy(error);
                }
            }
            TargetKind::Js => {
                let _ = self.call("destroy", &[error]);
            }
        }
    }
}

/// Reads `options[name]` of an options object that may be `undefined`/`null` (then `undefined`);
/// a non-object fails with `ERR_INVALID_ARG_TYPE`.
pub fn option(options: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if !options.is_object() {
        return Err(type_error(
            "ERR_INVALID_ARG_TYPE",
            "The \"options\" argument must be of type object",
        ));
    }
    Reflect::get(options, &JsValue::from_str(name))
}

/// Reads an optional number option: `None` for `undefined`/`null`, `ERR_INVALID_ARG_TYPE` for a
/// value that is not a number.
pub fn number_option(options: &JsValue, name: &str) -> Result<Option<(f64, JsValue)>, JsValue> {
    let value = option(options, name)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) => Ok(Some((n, value))),
        None => Err(type_error(
            "ERR_INVALID_ARG_TYPE",
            &format!("The \"options.{name}\" property must be of type number"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The same tests run natively and, through wasm-bindgen's runner, in wasm.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn inbox_starts_on_its_alignment_at_every_size() {
        for len in [0, 1, 16, 255, 256, 257, 1024, 65536, 300_000, INBOX_MAX] {
            let ptr = inbox(len);
            assert_ne!(ptr, 0, "inbox({len})");
            assert_eq!(ptr % INBOX_ALIGN, 0, "inbox({len}) at {ptr:#x}");
        }
    }

    #[test]
    fn inbox_refuses_a_length_above_its_maximum() {
        assert_eq!(inbox(INBOX_MAX + 1), 0);
    }
}
