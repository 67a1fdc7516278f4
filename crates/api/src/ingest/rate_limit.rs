//! Per-key ingest rate limits of this server process (docs/SECURITY.md "Ingest keys"): one
//! token bucket (`core::rate_limit`) per live ingest key, keyed by the key's id, so a rotated
//! key and its successor are counted apart; a changed limit applies from the next request, with
//! a full bucket of the new size.
//!
//! Memory stays bounded: buckets exist only for keys found live in the database (never for
//! whatever a client sends), and a bucket that is full again — a minute after its key's last
//! request at most — is forgotten, since a new full bucket answers exactly the same. So the map
//! holds at most the keys that sent something in the last minute. With several nodes each
//! counts its own requests: the limit is per key per node (the SDK sends each page's batches in
//! order to one server, and a load balancer spreads pages).

use std::collections::HashMap;
use std::sync::Mutex;

use tapedeck_core::rate_limit::{RetryAfter, TokenBucket};

/// Sweep for full buckets once the map is this large (then at most once a minute).
const SWEEP_AT_BUCKETS: usize = 1024;
/// How often a sweep may run, at most.
const SWEEP_INTERVAL_MS: i64 = 60_000;

#[derive(Debug, Default)]
pub struct IngestRateLimiter {
    inner: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    by_key: HashMap<String, (TokenBucket, u32)>,
    last_sweep_ms: i64,
}

impl IngestRateLimiter {
    /// Takes one request of key `key_id` under `limit_per_minute`, or says how long to wait.
    pub fn check(
        &self,
        key_id: &str,
        limit_per_minute: u32,
        now_ms: i64,
    ) -> Result<(), RetryAfter> {
        // A poisoned lock only means another request panicked mid-update of a counter.
        let mut buckets = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        buckets.sweep(now_ms);
        let (bucket, limit) = buckets.by_key.entry(key_id.to_string()).or_insert_with(|| {
            (
                TokenBucket::full(limit_per_minute, now_ms),
                limit_per_minute,
            )
        });
        if *limit != limit_per_minute {
            // A changed limit starts afresh: raised, the key gets its new allowance at once
            // (an admin lifting a limit means now); lowered, it gets the smaller burst.
            *bucket = TokenBucket::full(limit_per_minute, now_ms);
            *limit = limit_per_minute;
        }
        bucket.try_take(limit_per_minute, now_ms)
    }

    /// How many buckets are kept (for tests of the bound).
    #[cfg(test)]
    fn bucket_count(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_key
            .len()
    }
}

impl Buckets {
    fn sweep(&mut self, now_ms: i64) {
        if self.by_key.len() < SWEEP_AT_BUCKETS || now_ms - self.last_sweep_ms < SWEEP_INTERVAL_MS {
            return;
        }
        self.by_key
            .retain(|_, (bucket, limit)| !bucket.is_full(*limit, now_ms));
        self.last_sweep_ms = now_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_counted_apart_and_a_new_limit_applies_at_once() {
        let limiter = IngestRateLimiter::default();
        assert!(limiter.check("a", 1, 0).is_ok());
        assert_eq!(limiter.check("a", 1, 0).unwrap_err().whole_secs(), 60);
        assert!(
            limiter.check("b", 1, 0).is_ok(),
            "another key has its own bucket"
        );
        assert!(limiter.check("a", 1, 60_000).is_ok());
        assert!(limiter.check("a", 1, 60_000).is_err());
        assert!(
            limiter.check("a", 5, 60_000).is_ok(),
            "a raised limit applies at once"
        );
        for _ in 0..4 {
            assert!(limiter.check("a", 5, 60_000).is_ok());
        }
        assert!(limiter.check("a", 5, 60_000).is_err(), "with its new burst");
    }

    #[test]
    fn idle_buckets_are_forgotten_once_full() {
        let limiter = IngestRateLimiter::default();
        for i in 0..SWEEP_AT_BUCKETS {
            limiter.check(&format!("k{i}"), 10, 0).unwrap();
        }
        assert_eq!(limiter.bucket_count(), SWEEP_AT_BUCKETS);
        limiter.check("busy", 10, 59_000).unwrap();
        assert_eq!(
            limiter.bucket_count(),
            SWEEP_AT_BUCKETS + 1,
            "not yet full: kept"
        );
        limiter.check("busy", 10, 61_000).unwrap();
        assert_eq!(
            limiter.bucket_count(),
            1,
            "only the key still refilling stays"
        );
    }
}
