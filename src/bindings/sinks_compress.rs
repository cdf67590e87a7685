//! `GzipSink` and `DeflateSink`: compression into an inner sink (Rust or JS).

use wasm_bindgen::prelude::*;

use super::JsMemorySink;
use crate::export_sink;
use crate::sinks::compress::{Compressor, Format, DEFAULT_LEVEL};
use crate::sinks::js::{number_option, out_of_range, sink_error, Completion, JsSink, Target};

/// The state behind both classes: an encoder whose output goes to a [`Target`].
pub struct CompressTarget {
    compressor: Compressor,
    target: Target,
    out: Vec<u8>,
}

impl CompressTarget {
    /// Hands the compressed bytes made so far to the inner sink.
    fn flush_out(&mut self) -> Result<Completion, JsValue> {
        if self.out.is_empty() {
            return Ok(Completion::Ready);
        }
        let result = self.target.write_bytes(&self.out);
        self.out.clear();
        result
    }
}

impl JsSink for CompressTarget {
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        self.compressor
            .compress(chunk, &mut self.out)
            .map_err(sink_error)?;
        self.flush_out()
    }

    /// `write_value` is the default (bytes copied into wasm, then `write`).
    fn takes_bytes(&self) -> bool {
        true
    }

    /// Writes the rest of the compressed stream, then calls the inner sink's `final()`.
    fn finish(&mut self) -> Result<Completion, JsValue> {
        self.compressor.finish(&mut self.out).map_err(sink_error)?;
        let target = self.target.clone();
        self.flush_out()?.then(move || target.finish())
    }

    fn destroy(&mut self, error: &JsValue) {
        self.target.destroy(error);
    }
}

/// An integral level in -1..=9 as 0..=9 (-1 is the default level).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn level_from(n: f64) -> u8 {
    if n < 0.0 {
        DEFAULT_LEVEL
    } else {
        n as u8
    }
}

/// Reads `(inner, { level })`: `inner` defaults to a new `MemorySink`; `level` is an integer
/// from -1 (default, 6) to 9.
fn open(format: Format, inner: JsValue, options: &JsValue) -> Result<CompressTarget, JsValue> {
    let level = match number_option(options, "level")? {
        None => DEFAULT_LEVEL,
        Some((n, value)) => {
            if !(n.fract() == 0.0 && (-1.0..=9.0).contains(&n)) {
                return Err(out_of_range("options.level", ">= -1 and <= 9", &value));
            }
            level_from(n)
        }
    };
    let inner = if inner.is_undefined() || inner.is_null() {
        JsMemorySink::new(JsValue::UNDEFINED)?.into()
    } else {
        inner
    };
    let target = Target::from_js(inner, "inner")?;
    let compressor = Compressor::new(format, level).map_err(sink_error)?;
    Ok(CompressTarget {
        compressor,
        target,
        out: Vec::new(),
    })
}

export_sink! {
    /// `GzipSink`: gzip-compresses into an inner sink (Node's `zlib.createGzip()` format).
    pub struct JsGzipSink(CompressTarget) as GzipSink;
}

#[wasm_bindgen(js_class = GzipSink)]
impl JsGzipSink {
    /// `new GzipSink(inner = new MemorySink(), { level = 6 })`.
    #[wasm_bindgen(constructor)]
    pub fn new(inner: JsValue, options: JsValue) -> Result<JsGzipSink, JsValue> {
        Ok(JsGzipSink::from_sink(open(Format::Gzip, inner, &options)?))
    }

    /// The inner sink the compressed bytes go to.
    #[wasm_bindgen(getter)]
    pub fn inner(&self) -> Result<JsValue, JsValue> {
        self.with(|sink| sink.target.js().clone())
    }

    /// The compression level in use (0–9).
    #[wasm_bindgen(getter)]
    pub fn level(&self) -> Result<u8, JsValue> {
        self.with(|sink| sink.compressor.level())
    }
}

export_sink! {
    /// `DeflateSink`: zlib-format compression into an inner sink (Node's `zlib.createDeflate()`).
    pub struct JsDeflateSink(CompressTarget) as DeflateSink;
}

#[wasm_bindgen(js_class = DeflateSink)]
impl JsDeflateSink {
    /// `new DeflateSink(inner = new MemorySink(), { level = 6 })`.
    #[wasm_bindgen(constructor)]
    pub fn new(inner: JsValue, options: JsValue) -> Result<JsDeflateSink, JsValue> {
        Ok(JsDeflateSink::from_sink(open(
            Format::Zlib,
            inner,
            &options,
        )?))
    }

    /// The inner sink the compressed bytes go to.
    #[wasm_bindgen(getter)]
    pub fn inner(&self) -> Result<JsValue, JsValue> {
        self.with(|sink| sink.target.js().clone())
    }

    /// The compression level in use (0–9).
    #[wasm_bindgen(getter)]
    pub fn level(&self) -> Result<u8, JsValue> {
        self.with(|sink| sink.compressor.level())
    }
}
