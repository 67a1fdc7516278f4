//! The optional bearer token of `/metrics` (config `metrics_token`).

use std::fmt;

use sha2::{Digest, Sha256};

/// The fewest characters a metrics token may have: shorter ones are guessable.
pub const MIN_METRICS_TOKEN_CHARS: usize = 16;

/// The token a scraper must send as `Authorization: Bearer <token>`. Only its SHA-256 is kept,
/// so `Debug` and a memory dump show nothing usable, and comparing digests in constant time
/// tells an attacker neither the token nor its length.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken([u8; 32]);

impl MetricsToken {
    /// Returns the token, or why it is not acceptable.
    pub fn new(token: &str) -> Result<Self, String> {
        let chars = token.chars().count();
        if chars < MIN_METRICS_TOKEN_CHARS {
            return Err(format!(
                "metrics_token must have at least {MIN_METRICS_TOKEN_CHARS} characters \
                 (e.g. `openssl rand -hex 32`)"
            ));
        }
        if token.chars().any(|c| !c.is_ascii_graphic()) {
            return Err("metrics_token must be printable ASCII without spaces".into());
        }
        Ok(Self(Sha256::digest(token.as_bytes()).into()))
    }

    /// Returns true when `presented` is the token; in time independent of where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        digest
            .iter()
            .zip(self.0.iter())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        let token = MetricsToken::new("0123456789abcdef-scrape").unwrap();
        assert!(token.matches("0123456789abcdef-scrape"));
        for wrong in [
            "",
            "0123456789abcdef-scrap",
            "0123456789abcdef-scrape ",
            "x",
        ] {
            assert!(!token.matches(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn short_or_spaced_tokens_are_refused_and_debug_hides_the_token() {
        assert!(MetricsToken::new("short").is_err());
        assert!(MetricsToken::new("sixteen chars with spaces").is_err());
        let token = MetricsToken::new("0123456789abcdef").unwrap();
        assert_eq!(format!("{token:?}"), "MetricsToken(***)");
    }
}
