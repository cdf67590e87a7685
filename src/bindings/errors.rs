//! Conversion of core errors into JavaScript errors that look like Node's: a real `Error`
//! (or `TypeError`/`RangeError`) with Node's message and an enumerable `code`.

use js_sys::{Error, RangeError, Reflect, TypeError};
use wasm_bindgen::prelude::*;

use crate::core::{ErrorClass, ErrorCode, StreamError};

/// Set `code` on a freshly made error object and return it.
pub(crate) fn with_code(error: JsValue, code: &str) -> JsValue {
    // Setting a property on a new, unfrozen Error cannot fail; were it to, the error without
    // its code is still the right thing to report.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error
}

/// A JavaScript error of the given class with Node's `code`.
pub(crate) fn js_error(class: ErrorClass, message: &str, code: &str) -> JsValue {
    let error: JsValue = match class {
        ErrorClass::Error => Error::new(message).into(),
        ErrorClass::TypeError => TypeError::new(message).into(),
        ErrorClass::RangeError => RangeError::new(message).into(),
    };
    with_code(error, code)
}

/// The core's error type in wasm: any JS value (sink errors are whatever the sink threw or
/// passed to its callback; core-made ones are `Error`s with `code`). Cloning keeps identity.
#[derive(Clone, Debug)]
pub(crate) struct JsStreamError(pub JsValue);

impl StreamError for JsStreamError {
    fn from_code(code: ErrorCode) -> Self {
        JsStreamError(js_error(code.class(), &code.message(), code.code()))
    }
}

impl From<ErrorCode> for JsValue {
    fn from(code: ErrorCode) -> JsValue {
        js_error(code.class(), &code.message(), code.code())
    }
}
