//! `NdjsonSink` (object mode): each value as one line of JSON into an inner byte sink.

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::export_sink;
use crate::sinks::js::{type_error, Completion, JsSink, Target};
use crate::sinks::ndjson::push_line;
use crate::sinks::ERR_INVALID_ARG_VALUE;

/// The state behind the class: where the lines go, and a reused line buffer.
pub struct NdjsonTarget {
    target: Target,
    line: Vec<u8>,
    lines: f64,
}

/// The error for a value `JSON.stringify` refuses (`cause` is what it threw, if anything).
fn not_serialisable(what: &str, cause: Option<&JsValue>) -> JsValue {
    let detail = cause
        .and_then(|c| Reflect::get(c, &JsValue::from_str("message")).ok())
        .and_then(|m| m.as_string())
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    let err = type_error(
        ERR_INVALID_ARG_VALUE,
        &format!("NdjsonSink cannot serialise {what} as JSON{detail}"),
    );
    if let Some(cause) = cause {
        let _ = Reflect::set(&err, &JsValue::from_str("cause"), cause);
    }
    err
}

impl JsSink for NdjsonTarget {
    /// Bytes (a string written through `writeString`) are one JSON string value.
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        self.write_value(&JsValue::from_str(&String::from_utf8_lossy(chunk)))
    }

    /// `JSON.stringify(value)` + `\n` to the inner sink. A value it cannot serialise (a BigInt,
    /// a cycle, `undefined`, a function, a symbol) is a `TypeError` `ERR_INVALID_ARG_VALUE`.
    fn write_value(&mut self, value: &JsValue) -> Result<Completion, JsValue> {
        let json = match JSON::stringify(value) {
            Ok(json) => json,
            Err(thrown) => return Err(not_serialisable("the value", Some(&thrown))),
        };
        let Some(json) = json.as_string() else {
            let kind = value.js_typeof().as_string().unwrap_or_default();
            return Err(not_serialisable(&format!("a value of type {kind}"), None));
        };
        self.line.clear();
        push_line(&mut self.line, &json);
        self.lines += 1.0;
        self.target.write_bytes(&self.line)
    }

    fn finish(&mut self) -> Result<Completion, JsValue> {
        self.target.finish()
    }

    fn destroy(&mut self, error: &JsValue) {
        self.target.destroy(error);
    }
}

export_sink! {
    /// `NdjsonSink`: newline-delimited JSON of the values written (use with `objectMode: true`).
    pub struct JsNdjsonSink(NdjsonTarget) as NdjsonSink;
}

#[wasm_bindgen(js_class = NdjsonSink)]
impl JsNdjsonSink {
    /// `new NdjsonSink(inner)`: `inner` gets one `Uint8Array` line per value.
    #[wasm_bindgen(constructor)]
    pub fn new(inner: JsValue) -> Result<JsNdjsonSink, JsValue> {
        let target = Target::from_js(inner, "inner")?;
        Ok(JsNdjsonSink::from_sink(NdjsonTarget {
            target,
            line: Vec::new(),
            lines: 0.0,
        }))
    }

    /// The inner sink.
    #[wasm_bindgen(getter)]
    pub fn inner(&self) -> Result<JsValue, JsValue> {
        self.with(|sink| sink.target.js().clone())
    }

    /// Lines written so far.
    #[wasm_bindgen(getter, js_name = lineCount)]
    pub fn line_count(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.lines)
    }
}
