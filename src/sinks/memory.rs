//! [`MemorySink`]: collects every byte written, optionally up to a limit.

use super::{Sink, SinkError, ERR_SINK_LIMIT};

/// A sink that keeps every byte written to it, in order, in one growable buffer.
///
/// With a limit ([`MemorySink::with_limit`]) a write that would take the total past the limit is
/// refused whole with [`ERR_SINK_LIMIT`]: nothing of that chunk is stored, so the sink never
/// holds more than `limit` bytes and what it holds is exactly the chunks accepted before.
///
/// ```
/// use wasm_writable::sinks::{MemorySink, Sink};
///
/// let mut sink = MemorySink::with_limit(8);
/// sink.write(b"hello").unwrap();
/// let err = sink.write(b" world").unwrap_err();
/// assert_eq!(err.code, "ERR_SINK_LIMIT");
/// assert_eq!(sink.bytes(), b"hello");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemorySink {
    buf: Vec<u8>,
    limit: Option<usize>,
}

impl MemorySink {
    /// Creates an empty sink without a size limit.
    pub fn new() -> Self {
        MemorySink::default()
    }

    /// Creates an empty sink that refuses any write taking its total past `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        MemorySink {
            buf: Vec::new(),
            limit: Some(limit),
        }
    }

    /// The size limit in bytes, if any.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// The bytes collected so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The bytes collected so far, decoded as UTF-8; invalid sequences become U+FFFD.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf).into_owned()
    }

    /// Number of bytes collected so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing has been collected.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Takes the collected bytes out of the sink.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// Checks that `incoming` more bytes fit under the limit.
    fn check_room(&self, incoming: usize) -> Result<(), SinkError> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let fits = self
            .buf
            .len()
            .checked_add(incoming)
            .is_some_and(|total| total <= limit);
        if fits {
            Ok(())
        } else {
            Err(SinkError::new(
                ERR_SINK_LIMIT,
                format!(
                    "MemorySink limit of {limit} bytes exceeded: {stored} bytes stored, \
                     a write of {incoming} bytes was refused",
                    stored = self.buf.len()
                ),
            ))
        }
    }
}

impl Sink for MemorySink {
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        self.check_room(chunk.len())?;
        self.buf.extend_from_slice(chunk);
        Ok(())
    }

    /// All or nothing: the whole batch is checked against the limit first, then stored with a
    /// single reservation.
    fn writev(&mut self, chunks: &[&[u8]]) -> Result<(), SinkError> {
        let total = chunks
            .iter()
            .fold(0usize, |sum, chunk| sum.saturating_add(chunk.len()));
        self.check_room(total)?;
        self.buf.reserve(total);
        for chunk in chunks {
            self.buf.extend_from_slice(chunk);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The same tests run natively and, through wasm-bindgen's runner, in wasm.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn collects_chunks_in_order() {
        let mut sink = MemorySink::new();
        sink.write(b"hello ").unwrap();
        sink.write(b"").unwrap();
        sink.writev(&[b"wor", b"ld"]).unwrap();
        sink.finish().unwrap();
        assert_eq!(sink.bytes(), b"hello world");
        assert_eq!(sink.text(), "hello world");
        assert_eq!(sink.len(), 11);
        assert!(!sink.is_empty());
        assert_eq!(sink.into_bytes(), b"hello world".to_vec());
    }

    #[test]
    fn new_sink_is_empty_and_unlimited() {
        let sink = MemorySink::new();
        assert!(sink.is_empty());
        assert_eq!(sink.limit(), None);
        assert_eq!(sink.text(), "");
    }

    #[test]
    fn text_is_lossy_utf8() {
        let mut sink = MemorySink::new();
        sink.write(&[b'a', 0xff, b'b']).unwrap();
        assert_eq!(sink.text(), "a\u{fffd}b");
        // a multi-byte character split across chunks is whole again in the buffer
        let euro = "€".as_bytes();
        let mut sink = MemorySink::new();
        sink.write(euro.get(..1).unwrap()).unwrap();
        sink.write(euro.get(1..).unwrap()).unwrap();
        assert_eq!(sink.text(), "€");
    }

    #[test]
    fn limit_allows_exactly_limit_bytes() {
        let mut sink = MemorySink::with_limit(5);
        sink.write(b"he").unwrap();
        sink.write(b"llo").unwrap();
        assert_eq!(sink.bytes(), b"hello");
        sink.write(b"").unwrap();
        let err = sink.write(b"!").unwrap_err();
        assert_eq!(err.code, ERR_SINK_LIMIT);
        assert_eq!(sink.bytes(), b"hello");
    }

    #[test]
    fn refused_write_stores_nothing_of_the_chunk() {
        let mut sink = MemorySink::with_limit(4);
        sink.write(b"ab").unwrap();
        let err = sink.write(b"cdef").unwrap_err();
        assert_eq!(err.code, ERR_SINK_LIMIT);
        assert_eq!(
            err.message,
            "MemorySink limit of 4 bytes exceeded: 2 bytes stored, a write of 4 bytes was refused"
        );
        assert_eq!(sink.bytes(), b"ab");
        // a smaller chunk that fits is still accepted
        sink.write(b"cd").unwrap();
        assert_eq!(sink.bytes(), b"abcd");
    }

    #[test]
    fn writev_is_all_or_nothing() {
        let mut sink = MemorySink::with_limit(4);
        let err = sink.writev(&[b"ab", b"cd", b"e"]).unwrap_err();
        assert_eq!(err.code, ERR_SINK_LIMIT);
        assert!(sink.is_empty());
        sink.writev(&[b"ab", b"cd"]).unwrap();
        assert_eq!(sink.bytes(), b"abcd");
    }

    #[test]
    fn zero_limit_accepts_only_empty_chunks() {
        let mut sink = MemorySink::with_limit(0);
        sink.write(b"").unwrap();
        assert!(sink.write(b"x").is_err());
        assert!(sink.is_empty());
    }

    #[test]
    fn huge_limit_does_not_overflow() {
        let mut sink = MemorySink::with_limit(usize::MAX);
        sink.write(b"abc").unwrap();
        assert_eq!(sink.len(), 3);
    }
}
