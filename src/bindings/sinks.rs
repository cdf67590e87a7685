//! JavaScript classes for the built-in Rust sinks ([`crate::sinks`]).
//!
//! Each class is made with [`export_sink!`](crate::export_sink) (the same macro a Rust user
//! exports a sink of their own with) and follows the *sink object protocol* that the JavaScript
//! faces drive:
//!
//! | method | meaning |
//! |---|---|
//! | `write(chunk)` | consume one chunk (bytes are copied into wasm memory once) → `undefined` or a `Promise` |
//! | `writeString(s)` | consume the UTF-8 bytes of `s` without a JS-side encode |
//! | `writev(chunks)` | consume a batch |
//! | `final()` | the last write is done (Node's `_final`) |
//! | `destroy(err)` | the stream was destroyed (Node's `_destroy`) |
//!
//! Failures throw (or reject with) a JavaScript `Error` whose `.code` is the [`SinkError`] code.
//! The classes only convert values: every decision lives in [`crate::sinks`].
//!
//! [`SinkError`]: crate::sinks::SinkError

#[cfg(feature = "memory")]
use js_sys::Reflect;
#[cfg(any(feature = "memory", feature = "counting"))]
use wasm_bindgen::prelude::*;

#[cfg(any(feature = "memory", feature = "counting"))]
use crate::export_sink;
#[cfg(feature = "memory")]
use crate::sinks::js::{out_of_range, type_error};
#[cfg(feature = "counting")]
use crate::sinks::CountingSink;
#[cfg(feature = "memory")]
use crate::sinks::MemorySink;

// One Cargo feature per sink (see Cargo.toml).
#[cfg(feature = "batch")]
#[path = "sinks_batch.rs"]
mod batch;
#[cfg(feature = "compress")]
#[path = "sinks_compress.rs"]
mod compress;
#[cfg(feature = "digest")]
#[path = "sinks_digest.rs"]
mod digest;
#[cfg(feature = "fanout")]
#[path = "sinks_fanout.rs"]
mod fanout;
#[cfg(feature = "ndjson")]
#[path = "sinks_ndjson.rs"]
mod ndjson;
#[cfg(feature = "throttle")]
#[path = "sinks_throttle.rs"]
mod throttle;
#[cfg(feature = "websocket")]
#[path = "sinks_websocket.rs"]
mod websocket;

#[cfg(feature = "memory")]
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
        return Err(type_error(
            "ERR_INVALID_ARG_TYPE",
            "The \"options\" argument must be of type object",
        ));
    }
    let limit = Reflect::get(options, &JsValue::from_str("limit"))?;
    if limit.is_undefined() || limit.is_null() {
        return Ok(None);
    }
    let Some(n) = limit.as_f64() else {
        return Err(type_error(
            "ERR_INVALID_ARG_TYPE",
            "The \"options.limit\" property must be of type number",
        ));
    };
    if n == f64::INFINITY {
        return Ok(None);
    }
    if !(n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0) {
        return Err(out_of_range(
            "options.limit",
            "a non-negative integer",
            &limit,
        ));
    }
    // Integral and in range: the conversion is exact on wasm32 (saturating above usize::MAX,
    // where no wasm32 memory could hold that much anyway).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Some(n as usize))
}

#[cfg(feature = "memory")]
export_sink! {
    /// `MemorySink`: collects every byte in wasm memory; read the result after `'finish'`.
    pub struct JsMemorySink(MemorySink) as MemorySink;
}

#[cfg(feature = "memory")]
#[wasm_bindgen(js_class = MemorySink)]
impl JsMemorySink {
    /// `new MemorySink({ limit })`; `limit` (bytes) is optional.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsMemorySink, JsValue> {
        let sink = match read_limit(&options)? {
            Some(limit) => MemorySink::with_limit(limit),
            None => MemorySink::new(),
        };
        Ok(JsMemorySink::from_sink(sink))
    }

    /// A copy of the collected bytes, as a `Uint8Array`.
    pub fn bytes(&self) -> Result<Vec<u8>, JsValue> {
        self.with(|sink| sink.bytes().to_vec())
    }

    /// The collected bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    pub fn text(&self) -> Result<String, JsValue> {
        self.with(MemorySink::text)
    }

    /// Number of bytes collected.
    #[wasm_bindgen(getter, js_name = byteLength)]
    pub fn byte_length(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.len() as f64)
    }

    /// The size limit in bytes, or `undefined` when unlimited.
    #[wasm_bindgen(getter)]
    pub fn limit(&self) -> Result<Option<f64>, JsValue> {
        self.with(|sink| sink.limit().map(|limit| limit as f64))
    }
}

#[cfg(feature = "counting")]
export_sink! {
    /// `CountingSink`: counts bytes and chunks and discards them.
    pub struct JsCountingSink(CountingSink) as CountingSink;
}

#[cfg(feature = "counting")]
#[wasm_bindgen(js_class = CountingSink)]
impl JsCountingSink {
    /// `new CountingSink()`.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> JsCountingSink {
        JsCountingSink::from_sink(CountingSink::new())
    }

    /// Total bytes written.
    #[wasm_bindgen(getter, js_name = byteCount)]
    pub fn byte_count(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.byte_count() as f64)
    }

    /// Total chunks written.
    #[wasm_bindgen(getter, js_name = chunkCount)]
    pub fn chunk_count(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.chunk_count() as f64)
    }
}

#[cfg(all(test, feature = "memory", feature = "counting"))]
mod tests {
    use super::*;
    use crate::sinks::js::{Completion, JsSink, Target};
    use crate::sinks::{Sink, SinkError};
    use js_sys::{Array, Error, RangeError, Uint8Array};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn code_of(err: &JsValue) -> Option<String> {
        Reflect::get(err, &JsValue::from_str("code"))
            .ok()?
            .as_string()
    }

    fn options_with_limit(limit: JsValue) -> JsValue {
        let options = js_sys::Object::new();
        Reflect::set(&options, &JsValue::from_str("limit"), &limit).unwrap();
        options.into()
    }

    fn bytes(b: &[u8]) -> JsValue {
        Uint8Array::from(b).into()
    }

    #[wasm_bindgen_test]
    fn memory_sink_collects_bytes_and_strings() {
        let sink = JsMemorySink::new(JsValue::UNDEFINED).unwrap();
        assert!(sink
            .write_string(JsValue::from_str("hello "))
            .unwrap()
            .is_undefined());
        sink.write(bytes(&[0xe2, 0x82])).unwrap();
        sink.write(bytes(&[0xac])).unwrap();
        sink.final_().unwrap();
        assert_eq!(sink.text().unwrap(), "hello €");
        assert_eq!(sink.byte_length().unwrap(), 9.0);
        assert_eq!(sink.limit().unwrap(), None);
    }

    #[wasm_bindgen_test]
    fn write_takes_strings_views_and_array_buffers() {
        let sink = JsMemorySink::new(JsValue::UNDEFINED).unwrap();
        sink.write(JsValue::from_str("a€")).unwrap();
        let buffer = Uint8Array::from(&b"xbcx"[..]).buffer();
        sink.write(js_sys::DataView::new(&buffer, 1, 2).into())
            .unwrap();
        sink.write(Uint8Array::from(&b"d"[..]).buffer().into())
            .unwrap();
        let err = sink.write(JsValue::from_f64(1.0)).unwrap_err();
        assert_eq!(code_of(&err).as_deref(), Some("ERR_INVALID_ARG_TYPE"));
        assert_eq!(sink.text().unwrap(), "a€bcd");
    }

    #[wasm_bindgen_test]
    fn writev_is_one_batch_for_rust_sinks() {
        let sink = JsMemorySink::new(options_with_limit(JsValue::from_f64(4.0))).unwrap();
        let batch: Array = [bytes(b"ab"), JsValue::from_str("cd"), bytes(b"e")]
            .iter()
            .collect();
        let err = sink.writev(batch).unwrap_err();
        assert_eq!(code_of(&err).as_deref(), Some("ERR_SINK_LIMIT"));
        assert_eq!(
            sink.byte_length().unwrap(),
            0.0,
            "MemorySink's writev is all or nothing"
        );
        let counting = JsCountingSink::new();
        counting
            .writev([bytes(b"ab"), JsValue::from_str("c")].iter().collect())
            .unwrap();
        assert_eq!(
            (
                counting.byte_count().unwrap(),
                counting.chunk_count().unwrap()
            ),
            (3.0, 2.0)
        );
    }

    #[wasm_bindgen_test]
    fn memory_sink_limit_throws_error_with_code() {
        let sink = JsMemorySink::new(options_with_limit(JsValue::from_f64(3.0))).unwrap();
        sink.write(bytes(b"abc")).unwrap();
        let err = sink.write(bytes(b"d")).unwrap_err();
        assert!(err.is_instance_of::<Error>());
        assert_eq!(code_of(&err).as_deref(), Some("ERR_SINK_LIMIT"));
        assert_eq!(sink.bytes().unwrap(), b"abc".to_vec());
    }

    #[wasm_bindgen_test]
    fn memory_sink_rejects_bad_limits() {
        let bad_type = JsMemorySink::new(options_with_limit(JsValue::from_str("3")))
            .err()
            .unwrap();
        assert_eq!(code_of(&bad_type).as_deref(), Some("ERR_INVALID_ARG_TYPE"));
        for n in [-1.0, 1.5, f64::NAN] {
            let err = JsMemorySink::new(options_with_limit(JsValue::from_f64(n)))
                .err()
                .unwrap();
            assert_eq!(code_of(&err).as_deref(), Some("ERR_OUT_OF_RANGE"));
            assert!(err.is_instance_of::<RangeError>());
        }
        let nan = JsMemorySink::new(options_with_limit(JsValue::from_f64(f64::NAN)))
            .err()
            .unwrap();
        let message = Reflect::get(&nan, &JsValue::from_str("message"))
            .unwrap()
            .as_string();
        assert!(message.unwrap().ends_with("Received NaN"));
        let unlimited = JsMemorySink::new(options_with_limit(JsValue::from_f64(f64::INFINITY)));
        assert_eq!(unlimited.unwrap().limit().unwrap(), None);
        assert!(JsMemorySink::new(JsValue::NULL).is_ok());
        assert!(JsMemorySink::new(js_sys::Object::new().into()).is_ok());
    }

    #[wasm_bindgen_test]
    fn counting_sink_counts() {
        let sink = JsCountingSink::new();
        sink.write(bytes(b"abc")).unwrap();
        sink.write_string(JsValue::from_str("de")).unwrap();
        sink.final_().unwrap();
        sink.destroy(JsValue::UNDEFINED);
        assert_eq!(
            (sink.byte_count().unwrap(), sink.chunk_count().unwrap()),
            (5.0, 2.0)
        );
    }

    // A sink of "our own", exported the way the module docs of `sinks::js` tell a user to.
    #[derive(Default)]
    pub struct Upper(Vec<u8>);

    impl Sink for Upper {
        fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
            if chunk == b"!" {
                return Err(SinkError::new("ERR_TEST", "no shouting"));
            }
            self.0.extend(chunk.iter().map(u8::to_ascii_uppercase));
            Ok(())
        }
    }

    export_sink! {
        /// Test class.
        pub struct UpperSink(Upper) as TestUpperSink;
    }

    #[wasm_bindgen_test]
    fn a_user_sink_exported_with_the_macro_follows_the_protocol() {
        let sink = UpperSink::from_sink(Upper::default());
        sink.write(bytes(b"abc")).unwrap();
        sink.write_string(JsValue::from_str("d")).unwrap();
        let err = sink.write_string(JsValue::from_str("!")).unwrap_err();
        assert_eq!(code_of(&err).as_deref(), Some("ERR_TEST"));
        sink.final_().unwrap();
        assert_eq!(sink.with(|s| s.0.clone()).unwrap(), b"ABCD".to_vec());
        // Given to a wrapper as a JS value, its Rust state is found and written directly.
        let js: JsValue = UpperSink::from_sink(Upper::default()).into();
        let target = Target::from_js(js.clone(), "inner").unwrap();
        assert!(target.is_rust());
        let _ = target.write_bytes(b"xy").unwrap();
        let text = js_sys::Function::new_with_args("s", "return s.__wasmWritableShare && 'ok'");
        assert_eq!(
            text.call1(&JsValue::NULL, &js)
                .unwrap()
                .as_string()
                .as_deref(),
            Some("ok")
        );
    }

    #[wasm_bindgen_test]
    fn js_objects_are_targets_and_their_promises_are_pending() {
        let make = js_sys::Function::new_no_args(
            "const seen = []; return { seen, write(c) { seen.push(c.length); \
             return c.length > 1 ? Promise.resolve() : undefined; } };",
        );
        let object = make.call0(&JsValue::NULL).unwrap();
        let target = Target::from_js(object.clone(), "inner").unwrap();
        assert!(!target.is_rust());
        assert!(target.write_bytes(b"a").unwrap().is_ready());
        assert!(!target.write_bytes(b"ab").unwrap().is_ready());
        assert!(
            target.finish().unwrap().is_ready(),
            "no final() means nothing to wait for"
        );
        let not_a_sink = Target::from_js(js_sys::Object::new().into(), "inner")
            .err()
            .unwrap();
        assert_eq!(
            code_of(&not_a_sink).as_deref(),
            Some("ERR_INVALID_ARG_TYPE")
        );
        assert!(Completion::all([Completion::Ready, Completion::Ready]).is_ready());
        let mut counting = crate::sinks::CountingSink::new();
        assert!(JsSink::write(&mut counting, b"x").unwrap().is_ready());
    }
}
