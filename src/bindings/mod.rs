//! The wasm-bindgen surface driven by the JavaScript faces: thin conversions, no stream logic.
mod core;
mod errors;
mod sinks;
