//! # wasm-writable
//!
//! Writable streams for JavaScript, driven by one Rust state machine and shipped as WebAssembly.
//!
//! * [`core`]: the sans-I/O state machine that owns buffering, `highWaterMark`, `needDrain`,
//!   cork/writev batching and the stream lifecycle, modelled on Node's `stream.Writable`.
//! * [`sinks`]: where the bytes go: the [`sinks::Sink`] trait and the built-in Rust sinks.
//! * `bindings` (wasm32 only): the wasm-bindgen surface the JavaScript faces drive.
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod core;
pub mod sinks;

#[cfg(target_arch = "wasm32")]
mod bindings;
