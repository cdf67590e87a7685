//! Batching: [`BatchPolicy`] decides when a batch is full, [`BatchSink`] groups writes into
//! batches for an inner [`Sink`] (one [`Sink::writev`] per batch).

use super::{Sink, SinkError};

/// When a batch is full: after `max_chunks` chunks, or once it holds `max_bytes` bytes or more,
/// whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchPolicy {
    max_chunks: usize,
    max_bytes: f64,
    chunks: usize,
    bytes: f64,
}

/// Default batch size in chunks when neither limit is given.
pub const DEFAULT_BATCH_CHUNKS: usize = 16;
/// Default batch size in bytes when neither limit is given.
pub const DEFAULT_BATCH_BYTES: f64 = 65_536.0;

impl BatchPolicy {
    /// A policy with both limits (each at least 1; `f64::INFINITY` / `usize::MAX` for "no limit").
    pub fn new(max_chunks: usize, max_bytes: f64) -> Self {
        BatchPolicy {
            max_chunks: max_chunks.max(1),
            max_bytes: max_bytes.max(1.0),
            chunks: 0,
            bytes: 0.0,
        }
    }

    /// Counts a chunk of `len` bytes into the current batch; true when the batch is now full.
    pub fn add(&mut self, len: f64) -> bool {
        self.chunks = self.chunks.saturating_add(1);
        self.bytes += len.max(0.0);
        self.chunks >= self.max_chunks || self.bytes >= self.max_bytes
    }

    /// Starts a new, empty batch.
    pub fn reset(&mut self) {
        self.chunks = 0;
        self.bytes = 0.0;
    }

    /// Chunks in the current batch.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// Bytes in the current batch.
    pub fn bytes(&self) -> f64 {
        self.bytes
    }

    /// The chunk limit.
    pub fn max_chunks(&self) -> usize {
        self.max_chunks
    }

    /// The byte limit.
    pub fn max_bytes(&self) -> f64 {
        self.max_bytes
    }
}

impl Default for BatchPolicy {
    fn default() -> Self {
        BatchPolicy::new(DEFAULT_BATCH_CHUNKS, DEFAULT_BATCH_BYTES)
    }
}

/// A sink that keeps chunks until a batch is full, then hands the batch to `inner` with one
/// [`Sink::writev`]. [`Sink::finish`] writes the partial batch before finishing `inner`, so no
/// byte is lost; [`Sink::destroy`] discards it (the stream was aborted).
///
/// ```
/// use wasm_writable::sinks::{BatchPolicy, BatchSink, CountingSink, Sink};
///
/// let mut sink = BatchSink::new(CountingSink::new(), BatchPolicy::new(2, f64::INFINITY));
/// sink.write(b"a").unwrap();
/// assert_eq!(sink.inner().chunk_count(), 0); // held
/// sink.write(b"b").unwrap();
/// assert_eq!(sink.inner().chunk_count(), 2); // one batch of two
/// sink.write(b"c").unwrap();
/// sink.finish().unwrap();
/// assert_eq!(sink.inner().byte_count(), 3);
/// ```
pub struct BatchSink<S: Sink> {
    inner: S,
    policy: BatchPolicy,
    pending: Vec<Vec<u8>>,
}

impl<S: Sink> BatchSink<S> {
    /// Batches into `inner` by `policy`.
    pub fn new(inner: S, policy: BatchPolicy) -> Self {
        BatchSink {
            inner,
            policy,
            pending: Vec::new(),
        }
    }

    /// The inner sink.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Takes the inner sink out (a pending partial batch is dropped).
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Chunks held in the current, not yet written batch.
    pub fn pending_chunks(&self) -> usize {
        self.pending.len()
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        self.policy.reset();
        let slices: Vec<&[u8]> = batch.iter().map(Vec::as_slice).collect();
        self.inner.writev(&slices)
    }
}

impl<S: Sink> Sink for BatchSink<S> {
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        self.pending.push(chunk.to_vec());
        #[allow(clippy::cast_precision_loss)]
        let full = self.policy.add(chunk.len() as f64);
        if full {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.flush()?;
        self.inner.finish()
    }

    fn destroy(&mut self) {
        self.pending.clear();
        self.inner.destroy();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Records each writev batch.
    #[derive(Default)]
    struct Batches(Vec<Vec<Vec<u8>>>, bool);

    impl Sink for Batches {
        fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
            self.0.push(vec![chunk.to_vec()]);
            Ok(())
        }
        fn writev(&mut self, chunks: &[&[u8]]) -> Result<(), SinkError> {
            self.0.push(chunks.iter().map(|c| c.to_vec()).collect());
            Ok(())
        }
        fn finish(&mut self) -> Result<(), SinkError> {
            self.1 = true;
            Ok(())
        }
    }

    fn sizes(sink: &BatchSink<Batches>) -> Vec<usize> {
        sink.inner().0.iter().map(Vec::len).collect()
    }

    #[test]
    fn full_by_chunks() {
        let mut sink = BatchSink::new(Batches::default(), BatchPolicy::new(3, f64::INFINITY));
        for i in 0..7u8 {
            sink.write(&[i]).unwrap();
        }
        assert_eq!(sizes(&sink), vec![3, 3]);
        assert_eq!(sink.pending_chunks(), 1);
        sink.finish().unwrap();
        assert_eq!(
            sizes(&sink),
            vec![3, 3, 1],
            "the partial batch is flushed by finish"
        );
        assert!(sink.inner().1);
        let all: Vec<u8> = sink.inner().0.iter().flatten().flatten().copied().collect();
        assert_eq!(all, (0..7).collect::<Vec<u8>>(), "order kept, nothing lost");
    }

    #[test]
    fn full_by_bytes() {
        let mut sink = BatchSink::new(Batches::default(), BatchPolicy::new(usize::MAX, 10.0));
        sink.write(&[0; 4]).unwrap();
        sink.write(&[0; 4]).unwrap();
        sink.write(&[0; 4]).unwrap(); // 12 >= 10
        sink.write(&[0; 20]).unwrap(); // a big chunk is a batch of its own
        assert_eq!(sizes(&sink), vec![3, 1]);
    }

    #[test]
    fn finish_with_nothing_pending_writes_nothing_and_destroy_discards() {
        let mut sink = BatchSink::new(Batches::default(), BatchPolicy::default());
        sink.finish().unwrap();
        assert!(sink.inner().0.is_empty());
        sink.write(b"x").unwrap();
        sink.destroy();
        assert_eq!(sink.pending_chunks(), 0);
        assert!(sink.inner().0.is_empty());
    }

    #[test]
    fn policy_limits_are_at_least_one() {
        let mut policy = BatchPolicy::new(0, 0.0);
        assert!(policy.add(0.0));
        assert_eq!((policy.max_chunks(), policy.max_bytes()), (1, 1.0));
        policy.reset();
        assert_eq!((policy.chunks(), policy.bytes()), (0, 0.0));
        let mut default = BatchPolicy::default();
        assert!(!default.add(100.0));
        assert!(default.add(65_536.0));
    }
}
