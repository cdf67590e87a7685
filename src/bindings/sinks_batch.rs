//! `BatchSink`: groups writes into batches for an inner sink (Rust or JS).

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::export_sink;
use crate::sinks::batch::{DEFAULT_BATCH_BYTES, DEFAULT_BATCH_CHUNKS};
use crate::sinks::js::{
    byte_length, number_option, out_of_range, with_bytes, Completion, JsSink, Target,
};
use crate::sinks::BatchPolicy;

/// The state behind the class: the pending batch as JS values (no copy), and where it goes.
pub struct BatchTarget {
    policy: BatchPolicy,
    pending: Array,
    target: Target,
}

impl BatchTarget {
    /// Writes the pending batch: `inner.writev(chunks)` when the inner sink has `writev`, else one
    /// `inner.write()` of all the chunks' bytes concatenated.
    fn flush(&mut self) -> Result<Completion, JsValue> {
        if self.pending.length() == 0 {
            return Ok(Completion::Ready);
        }
        let batch = std::mem::replace(&mut self.pending, Array::new());
        self.policy.reset();
        if let Some(result) = self.target.writev(&batch) {
            return result;
        }
        let mut bytes = Vec::new();
        for chunk in batch.iter() {
            with_bytes(&chunk, |b| bytes.extend_from_slice(b))?;
        }
        self.target.write_bytes(&bytes)
    }
}

impl JsSink for BatchTarget {
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        self.write_value(&Uint8Array::from(chunk).into())
    }

    /// Holds the chunk; writes the batch once it is full. Object-mode chunks count 0 bytes.
    fn write_value(&mut self, chunk: &JsValue) -> Result<Completion, JsValue> {
        self.pending.push(chunk);
        if self.policy.add(byte_length(chunk).unwrap_or(0.0)) {
            self.flush()
        } else {
            Ok(Completion::Ready)
        }
    }

    /// Writes the partial batch, then calls the inner sink's `final()`.
    fn finish(&mut self) -> Result<Completion, JsValue> {
        let target = self.target.clone();
        self.flush()?.then(move || target.finish())
    }

    /// Drops the pending batch (the stream was aborted) and destroys the inner sink.
    fn destroy(&mut self, error: &JsValue) {
        self.pending = Array::new();
        self.target.destroy(error);
    }
}

/// Reads a positive limit: `None` when absent; `Infinity` allowed.
fn limit(options: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    match number_option(options, name)? {
        None => Ok(None),
        Some((n, value)) => {
            let whole = n == f64::INFINITY || n.fract() == 0.0;
            if !(n >= 1.0 && whole) {
                return Err(out_of_range(&format!("options.{name}"), ">= 1", &value));
            }
            Ok(Some(n))
        }
    }
}

export_sink! {
    /// `BatchSink`: groups writes into batches of N chunks or M bytes for an inner sink.
    pub struct JsBatchSink(BatchTarget) as BatchSink;
}

#[wasm_bindgen(js_class = BatchSink)]
impl JsBatchSink {
    /// `new BatchSink(inner, { chunks, bytes })`: a batch is written when it has `chunks` chunks or
    /// at least `bytes` bytes. With neither given: 16 chunks or 64 KiB; with one given, only it.
    #[wasm_bindgen(constructor)]
    pub fn new(inner: JsValue, options: JsValue) -> Result<JsBatchSink, JsValue> {
        let target = Target::from_js(inner, "inner")?;
        let (chunks, bytes) = match (limit(&options, "chunks")?, limit(&options, "bytes")?) {
            (None, None) => (DEFAULT_BATCH_CHUNKS as f64, DEFAULT_BATCH_BYTES),
            (chunks, bytes) => (
                chunks.unwrap_or(f64::INFINITY),
                bytes.unwrap_or(f64::INFINITY),
            ),
        };
        // Saturating float-to-int conversion: Infinity becomes usize::MAX, "no limit".
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let policy = BatchPolicy::new(chunks as usize, bytes);
        Ok(JsBatchSink::from_sink(BatchTarget {
            policy,
            pending: Array::new(),
            target,
        }))
    }

    /// The inner sink.
    #[wasm_bindgen(getter)]
    pub fn inner(&self) -> Result<JsValue, JsValue> {
        self.with(|sink| sink.target.js().clone())
    }

    /// Chunks held in the current, not yet written batch.
    #[wasm_bindgen(getter, js_name = pendingChunks)]
    pub fn pending_chunks(&self) -> Result<u32, JsValue> {
        self.with(|sink| sink.pending.length())
    }
}
