//! [`CountingSink`]: counts bytes and chunks, keeps nothing.

use super::{Sink, SinkError};

/// A sink that counts what it is given and discards it: the cheapest possible destination,
/// useful for benchmarks and for measuring a producer.
///
/// Counters saturate at `u64::MAX` instead of wrapping.
///
/// ```
/// use wasm_writable::sinks::{CountingSink, Sink};
///
/// let mut sink = CountingSink::new();
/// sink.write(b"abc").unwrap();
/// sink.writev(&[b"de", b"f"]).unwrap();
/// assert_eq!((sink.byte_count(), sink.chunk_count()), (6, 3));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountingSink {
    bytes: u64,
    chunks: u64,
}

impl CountingSink {
    /// Creates a sink with both counters at zero.
    pub fn new() -> Self {
        CountingSink::default()
    }

    /// Total number of bytes written.
    pub fn byte_count(&self) -> u64 {
        self.bytes
    }

    /// Total number of chunks written (each chunk of a `writev` batch counts as one).
    pub fn chunk_count(&self) -> u64 {
        self.chunks
    }
}

impl Sink for CountingSink {
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        self.bytes = self.bytes.saturating_add(len);
        self.chunks = self.chunks.saturating_add(1);
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
    fn counts_bytes_and_chunks() {
        let mut sink = CountingSink::new();
        assert_eq!((sink.byte_count(), sink.chunk_count()), (0, 0));
        sink.write(b"hello").unwrap();
        sink.write(b"").unwrap();
        sink.writev(&[b"a", b"bc"]).unwrap();
        sink.finish().unwrap();
        sink.destroy();
        assert_eq!(sink.byte_count(), 8);
        assert_eq!(sink.chunk_count(), 4);
    }

    #[test]
    fn counters_saturate() {
        let mut sink = CountingSink {
            bytes: u64::MAX - 1,
            chunks: u64::MAX,
        };
        sink.write(b"abc").unwrap();
        assert_eq!(sink.byte_count(), u64::MAX);
        assert_eq!(sink.chunk_count(), u64::MAX);
    }
}
