//! Newline-delimited JSON framing (the serialisation itself is JavaScript's `JSON.stringify`,
//! see the `NdjsonSink` class).

/// Appends one NDJSON record, `json` followed by `\n`, to `out`.
///
/// `json` must be a serialised JSON text; `JSON.stringify` never puts a raw line break in one
/// (line breaks inside strings are escaped as `\n`), so each record is exactly one line.
///
/// ```
/// let mut out = Vec::new();
/// wasm_writable::sinks::ndjson::push_line(&mut out, r#"{"a":1}"#);
/// wasm_writable::sinks::ndjson::push_line(&mut out, "[2]");
/// assert_eq!(out, b"{\"a\":1}\n[2]\n");
/// ```
pub fn push_line(out: &mut Vec<u8>, json: &str) {
    out.reserve(json.len() + 1);
    out.extend_from_slice(json.as_bytes());
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn one_record_per_line() {
        let mut out = Vec::new();
        push_line(&mut out, "\"a\\nb\"");
        push_line(&mut out, "null");
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().collect::<Vec<_>>(), vec!["\"a\\nb\"", "null"]);
    }
}
