//! `ThrottleSink`: paces an inner sink with a token bucket; the pacing is the write's completion,
//! so upstream sees it as backpressure.

use wasm_bindgen::prelude::*;

use crate::export_sink;
use crate::sinks::js::{
    byte_length, number_option, out_of_range, sink_error, sleep, type_error, Completion, JsSink,
    Target,
};
use crate::sinks::TokenBucket;

/// The state behind the class.
pub struct ThrottleTarget {
    bucket: TokenBucket,
    target: Target,
}

/// Milliseconds from the host's clock (`Date.now()`; the bucket ignores a clock going back).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl JsSink for ThrottleTarget {
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        #[allow(clippy::cast_precision_loss)]
        let wait = self.bucket.take(chunk.len() as f64, now_ms());
        if wait <= 0.0 {
            return self.target.write_bytes(chunk);
        }
        let (target, bytes) = (self.target.clone(), chunk.to_vec());
        Completion::Pending(sleep(wait)?).then(move || target.write_bytes(&bytes))
    }

    /// A chunk of `n` bytes takes `n` tokens (an object-mode chunk takes 1); when they are not
    /// there, the chunk is handed to the inner sink after the wait, and the write completes when
    /// the inner write has.
    fn write_value(&mut self, chunk: &JsValue) -> Result<Completion, JsValue> {
        let wait = self
            .bucket
            .take(byte_length(chunk).unwrap_or(1.0), now_ms());
        if wait <= 0.0 {
            return self.target.write_value(chunk);
        }
        let (target, chunk) = (self.target.clone(), chunk.clone());
        Completion::Pending(sleep(wait)?).then(move || target.write_value(&chunk))
    }

    fn finish(&mut self) -> Result<Completion, JsValue> {
        self.target.finish()
    }

    fn destroy(&mut self, error: &JsValue) {
        self.target.destroy(error);
    }
}

/// Reads a positive finite number option.
fn positive(options: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    match number_option(options, name)? {
        None => Ok(None),
        Some((n, value)) if !(n.is_finite() && n > 0.0) => Err(out_of_range(
            &format!("options.{name}"),
            "a positive finite number",
            &value,
        )),
        Some((n, _)) => Ok(Some(n)),
    }
}

export_sink! {
    /// `ThrottleSink`: a token-bucket rate limit (bytes per second, burst) in front of a sink.
    pub struct JsThrottleSink(ThrottleTarget) as ThrottleSink;
}

#[wasm_bindgen(js_class = ThrottleSink)]
impl JsThrottleSink {
    /// `new ThrottleSink(inner, { bytesPerSecond, burst = bytesPerSecond })`.
    #[wasm_bindgen(constructor)]
    pub fn new(inner: JsValue, options: JsValue) -> Result<JsThrottleSink, JsValue> {
        let target = Target::from_js(inner, "inner")?;
        let rate = positive(&options, "bytesPerSecond")?.ok_or_else(|| {
            type_error(
                "ERR_INVALID_ARG_TYPE",
                "The \"options.bytesPerSecond\" property must be of type number",
            )
        })?;
        let burst = positive(&options, "burst")?.unwrap_or(rate);
        let bucket = TokenBucket::new(rate, burst).map_err(sink_error)?;
        Ok(JsThrottleSink::from_sink(ThrottleTarget { bucket, target }))
    }

    /// The inner sink.
    #[wasm_bindgen(getter)]
    pub fn inner(&self) -> Result<JsValue, JsValue> {
        self.with(|sink| sink.target.js().clone())
    }

    /// The rate in bytes per second.
    #[wasm_bindgen(getter, js_name = bytesPerSecond)]
    pub fn bytes_per_second(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.bucket.rate())
    }

    /// The bucket size in bytes.
    #[wasm_bindgen(getter)]
    pub fn burst(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.bucket.burst())
    }
}
