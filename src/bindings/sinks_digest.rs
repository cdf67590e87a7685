//! `DigestSink`: the JS class over [`crate::sinks::DigestSink`].

use wasm_bindgen::prelude::*;

use crate::export_sink;
use crate::sinks::js::type_error;
use crate::sinks::{DigestAlgorithm, DigestSink};

export_sink! {
    /// `DigestSink`: SHA-1 / SHA-256 / SHA-512 of everything written.
    pub struct JsDigestSink(DigestSink) as DigestSink;
}

#[wasm_bindgen(js_class = DigestSink)]
impl JsDigestSink {
    /// `new DigestSink(algorithm = 'sha256')`: `'sha1'`, `'sha256'` or `'sha512'` (Web Crypto's
    /// `'SHA-256'` spellings work too). Anything else is a `TypeError` `ERR_INVALID_ARG_VALUE`.
    #[wasm_bindgen(constructor)]
    pub fn new(algorithm: JsValue) -> Result<JsDigestSink, JsValue> {
        let algorithm = if algorithm.is_undefined() {
            DigestAlgorithm::Sha256
        } else {
            let name = algorithm.as_string().ok_or_else(|| {
                type_error(
                    "ERR_INVALID_ARG_TYPE",
                    "The \"algorithm\" argument must be of type string",
                )
            })?;
            DigestAlgorithm::from_name(&name).map_err(|err| type_error(err.code, &err.message))?
        };
        Ok(JsDigestSink::from_sink(DigestSink::new(algorithm)))
    }

    /// The digest of everything written so far, as a `Uint8Array` (read after `'finish'`).
    pub fn digest(&self) -> Result<Vec<u8>, JsValue> {
        self.with(DigestSink::digest)
    }

    /// The digest as lower-case hex.
    pub fn hex(&self) -> Result<String, JsValue> {
        self.with(DigestSink::hex)
    }

    /// The algorithm's Node name (`'sha256'`, …).
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> Result<String, JsValue> {
        self.with(|sink| sink.algorithm().name().to_owned())
    }

    /// Bytes hashed so far.
    #[wasm_bindgen(getter, js_name = byteCount)]
    pub fn byte_count(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.byte_count() as f64)
    }
}
