//! [`TokenBucket`]: the arithmetic of a rate limiter, with time passed in (no clock here).

use super::{SinkError, ERR_OUT_OF_RANGE};

/// A token bucket: `rate` tokens (bytes) per second flow into a bucket holding at most `burst`;
/// sending `n` bytes takes `n` tokens. The bucket starts full.
///
/// A send bigger than the tokens available is not refused: the bucket goes into debt and
/// [`TokenBucket::take`] answers how long to wait before sending, so a chunk larger than `burst`
/// is paced rather than stuck. Over any stretch of time the bytes sent are at most
/// `burst + rate × seconds`.
///
/// ```
/// use wasm_writable::sinks::TokenBucket;
///
/// let mut bucket = TokenBucket::new(1000.0, 500.0).unwrap(); // 1000 B/s, burst 500 B
/// assert_eq!(bucket.take(500.0, 0.0), 0.0);   // the burst goes at once
/// assert_eq!(bucket.take(100.0, 0.0), 100.0); // 100 B more: wait 100 ms
/// assert_eq!(bucket.take(100.0, 200.0), 0.0); // refilled by then
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last_ms: Option<f64>,
}

impl TokenBucket {
    /// `rate` in bytes per second (> 0, finite), `burst` in bytes (> 0, finite).
    pub fn new(rate: f64, burst: f64) -> Result<Self, SinkError> {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(SinkError::new(
                ERR_OUT_OF_RANGE,
                "bytesPerSecond must be a positive finite number",
            ));
        }
        if !(burst.is_finite() && burst > 0.0) {
            return Err(SinkError::new(
                ERR_OUT_OF_RANGE,
                "burst must be a positive finite number",
            ));
        }
        Ok(TokenBucket {
            rate,
            burst,
            tokens: burst,
            last_ms: None,
        })
    }

    /// Bytes per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Bucket size in bytes.
    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// Tokens available at `now_ms` (negative while in debt), without taking any.
    pub fn available(&self, now_ms: f64) -> f64 {
        match self.last_ms {
            Some(last) => {
                (self.tokens + (now_ms - last).max(0.0) * self.rate / 1000.0).min(self.burst)
            }
            None => self.tokens,
        }
    }

    /// Takes `n` tokens at time `now_ms` (any monotonic millisecond clock) and returns how many
    /// milliseconds to wait before sending (0 when the tokens were there).
    pub fn take(&mut self, n: f64, now_ms: f64) -> f64 {
        self.tokens = self.available(now_ms) - n.max(0.0);
        self.last_ms = Some(match self.last_ms {
            Some(last) => now_ms.max(last),
            None => now_ms,
        });
        if self.tokens >= 0.0 {
            0.0
        } else {
            -self.tokens * 1000.0 / self.rate
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn starts_full_then_paces_at_rate() {
        let mut b = TokenBucket::new(1000.0, 100.0).unwrap();
        assert_eq!(b.take(100.0, 0.0), 0.0);
        // 10 more chunks of 100 B sent back to back, each when allowed: 100 ms apart.
        let mut now = 0.0;
        for _ in 0..10 {
            let wait = b.take(100.0, now);
            now += wait;
        }
        assert!((now - 1000.0).abs() < 1e-6, "{now}");
    }

    #[test]
    fn a_chunk_bigger_than_burst_is_paced_not_refused() {
        let mut b = TokenBucket::new(1000.0, 10.0).unwrap();
        assert!((b.take(510.0, 0.0) - 500.0).abs() < 1e-9);
        assert!(b.available(250.0) < 0.0, "still in debt halfway");
        assert!((b.available(500.0)).abs() < 1e-9);
    }

    #[test]
    fn idle_time_refills_up_to_burst_only() {
        let mut b = TokenBucket::new(100.0, 50.0).unwrap();
        b.take(50.0, 0.0);
        assert_eq!(b.available(10_000.0), 50.0);
        assert_eq!(b.take(50.0, 10_000.0), 0.0);
        assert!(b.take(1.0, 10_000.0) > 0.0);
    }

    #[test]
    fn a_clock_going_backwards_does_not_add_tokens() {
        let mut b = TokenBucket::new(100.0, 10.0).unwrap();
        b.take(10.0, 1000.0);
        assert!(b.take(10.0, 500.0) > 0.0);
    }

    #[test]
    fn rejects_bad_parameters() {
        for (rate, burst) in [
            (0.0, 1.0),
            (-1.0, 1.0),
            (f64::NAN, 1.0),
            (f64::INFINITY, 1.0),
            (1.0, 0.0),
            (1.0, f64::NAN),
        ] {
            assert_eq!(
                TokenBucket::new(rate, burst).unwrap_err().code,
                ERR_OUT_OF_RANGE
            );
        }
        let b = TokenBucket::new(5.0, 7.0).unwrap();
        assert_eq!((b.rate(), b.burst()), (5.0, 7.0));
    }
}
