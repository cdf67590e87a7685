//! Typed errors of the core, each carrying the `code` Node gives the same failure.
//!
//! The core never builds a host error object itself: it asks the driver's error type through
//! [`StreamError::from_code`], so the JavaScript bindings can make a real `Error` with Node's
//! `code` while native tests use a plain enum.

use core::fmt;

/// A misuse or lifecycle failure detected by the core (or by a face on its behalf).
///
/// Each variant maps to the Node.js error code of the same failure; [`ErrorCode::code`] gives the
/// string and [`ErrorCode::message`] Node's message text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `write()` after `end()`: `ERR_STREAM_WRITE_AFTER_END`.
    WriteAfterEnd,
    /// An operation after `destroy()`: `ERR_STREAM_DESTROYED`; the payload names the operation
    /// (`"write"`, `"end"`).
    Destroyed(&'static str),
    /// `end()` after `'finish'`: `ERR_STREAM_ALREADY_FINISHED`; the payload names the operation.
    AlreadyFinished(&'static str),
    /// A sink (or `final`/`construct`) callback called twice: `ERR_MULTIPLE_CALLBACK`.
    MultipleCallback,
    /// `write(null)`: `ERR_STREAM_NULL_VALUES`.
    NullValues,
    /// A chunk of the wrong type in byte mode: `ERR_INVALID_ARG_TYPE`.
    InvalidArgType,
    /// An option with an invalid value (for example a negative `highWaterMark`):
    /// `ERR_INVALID_ARG_VALUE`.
    InvalidArgValue,
    /// A numeric argument outside its range: `ERR_OUT_OF_RANGE`.
    OutOfRange,
    /// An encoding Node does not know: `ERR_UNKNOWN_ENCODING`.
    UnknownEncoding,
    /// `_write()` missing on a stream that has neither `write` nor `writev`:
    /// `ERR_METHOD_NOT_IMPLEMENTED`.
    MethodNotImplemented,
    /// `pipe()` called on a writable: `ERR_STREAM_CANNOT_PIPE`.
    CannotPipe,
}

/// Which JavaScript error constructor Node uses for a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// `Error`
    Error,
    /// `TypeError`
    TypeError,
    /// `RangeError`
    RangeError,
}

impl ErrorCode {
    /// Node's `code` string for this error.
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::WriteAfterEnd => "ERR_STREAM_WRITE_AFTER_END",
            ErrorCode::Destroyed(_) => "ERR_STREAM_DESTROYED",
            ErrorCode::AlreadyFinished(_) => "ERR_STREAM_ALREADY_FINISHED",
            ErrorCode::MultipleCallback => "ERR_MULTIPLE_CALLBACK",
            ErrorCode::NullValues => "ERR_STREAM_NULL_VALUES",
            ErrorCode::InvalidArgType => "ERR_INVALID_ARG_TYPE",
            ErrorCode::InvalidArgValue => "ERR_INVALID_ARG_VALUE",
            ErrorCode::OutOfRange => "ERR_OUT_OF_RANGE",
            ErrorCode::UnknownEncoding => "ERR_UNKNOWN_ENCODING",
            ErrorCode::MethodNotImplemented => "ERR_METHOD_NOT_IMPLEMENTED",
            ErrorCode::CannotPipe => "ERR_STREAM_CANNOT_PIPE",
        }
    }

    /// The error class Node throws for this code.
    pub fn class(self) -> ErrorClass {
        match self {
            ErrorCode::NullValues
            | ErrorCode::InvalidArgType
            | ErrorCode::InvalidArgValue
            | ErrorCode::UnknownEncoding => ErrorClass::TypeError,
            ErrorCode::OutOfRange => ErrorClass::RangeError,
            _ => ErrorClass::Error,
        }
    }

    /// Node's message for this error, where it needs no caller-specific detail.
    pub fn message(self) -> String {
        match self {
            ErrorCode::WriteAfterEnd => "write after end".into(),
            ErrorCode::Destroyed(op) => format!("Cannot call {op} after a stream was destroyed"),
            ErrorCode::AlreadyFinished(op) => format!("Cannot call {op} after a stream was finished"),
            ErrorCode::MultipleCallback => "Callback called multiple times".into(),
            ErrorCode::NullValues => "May not write null values to stream".into(),
            ErrorCode::InvalidArgType => "The \"chunk\" argument must be of type string or an instance of Buffer, TypedArray, or DataView".into(),
            ErrorCode::InvalidArgValue => "The argument is invalid".into(),
            ErrorCode::OutOfRange => "The value is out of range".into(),
            ErrorCode::UnknownEncoding => "Unknown encoding".into(),
            ErrorCode::MethodNotImplemented => "The _write() method is not implemented".into(),
            ErrorCode::CannotPipe => "Cannot pipe, not readable".into(),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message(), self.code())
    }
}

/// The error values a driver stores in the core.
///
/// The core clones an error wherever Node passes the *same* error object to several places (the
/// failing write's callback, `'error'`, `errored`), so `clone` must preserve identity for hosts
/// where identity is observable (a `JsValue` clone refers to the same JS object).
pub trait StreamError: Clone {
    /// Make a fresh error for a failure the core detected itself.
    fn from_code(code: ErrorCode) -> Self;

    /// Node's `aggregateTwoErrors(inner, outer)`, used when `destroy(outer)` was called while
    /// `construct` was pending and construct then failed with `inner`. Node passes an
    /// `AggregateError` with the outer error's `code` and `message` (and `errors: [outer, inner]`)
    /// to `_destroy` and `'error'`. Hosts that can build one should; the default keeps the outer
    /// error, whose code and message the aggregate carries.
    fn aggregate(inner: Self, outer: Self) -> Self {
        let _ = inner;
        outer
    }
}

impl StreamError for ErrorCode {
    fn from_code(code: ErrorCode) -> Self {
        code
    }
}

/// Validate a `highWaterMark` option the way Node's `getHighWaterMark` does: a finite,
/// non-negative integer. Returns it as `u64`, or [`ErrorCode::InvalidArgValue`].
pub fn validate_high_water_mark(value: f64) -> Result<u64, ErrorCode> {
    // 2^53: the largest integer a JS number holds exactly.
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_SAFE {
        Ok(value as u64)
    } else {
        Err(ErrorCode::InvalidArgValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_node_names() {
        assert_eq!(
            ErrorCode::WriteAfterEnd.code(),
            "ERR_STREAM_WRITE_AFTER_END"
        );
        assert_eq!(
            ErrorCode::Destroyed("write").message(),
            "Cannot call write after a stream was destroyed"
        );
        assert_eq!(
            ErrorCode::AlreadyFinished("end").message(),
            "Cannot call end after a stream was finished"
        );
        assert_eq!(ErrorCode::NullValues.class(), ErrorClass::TypeError);
        assert_eq!(ErrorCode::OutOfRange.class(), ErrorClass::RangeError);
    }

    #[test]
    fn high_water_mark_accepts_non_negative_integers_only() {
        assert_eq!(validate_high_water_mark(0.0), Ok(0));
        assert_eq!(validate_high_water_mark(16384.0), Ok(16384));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, -0.5, 1e300] {
            assert_eq!(
                validate_high_water_mark(bad),
                Err(ErrorCode::InvalidArgValue),
                "{bad}"
            );
        }
    }
}
