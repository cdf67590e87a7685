//! Sinks: where the bytes go.
//!
//! A sink is the destination of a writable stream, the equivalent of the `_write` / `_writev` /
//! `_final` / `_destroy` quartet of Node's [`stream.Writable`][node-writable] or of the
//! `underlyingSink` of a WHATWG [`WritableStream`][whatwg-sink]. The core (see [`crate::core`])
//! decides *when* a sink is called; the sink only decides *what happens to the bytes*. A sink
//! therefore knows nothing about events, buffering, `highWaterMark` or JavaScript.
//!
//! Contract between the core and a sink (the core guarantees it, a sink may rely on it):
//!
//! * calls are never concurrent: one [`Sink::write`] / [`Sink::writev`] at a time;
//! * after [`Sink::finish`] or [`Sink::destroy`] no further write reaches the sink;
//! * [`Sink::destroy`] may come at any time, also after an error or instead of `finish`.
//!
//! A sink reports failure through [`SinkError`], which carries a Node-style `code` (such as
//! [`ERR_SINK_LIMIT`]) so the bindings can turn it into a JavaScript `Error` with `.code`.
//! A sink never panics.
//!
//! Built-in sinks:
//!
//! * [`MemorySink`]: keeps every byte in memory, with an optional size limit.
//! * [`CountingSink`]: counts bytes and chunks and discards them.
//! * [`DigestSink`]: SHA-1 / SHA-256 / SHA-512 of everything written.
//! * [`CompressSink`]: gzip or zlib compression into an inner sink.
//! * [`BatchSink`]: groups writes into batches ([`BatchPolicy`]) for an inner sink.
//! * [`FanOutSink`]: every chunk to several sinks.
//! * [`TokenBucket`]: the rate limiter behind the `ThrottleSink` class; [`ndjson`]: JSON lines.
//!
//! [`js`] holds the JavaScript side: asynchronous completion ([`js::Completion`]), inner sinks
//! that may be Rust or JS ([`js::Target`]) and [`export_sink!`](crate::export_sink), which exports
//! a Rust sink of your own to JavaScript in a few lines.
//!
//! [node-writable]: https://nodejs.org/api/stream.html#class-streamwritable
//! [whatwg-sink]: https://streams.spec.whatwg.org/#underlying-sink-api

use std::fmt;

// One Cargo feature per sink (all on by default; see Cargo.toml). `js` is always built: it is
// the protocol every exported sink, built-in or a user's own, goes through.
#[cfg(feature = "batch")]
pub mod batch;
#[cfg(feature = "compress")]
pub mod compress;
#[cfg(feature = "counting")]
mod counting;
#[cfg(feature = "digest")]
mod digest;
#[cfg(feature = "fanout")]
mod fanout;
pub mod js;
#[cfg(feature = "memory")]
mod memory;
#[cfg(feature = "ndjson")]
pub mod ndjson;
#[cfg(feature = "throttle")]
mod throttle;

#[cfg(feature = "batch")]
pub use batch::{BatchPolicy, BatchSink};
#[cfg(feature = "compress")]
pub use compress::{CompressSink, Compressor, Format};
#[cfg(feature = "counting")]
pub use counting::CountingSink;
#[cfg(feature = "digest")]
pub use digest::{DigestAlgorithm, DigestSink};
#[cfg(feature = "fanout")]
pub use fanout::FanOutSink;
#[cfg(feature = "memory")]
pub use memory::MemorySink;
#[cfg(feature = "throttle")]
pub use throttle::TokenBucket;

/// Error code of a write refused because it would exceed a sink's size limit
/// (see `MemorySink::with_limit`).
pub const ERR_SINK_LIMIT: &str = "ERR_SINK_LIMIT";

/// Error code of a numeric option outside its range (as Node's validators use it).
pub const ERR_OUT_OF_RANGE: &str = "ERR_OUT_OF_RANGE";

/// Error code of an argument with a value that is not accepted, such as an unknown digest
/// algorithm or a value JSON cannot represent (as Node uses it).
pub const ERR_INVALID_ARG_VALUE: &str = "ERR_INVALID_ARG_VALUE";

/// A failure reported by a [`Sink`].
///
/// `code` follows Node's convention for error codes (`ERR_…`, upper snake case) and is what
/// JavaScript sees as `error.code`; `message` is the human-readable text (`error.message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkError {
    /// Machine-readable error code, for example [`ERR_SINK_LIMIT`].
    pub code: &'static str,
    /// Human-readable description of what went wrong.
    pub message: String,
}

impl SinkError {
    /// Creates an error from a code and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        SinkError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for SinkError {
    /// Formats as `message (code)`, for example
    /// `MemorySink limit of 4 bytes exceeded: … (ERR_SINK_LIMIT)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for SinkError {}

/// The destination of a writable stream.
///
/// Implementations receive byte chunks in order and may fail any call with a [`SinkError`];
/// after a failure the stream is errored and the sink will only see [`Sink::destroy`].
/// Every method completes synchronously and nothing here knows JavaScript, so a sink is tested
/// natively. A sink that has to wait (a socket, a timer, a JS inner sink's promise) implements
/// [`js::JsSink`] instead, whose calls return a [`js::Completion`] (ready, or a pending
/// `Promise`); every `Sink` is a `JsSink` that is always ready. [`export_sink!`](crate::export_sink)
/// exports either kind to JavaScript (see [`js`]).
pub trait Sink {
    /// Consumes one chunk. The chunk is borrowed for the duration of the call only: a sink that
    /// keeps the bytes copies them.
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError>;

    /// Consumes a batch of chunks in order, as Node's `_writev` does after `uncork()`.
    ///
    /// The default calls [`Sink::write`] for each chunk and stops at the first error. Override
    /// it when a batch can be handled better as a whole (one allocation, one system call, or an
    /// all-or-nothing check as [`MemorySink`] does).
    fn writev(&mut self, chunks: &[&[u8]]) -> Result<(), SinkError> {
        for chunk in chunks {
            self.write(chunk)?;
        }
        Ok(())
    }

    /// Called once after the last write completed and before the stream emits `'finish'`
    /// (Node's `_final`). Flush or seal here. The default does nothing.
    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }

    /// Called when the stream is destroyed (Node's `_destroy`), whether or not it finished.
    /// Release resources here; it cannot fail. The default does nothing.
    fn destroy(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    // The same tests run natively and, through wasm-bindgen's runner, in wasm.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A sink that only implements `write`, to exercise the trait's defaults.
    #[derive(Default)]
    struct Recorder {
        chunks: Vec<Vec<u8>>,
        fail_on: Option<usize>,
    }

    impl Sink for Recorder {
        fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
            if self.fail_on == Some(self.chunks.len()) {
                return Err(SinkError::new("ERR_TEST", "refused"));
            }
            self.chunks.push(chunk.to_vec());
            Ok(())
        }
    }

    #[test]
    fn default_writev_writes_each_chunk_in_order() {
        let mut sink = Recorder::default();
        sink.writev(&[b"a", b"", b"bc"]).unwrap();
        assert_eq!(
            sink.chunks,
            vec![b"a".to_vec(), b"".to_vec(), b"bc".to_vec()]
        );
    }

    #[test]
    fn default_writev_stops_at_first_error() {
        let mut sink = Recorder {
            fail_on: Some(1),
            ..Recorder::default()
        };
        let err = sink.writev(&[b"a", b"b", b"c"]).unwrap_err();
        assert_eq!(err.code, "ERR_TEST");
        assert_eq!(sink.chunks, vec![b"a".to_vec()]);
    }

    #[test]
    fn default_finish_and_destroy_are_no_ops() {
        let mut sink = Recorder::default();
        sink.finish().unwrap();
        sink.destroy();
        assert!(sink.chunks.is_empty());
    }

    #[test]
    fn sink_error_displays_message_and_code() {
        let err = SinkError::new(ERR_SINK_LIMIT, "too much");
        assert_eq!(err.to_string(), "too much (ERR_SINK_LIMIT)");
    }

    #[cfg(all(feature = "memory", feature = "counting"))]
    #[test]
    fn sinks_are_object_safe() {
        let mut sinks: Vec<Box<dyn Sink>> =
            vec![Box::new(MemorySink::new()), Box::new(CountingSink::new())];
        for sink in &mut sinks {
            sink.write(b"xyz").unwrap();
            sink.finish().unwrap();
        }
    }
}
