//! A token bucket for per-key ingest rate limits (docs/SECURITY.md "Ingest keys"). Pure: the
//! caller passes the time, so the API's limiter and the tests decide what "now" is.
//!
//! A limit of `L` per minute is a bucket of `L` tokens refilled at `L` per minute: a recorder
//! may send a burst of a whole minute's allowance (a page load, a flush on unload) and then
//! keeps `L` a minute. The level is counted in integers — one token is `TOKEN` units and each
//! millisecond adds `L` units — so there is no rounding drift however often it is asked.

/// Units of one token: a minute in milliseconds, so a millisecond refills `limit` units.
const TOKEN: u64 = 60_000;

/// A bucket's state: its level and when it was last brought up to date (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenBucket {
    level: u64,
    updated_ms: i64,
}

/// A refused request: how long until one token is back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter {
    pub wait_ms: u64,
}

impl RetryAfter {
    /// The wait in whole seconds for a `Retry-After` header: rounded up and at least 1, so a
    /// client that waits exactly this long finds a token.
    pub fn whole_secs(self) -> u64 {
        self.wait_ms.div_ceil(1000).max(1)
    }
}

impl TokenBucket {
    /// A full bucket: a key seen for the first time may send a whole minute's allowance.
    pub fn full(limit_per_minute: u32, now_ms: i64) -> Self {
        Self {
            level: capacity(limit_per_minute),
            updated_ms: now_ms,
        }
    }

    /// Takes one token at `now_ms` under a limit of `limit_per_minute` (at least 1), or says how
    /// long to wait. A refused request takes nothing. A clock that goes back refills nothing.
    pub fn try_take(&mut self, limit_per_minute: u32, now_ms: i64) -> Result<(), RetryAfter> {
        let limit = u64::from(limit_per_minute.max(1));
        self.refill(limit, now_ms);
        if self.level >= TOKEN {
            self.level -= TOKEN;
            Ok(())
        } else {
            Err(RetryAfter {
                wait_ms: (TOKEN - self.level).div_ceil(limit),
            })
        }
    }

    /// Returns true when the bucket is full at `now_ms`: it then behaves exactly like a new
    /// one, so a limiter may forget it without changing any answer.
    pub fn is_full(&self, limit_per_minute: u32, now_ms: i64) -> bool {
        let mut probe = *self;
        probe.refill(u64::from(limit_per_minute.max(1)), now_ms);
        probe.level >= capacity(limit_per_minute)
    }

    fn refill(&mut self, limit: u64, now_ms: i64) {
        let capacity = limit * TOKEN;
        if now_ms > self.updated_ms {
            // A minute refills any bucket, so longer gaps cannot overflow the product.
            let elapsed = (now_ms - self.updated_ms).min(60_000) as u64;
            self.level = (self.level + elapsed * limit).min(capacity);
            self.updated_ms = now_ms;
        }
        // A lowered limit takes effect at once.
        self.level = self.level.min(capacity);
    }
}

fn capacity(limit_per_minute: u32) -> u64 {
    u64::from(limit_per_minute.max(1)) * TOKEN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_minute_passes_then_the_next_waits_for_its_token() {
        let mut bucket = TokenBucket::full(3, 0);
        for _ in 0..3 {
            assert_eq!(bucket.try_take(3, 0), Ok(()));
        }
        let refused = bucket.try_take(3, 0).unwrap_err();
        assert_eq!(refused.wait_ms, 20_000, "3 a minute: one every 20 s");
        assert_eq!(refused.whole_secs(), 20);
        assert!(bucket.try_take(3, 19_999).is_err());
        assert_eq!(bucket.try_take(3, 20_000), Ok(()));
    }

    #[test]
    fn retry_after_rounds_up_to_at_least_one_second() {
        assert_eq!(RetryAfter { wait_ms: 1 }.whole_secs(), 1);
        assert_eq!(RetryAfter { wait_ms: 0 }.whole_secs(), 1);
        assert_eq!(RetryAfter { wait_ms: 1_001 }.whole_secs(), 2);
        let mut fast = TokenBucket::full(1_000_000, 0);
        while fast.try_take(1_000_000, 0).is_ok() {}
        assert_eq!(fast.try_take(1_000_000, 0).unwrap_err().whole_secs(), 1);
    }

    #[test]
    fn a_lowered_limit_applies_at_once_and_a_clock_going_back_refills_nothing() {
        let mut bucket = TokenBucket::full(100, 1_000);
        assert_eq!(bucket.try_take(1, 1_000), Ok(()));
        assert!(bucket.try_take(1, 1_000).is_err(), "capacity is 1 now");
        assert!(bucket.try_take(1, 0).is_err());
        assert!(!bucket.is_full(1, 30_000));
        assert!(bucket.is_full(1, 61_000));
    }

    proptest::proptest! {
        /// Over any stretch, no more pass than the burst plus the refill of the time elapsed,
        /// and a refused caller that waits what it was told is let through.
        #[test]
        fn never_more_than_burst_plus_refill_and_the_advice_is_right(
            limit in 1u32..2_000,
            steps in proptest::collection::vec(0i64..5_000, 1..300),
        ) {
            let mut bucket = TokenBucket::full(limit, 0);
            let mut now = 0i64;
            let mut passed = 0u64;
            for step in steps {
                now += step;
                match bucket.try_take(limit, now) {
                    Ok(()) => passed += 1,
                    Err(retry) => {
                        let mut waited = bucket;
                        let later = now + retry.wait_ms as i64;
                        proptest::prop_assert!(waited.try_take(limit, later).is_ok());
                        if retry.wait_ms > 1 {
                            let mut early = bucket;
                            proptest::prop_assert!(early.try_take(limit, later - 1).is_err());
                        }
                    }
                }
                let allowed = u64::from(limit) + (now as u64 * u64::from(limit)) / 60_000;
                proptest::prop_assert!(passed <= allowed, "{passed} passed, {allowed} allowed");
            }
        }
    }
}
