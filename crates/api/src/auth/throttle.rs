//! Login throttling (docs/SECURITY.md "Accounts"): failed password checks are stored per email
//! and per client address in the database (so every node counts them), and an attempt is refused
//! with `429 too_many_attempts` while either key has too many failures in the window — before
//! the password is verified, so a right password is refused too. The decision is
//! `core::accounts::throttle`.

use axum::http::HeaderMap;
use tapedeck_core::accounts::{
    EMAIL_LIMIT, IP_LIMIT, THROTTLE_WINDOW_MS, Throttle, ThrottleLimit, email_key, ip_key,
    strictest, throttle,
};

use crate::error::ApiError;
use crate::state::AppState;

/// The throttling keys of one password attempt: its email and, when known, its client address.
pub struct Attempt {
    email_key: String,
    ip_key: Option<String>,
}

impl Attempt {
    pub fn new(email: &str, headers: &HeaderMap) -> Self {
        Self {
            email_key: email_key(email),
            ip_key: crate::audit::client_ip(headers).map(|ip| ip_key(&ip)),
        }
    }

    fn keys(&self) -> impl Iterator<Item = (&String, ThrottleLimit)> {
        std::iter::once((&self.email_key, EMAIL_LIMIT))
            .chain(self.ip_key.iter().map(|key| (key, IP_LIMIT)))
    }

    /// Refuses the attempt (`429` with the seconds to wait) while its email or address is
    /// throttled.
    pub async fn check(&self, state: &AppState) -> Result<(), ApiError> {
        let now = state.now_ms();
        let mut decision = Throttle::Allowed;
        for (key, limit) in self.keys() {
            let limit_rows = u32::try_from(limit.max_failures).unwrap_or(u32::MAX);
            let failures = state
                .meta
                .recent_login_failures(key, now - limit.window_ms, limit_rows)
                .await?;
            decision = strictest(decision, throttle(&failures, now, limit));
        }
        match decision {
            Throttle::Allowed => Ok(()),
            Throttle::RetryAfterSecs(secs) => {
                tracing::info!(retry_after_secs = secs, "password attempt throttled");
                Err(ApiError::TooManyAttempts(secs))
            }
        }
    }

    /// Counts a wrong password against the email and the address.
    pub async fn failed(&self, state: &AppState) -> Result<(), ApiError> {
        let now = state.now_ms();
        let keys: Vec<String> = self.keys().map(|(key, _)| key.clone()).collect();
        state
            .meta
            .record_login_failure(&keys, now, now - THROTTLE_WINDOW_MS)
            .await?;
        Ok(())
    }

    /// A right password clears the email's failures (not the address's: one success must not
    /// reset an attacker's budget across other accounts).
    pub async fn succeeded(&self, state: &AppState) -> Result<(), ApiError> {
        state.meta.clear_login_failures(&self.email_key).await?;
        Ok(())
    }
}
