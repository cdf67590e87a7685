//! The wasm-bindgen surface driven by the JavaScript faces: thin conversions, no stream logic.
mod core;
mod errors;
mod sinks;

use wasm_bindgen::prelude::*;

/// The module's `WebAssembly.Memory`, so pages can watch `memory.buffer.byteLength` (it grows
/// and never shrinks: whatever is buffered inside wasm raises it for good).
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}
