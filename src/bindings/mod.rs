//! The wasm-bindgen surface driven by the JavaScript faces.
mod sinks;
