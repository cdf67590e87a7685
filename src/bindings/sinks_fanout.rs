//! `FanOutSink`: every chunk to several sinks (Rust or JS); a write completes when all have.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::export_sink;
use crate::sinks::js::{byte_view, type_error, with_bytes, Completion, JsSink, Target};

/// The state behind the class: the sinks.
pub struct FanOutTarget {
    targets: Vec<Target>,
}

impl JsSink for FanOutTarget {
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        let mut view = None;
        let mut completions = Vec::with_capacity(self.targets.len());
        for target in &self.targets {
            completions.push(if target.is_rust() {
                target.write_bytes(chunk)?
            } else {
                let view = view.get_or_insert_with(|| JsValue::from(Uint8Array::from(chunk)));
                target.write_value(view)?
            });
        }
        Ok(Completion::all(completions))
    }

    /// JS sinks get the chunk itself (no copy); Rust sinks share one copy of its bytes.
    /// A sink that throws fails the write at once (the sinks after it do not get the chunk); a
    /// rejected promise fails it with that rejection (`Promise.all`).
    fn write_value(&mut self, chunk: &JsValue) -> Result<Completion, JsValue> {
        let rust_sinks = self.targets.iter().filter(|t| t.is_rust()).count();
        let is_bytes = chunk.is_string() || byte_view(chunk).is_some();
        let copy = if rust_sinks > 1 && is_bytes {
            Some(with_bytes(chunk, <[u8]>::to_vec)?)
        } else {
            None
        };
        let mut completions = Vec::with_capacity(self.targets.len());
        for target in &self.targets {
            completions.push(match (&copy, target.is_rust()) {
                (Some(bytes), true) => target.write_bytes(bytes)?,
                _ => target.write_value(chunk)?,
            });
        }
        Ok(Completion::all(completions))
    }

    /// Calls every sink's `final()`; done when all are.
    fn finish(&mut self) -> Result<Completion, JsValue> {
        let mut completions = Vec::with_capacity(self.targets.len());
        for target in &self.targets {
            completions.push(target.finish()?);
        }
        Ok(Completion::all(completions))
    }

    fn destroy(&mut self, error: &JsValue) {
        for target in &self.targets {
            target.destroy(error);
        }
    }
}

export_sink! {
    /// `FanOutSink`: writes every chunk to every one of its sinks.
    pub struct JsFanOutSink(FanOutTarget) as FanOutSink;
}

#[wasm_bindgen(js_class = FanOutSink)]
impl JsFanOutSink {
    /// `new FanOutSink([sinkA, sinkB, …])`: Rust sinks or any sink objects.
    #[wasm_bindgen(constructor)]
    pub fn new(sinks: JsValue) -> Result<JsFanOutSink, JsValue> {
        if !Array::is_array(&sinks) {
            return Err(type_error(
                "ERR_INVALID_ARG_TYPE",
                "The \"sinks\" argument must be an array of sinks",
            ));
        }
        let sinks: Array = sinks.unchecked_into();
        let mut targets = Vec::with_capacity(sinks.length() as usize);
        for (i, sink) in sinks.iter().enumerate() {
            targets.push(Target::from_js(sink, &format!("sinks[{i}]"))?);
        }
        Ok(JsFanOutSink::from_sink(FanOutTarget { targets }))
    }

    /// The sinks, as given.
    #[wasm_bindgen(getter)]
    pub fn sinks(&self) -> Result<Array, JsValue> {
        self.with(|sink| sink.targets.iter().map(Target::js).collect())
    }
}
