//! JavaScript classes for the built-in Rust sinks ([`crate::sinks`]).
//!
//! Each class follows the *sink object protocol* that the JavaScript faces drive:
//!
//! | method | meaning |
//! |---|---|
//! | `write(chunk: Uint8Array)` | consume one chunk (copied into wasm memory once) |
//! | `writeString(s: string)` | consume the UTF-8 bytes of `s` without a JS-side encode |
//! | `final()` | the last write is done (Node's `_final`) |
//! | `destroy()` | the stream was destroyed (Node's `_destroy`) |
//!
//! Failures throw a JavaScript `Error` whose `.code` is the [`SinkError`] code. The classes only
//! convert values: every decision lives in [`crate::sinks`].

use js_sys::{Error, JsString, RangeError, Reflect, TypeError};
use wasm_bindgen::prelude::*;

use crate::sinks::{CountingSink, MemorySink, Sink, SinkError};

/// Sets `code` on a freshly made error object and returns it as a `JsValue`.
fn with_code(error: JsValue, code: &str) -> JsValue {
    // Setting a property on a plain new Error object cannot fail; if it ever did, the error
    // without its code is still the right thing to throw.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error
}

/// Converts a [`SinkError`] into a JavaScript `Error` with `.code`.
fn sink_error(err: SinkError) -> JsValue {
    with_code(Error::new(&err.message).into(), err.code)
}

/// Reads the optional `limit` of `new MemorySink({ limit })`.
///
/// `undefined`, `null` and `Infinity` mean no limit; otherwise the limit must be a non-negative
/// integer (`ERR_INVALID_ARG_TYPE` for a non-number, `ERR_OUT_OF_RANGE` for a bad number, as
/// Node's validators do).
fn read_limit(options: &JsValue) -> Result<Option<usize>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() {
        return Err(with_code(
            TypeError::new("The \"options\" argument must be of type object").into(),
            "ERR_INVALID_ARG_TYPE",
        ));
    }
    let limit = Reflect::get(options, &JsValue::from_str("limit"))?;
    if limit.is_undefined() || limit.is_null() {
        return Ok(None);
    }
    let Some(n) = limit.as_f64() else {
        return Err(with_code(
            TypeError::new("The \"options.limit\" property must be of type number").into(),
            "ERR_INVALID_ARG_TYPE",
        ));
    };
    if n == f64::INFINITY {
        return Ok(None);
    }
    if !(n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0) {
        // The number is formatted by JS (String(n)): Rust's float formatting would add ~10 KiB.
        let message = JsString::from(
            "The value of \"options.limit\" is out of range. It must be a non-negative integer. \
             Received ",
        )
        .concat(&limit);
        return Err(with_code(RangeError::new(&String::from(message)).into(), "ERR_OUT_OF_RANGE"));
    }
    // Integral and in range: the conversion is exact on wasm32 (saturating above usize::MAX,
    // where no wasm32 memory could hold that much anyway).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Some(n as usize))
}

/// `MemorySink`: collects every byte in wasm memory; read the result after `'finish'`.
#[wasm_bindgen(js_name = MemorySink)]
pub struct JsMemorySink {
    inner: MemorySink,
}

#[wasm_bindgen(js_class = MemorySink)]
impl JsMemorySink {
    /// `new MemorySink({ limit })`; `limit` (bytes) is optional.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsMemorySink, JsValue> {
        let inner = match read_limit(&options)? {
            Some(limit) => MemorySink::with_limit(limit),
            None => MemorySink::new(),
        };
        Ok(JsMemorySink { inner })
    }

    /// Consumes one chunk of bytes.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.inner.write(chunk).map_err(sink_error)
    }

    /// Consumes the UTF-8 encoding of a string.
    #[wasm_bindgen(js_name = writeString)]
    pub fn write_string(&mut self, s: &str) -> Result<(), JsValue> {
        self.inner.write(s.as_bytes()).map_err(sink_error)
    }

    /// Called once after the last write.
    #[wasm_bindgen(js_name = "final")]
    pub fn final_(&mut self) -> Result<(), JsValue> {
        self.inner.finish().map_err(sink_error)
    }

    /// Called when the stream is destroyed. The collected bytes stay readable.
    pub fn destroy(&mut self) {
        self.inner.destroy();
    }

    /// A copy of the collected bytes, as a `Uint8Array`.
    pub fn bytes(&self) -> Vec<u8> {
        self.inner.bytes().to_vec()
    }

    /// The collected bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    pub fn text(&self) -> String {
        self.inner.text()
    }

    /// Number of bytes collected.
    #[wasm_bindgen(getter, js_name = byteLength)]
    pub fn byte_length(&self) -> f64 {
        self.inner.len() as f64
    }

    /// The size limit in bytes, or `undefined` when unlimited.
    #[wasm_bindgen(getter)]
    pub fn limit(&self) -> Option<f64> {
        self.inner.limit().map(|limit| limit as f64)
    }
}

/// `CountingSink`: counts bytes and chunks and discards them.
#[wasm_bindgen(js_name = CountingSink)]
pub struct JsCountingSink {
    inner: CountingSink,
}

#[wasm_bindgen(js_class = CountingSink)]
impl JsCountingSink {
    /// `new CountingSink()`.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> JsCountingSink {
        JsCountingSink { inner: CountingSink::new() }
    }

    /// Consumes one chunk of bytes.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.inner.write(chunk).map_err(sink_error)
    }

    /// Consumes the UTF-8 encoding of a string.
    #[wasm_bindgen(js_name = writeString)]
    pub fn write_string(&mut self, s: &str) -> Result<(), JsValue> {
        self.inner.write(s.as_bytes()).map_err(sink_error)
    }

    /// Called once after the last write.
    #[wasm_bindgen(js_name = "final")]
    pub fn final_(&mut self) -> Result<(), JsValue> {
        self.inner.finish().map_err(sink_error)
    }

    /// Called when the stream is destroyed.
    pub fn destroy(&mut self) {
        self.inner.destroy();
    }

    /// Total bytes written.
    #[wasm_bindgen(getter, js_name = byteCount)]
    pub fn byte_count(&self) -> f64 {
        self.inner.byte_count() as f64
    }

    /// Total chunks written.
    #[wasm_bindgen(getter, js_name = chunkCount)]
    pub fn chunk_count(&self) -> f64 {
        self.inner.chunk_count() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn code_of(err: &JsValue) -> Option<String> {
        Reflect::get(err, &JsValue::from_str("code")).ok()?.as_string()
    }

    fn options_with_limit(limit: JsValue) -> JsValue {
        let options = js_sys::Object::new();
        Reflect::set(&options, &JsValue::from_str("limit"), &limit).unwrap();
        options.into()
    }

    #[wasm_bindgen_test]
    fn memory_sink_collects_bytes_and_strings() {
        let mut sink = JsMemorySink::new(JsValue::UNDEFINED).unwrap();
        sink.write_string("hello ").unwrap();
        sink.write(&[0xe2, 0x82]).unwrap();
        sink.write(&[0xac]).unwrap();
        sink.final_().unwrap();
        assert_eq!(sink.text(), "hello €");
        assert_eq!(sink.byte_length(), 9.0);
        assert_eq!(sink.limit(), None);
    }

    #[wasm_bindgen_test]
    fn memory_sink_limit_throws_error_with_code() {
        let mut sink = JsMemorySink::new(options_with_limit(JsValue::from_f64(3.0))).unwrap();
        sink.write(b"abc").unwrap();
        let err = sink.write(b"d").unwrap_err();
        assert!(err.is_instance_of::<Error>());
        assert_eq!(code_of(&err).as_deref(), Some("ERR_SINK_LIMIT"));
        assert_eq!(sink.bytes(), b"abc".to_vec());
    }

    #[wasm_bindgen_test]
    fn memory_sink_rejects_bad_limits() {
        let bad_type = JsMemorySink::new(options_with_limit(JsValue::from_str("3"))).err().unwrap();
        assert_eq!(code_of(&bad_type).as_deref(), Some("ERR_INVALID_ARG_TYPE"));
        for n in [-1.0, 1.5, f64::NAN] {
            let err = JsMemorySink::new(options_with_limit(JsValue::from_f64(n))).err().unwrap();
            assert_eq!(code_of(&err).as_deref(), Some("ERR_OUT_OF_RANGE"));
            assert!(err.is_instance_of::<RangeError>());
        }
        let nan = JsMemorySink::new(options_with_limit(JsValue::from_f64(f64::NAN))).err().unwrap();
        let message = Reflect::get(&nan, &JsValue::from_str("message")).unwrap().as_string();
        assert!(message.unwrap().ends_with("Received NaN"));
        let unlimited = JsMemorySink::new(options_with_limit(JsValue::from_f64(f64::INFINITY)));
        assert_eq!(unlimited.unwrap().limit(), None);
        assert!(JsMemorySink::new(JsValue::NULL).is_ok());
        assert!(JsMemorySink::new(js_sys::Object::new().into()).is_ok());
    }

    #[wasm_bindgen_test]
    fn counting_sink_counts() {
        let mut sink = JsCountingSink::new();
        sink.write(b"abc").unwrap();
        sink.write_string("de").unwrap();
        sink.final_().unwrap();
        sink.destroy();
        assert_eq!((sink.byte_count(), sink.chunk_count()), (5.0, 2.0));
    }
}
