//! [`FanOutSink`]: every chunk to every one of several sinks.

use super::{Sink, SinkError};

/// A sink that writes every chunk to each of its sinks, in order. A failure of any one fails the
/// write (and the stream) with that sink's error; the sinks after it do not get that chunk.
/// `finish` and `destroy` reach every sink.
///
/// ```
/// use wasm_writable::sinks::{CountingSink, FanOutSink, MemorySink, Sink};
///
/// let mut sink = FanOutSink::new(vec![MemorySink::new(), MemorySink::new()]);
/// sink.write(b"hi").unwrap();
/// assert!(sink.sinks().iter().all(|s| s.bytes() == b"hi"));
/// ```
pub struct FanOutSink<S: Sink> {
    sinks: Vec<S>,
}

impl<S: Sink> FanOutSink<S> {
    /// Fans out to `sinks`.
    pub fn new(sinks: Vec<S>) -> Self {
        FanOutSink { sinks }
    }

    /// The sinks.
    pub fn sinks(&self) -> &[S] {
        &self.sinks
    }

    /// Takes the sinks out.
    pub fn into_sinks(self) -> Vec<S> {
        self.sinks
    }
}

impl<S: Sink> Sink for FanOutSink<S> {
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        self.sinks.iter_mut().try_for_each(|sink| sink.write(chunk))
    }

    fn writev(&mut self, chunks: &[&[u8]]) -> Result<(), SinkError> {
        self.sinks
            .iter_mut()
            .try_for_each(|sink| sink.writev(chunks))
    }

    /// Finishes every sink, even after one failed; reports the first failure.
    fn finish(&mut self) -> Result<(), SinkError> {
        let mut first = Ok(());
        for sink in &mut self.sinks {
            let result = sink.finish();
            if first.is_ok() {
                first = result;
            }
        }
        first
    }

    fn destroy(&mut self) {
        self.sinks.iter_mut().for_each(Sink::destroy);
    }
}

#[cfg(all(test, feature = "memory"))]
mod tests {
    use super::*;
    use crate::sinks::{MemorySink, ERR_SINK_LIMIT};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_chunk_reaches_every_sink() {
        let mut sink = FanOutSink::new(vec![
            MemorySink::new(),
            MemorySink::new(),
            MemorySink::new(),
        ]);
        sink.write(b"ab").unwrap();
        sink.writev(&[b"c", b"d"]).unwrap();
        sink.finish().unwrap();
        for s in sink.sinks() {
            assert_eq!(s.bytes(), b"abcd");
        }
        assert_eq!(sink.into_sinks().len(), 3);
    }

    #[test]
    fn one_failure_fails_the_write_with_its_error() {
        let mut sink = FanOutSink::new(vec![
            MemorySink::new(),
            MemorySink::with_limit(2),
            MemorySink::new(),
        ]);
        sink.write(b"ab").unwrap();
        let err = sink.write(b"c").unwrap_err();
        assert_eq!(err.code, ERR_SINK_LIMIT);
        let got: Vec<&[u8]> = sink.sinks().iter().map(MemorySink::bytes).collect();
        assert_eq!(got, vec![&b"abc"[..], b"ab", b"ab"]);
        sink.destroy();
    }

    #[test]
    fn no_sinks_is_a_null_sink() {
        let mut sink: FanOutSink<MemorySink> = FanOutSink::new(Vec::new());
        sink.write(b"x").unwrap();
        sink.finish().unwrap();
    }
}
