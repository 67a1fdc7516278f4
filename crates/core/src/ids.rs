//! Identifiers: client-chosen ids are validated here; server ids are UUIDv7 strings.

use crate::limits::MAX_CLIENT_ID_CHARS;

/// Returns true when `id` is an acceptable client-chosen id: 1–64 chars of `[A-Za-z0-9_-]`.
pub fn is_valid_client_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CLIENT_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Returns a new time-ordered server id (UUIDv7, hyphenated lowercase).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_uuid_and_window_ids() {
        assert!(is_valid_client_id("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"));
        assert!(is_valid_client_id("w-abc_123"));
    }

    #[test]
    fn rejects_empty_long_and_odd_characters() {
        assert!(!is_valid_client_id(""));
        assert!(!is_valid_client_id(&"a".repeat(65)));
        assert!(!is_valid_client_id("../etc/passwd"));
        assert!(!is_valid_client_id("a b"));
        assert!(!is_valid_client_id("é"));
    }
}
