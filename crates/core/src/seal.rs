//! Sealing: how recording bytes are protected at rest. The format code (`recording`) writes and
//! reads through a [`Sealer`] without knowing which cipher or key is behind it: the store's vault
//! provides one per organization (XChaCha20-Poly1305 under the organization's data key), exports
//! and tests use [`PlainSealer`]. Every sealed part carries its own nonce and key id, so parts of
//! one blob can be read (range reads) and opened independently.

/// Why a sealed part could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the sealed bytes are malformed: {0}")]
    Malformed(String),
    #[error("the sealed bytes were made with key {0:?}, which this sealer does not hold")]
    UnknownKey(String),
    #[error("the sealed bytes fail authentication (tampered, truncated or the wrong key)")]
    Unauthentic,
}

/// Seals and opens independent parts of stored bytes.
pub trait Sealer: Send + Sync {
    /// Seals `plaintext`; the result is exactly `plaintext.len() + self.overhead()` bytes long.
    fn seal(&self, plaintext: &[u8]) -> Vec<u8>;
    /// Opens bytes made by `seal` (of this sealer or one holding the same key).
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError>;
    /// How many bytes `seal` adds; constant, so writers can compute offsets up front.
    fn overhead(&self) -> usize;
}

/// The identity sealer: for portable exports (the file is the user's to protect) and tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct PlainSealer;

impl Sealer for PlainSealer {
    fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        plaintext.to_vec()
    }
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        Ok(sealed.to_vec())
    }
    fn overhead(&self) -> usize {
        0
    }
}
