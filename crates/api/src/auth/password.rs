//! Password hashing with argon2id (the crate's recommended defaults).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (bounds the hashing work an attacker can ask for).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Returns the PHC-string argon2id hash of `password`.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// Returns true when `password` matches the stored PHC hash.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes off the async runtime (argon2 takes tens of milliseconds by design).
pub async fn hash_password_off_runtime(password: &str) -> Result<String, crate::ApiError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| crate::ApiError::Internal)?
        .map_err(|_| crate::ApiError::Internal)
}

/// Verifies off the async runtime. A password longer than any accepted one is wrong without
/// hashing it.
pub async fn verify_password_off_runtime(
    password: &str,
    stored_hash: &str,
) -> Result<bool, crate::ApiError> {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Ok(false);
    }
    let (password, stored_hash) = (password.to_string(), stored_hash.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &stored_hash))
        .await
        .map_err(|_| crate::ApiError::Internal)
}

/// Returns why a new password is refused, if it is.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Some(format!(
            "the password needs at least {MIN_PASSWORD_CHARS} characters"
        ))
    } else if chars > MAX_PASSWORD_CHARS {
        Some(format!(
            "the password may have at most {MAX_PASSWORD_CHARS} characters"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn length_rules() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("long enough").is_none());
        assert!(password_problem(&"x".repeat(2000)).is_some());
    }
}
