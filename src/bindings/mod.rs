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

/// The address of the inbox, at least `len` bytes long (0: use `write(chunk)`); see
/// `sinks::js::inbox`. Internal, for `lib/sink.js`.
#[wasm_bindgen(js_name = __wasmWritableInbox)]
pub fn inbox(len: u32) -> u32 {
    // wasm32 addresses fit in u32.
    #[allow(clippy::cast_possible_truncation)]
    let ptr = crate::sinks::js::inbox(len as usize) as u32;
    ptr
}

/// The promise or error of the last `__writeInbox` that answered 1 or 2. Internal.
#[wasm_bindgen(js_name = __wasmWritableInboxOutcome)]
pub fn inbox_outcome() -> JsValue {
    crate::sinks::js::inbox_outcome()
}
