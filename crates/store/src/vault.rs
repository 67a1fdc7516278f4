//! Encryption at rest. Every organization has a random 256-bit data key; recording bytes are
//! sealed with XChaCha20-Poly1305 under it. Data keys are stored only wrapped (sealed) by the
//! master key, which comes from a key file or the environment and never touches the database,
//! so neither the database nor the bucket alone reveals a recording. Rotating the master key
//! re-wraps the data keys; recordings are not rewritten.
//!
//! A sealed part is `TDS1 | key id (16) | nonce (24) | ciphertext | tag (16)`; the magic and key
//! id are authenticated as associated data.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tapedeck_core::seal::{SealError, Sealer};
use zeroize::Zeroizing;

use crate::{MetaStore, StoreError, WrappedDataKey};

const MAGIC: &[u8; 4] = b"TDS1";
const KEY_ID_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = MAGIC.len() + KEY_ID_LEN + NONCE_LEN;
/// Bytes a sealed part adds to its plaintext.
pub const SEAL_OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// The key that wraps data keys: 32 bytes, written as 64 hex characters.
pub struct MasterKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

impl MasterKey {
    pub fn from_bytes(key: [u8; 32]) -> Self {
        // The id names the key without revealing it: a domain-separated hash, shortened.
        let digest = Sha256::new()
            .chain_update(b"tapedeck master key id\0")
            .chain_update(key)
            .finalize();
        Self {
            id: hex::encode(&digest[..8]),
            key: Zeroizing::new(key),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self::from_bytes(key)
    }

    /// Parses 64 hex characters (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let bad = || {
            StoreError::Config(
                "an encryption key must be 64 hex characters (e.g. `openssl rand -hex 32`)".into(),
            )
        };
        let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| bad())?);
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| bad())?;
        Ok(Self::from_bytes(key))
    }

    /// Reads a key file.
    pub fn load_file(path: &Path) -> Result<Self, StoreError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            StoreError::Config(format!("cannot read key file {}: {e}", path.display()))
        })?);
        Self::parse(&text)
            .map_err(|e| StoreError::Config(format!("key file {}: {e}", path.display())))
    }

    /// Writes a new random key to `path` (readable by its owner only); fails if it exists.
    pub fn create_file(path: &Path) -> Result<Self, StoreError> {
        use std::io::Write;
        let key = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| {
            StoreError::Config(format!("cannot create key file {}: {e}", path.display()))
        })?;
        let text = Zeroizing::new(format!("{}\n", hex::encode(*key.key)));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| {
                StoreError::Config(format!("cannot write key file {}: {e}", path.display()))
            })?;
        Ok(key)
    }

    /// The public name of this key (stored beside each data key it wraps).
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_ref().into())
    }

    fn wrap(&self, organization_id: &str, key_id: &str, data_key: &[u8; 32]) -> Vec<u8> {
        let nonce = random_nonce();
        let aad = wrap_aad(organization_id, key_id);
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: data_key,
                    aad: &aad,
                },
            )
            .expect("sealing 32 bytes cannot fail");
        [nonce.as_slice(), &sealed].concat()
    }

    fn unwrap(&self, stored: &WrappedDataKey) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        if stored.master_key_id != self.id {
            return Err(StoreError::Config(format!(
                "data key {} is wrapped by master key {}, but the configured master key is {} \
                 (wrong key file? run `tapedeck admin rotate-key` with the old key to re-wrap)",
                stored.id, stored.master_key_id, self.id
            )));
        }
        let corrupt = || StoreError::Corrupt(format!("data key {} does not unwrap", stored.id));
        if stored.wrapped_key.len() <= NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, sealed) = stored.wrapped_key.split_at(NONCE_LEN);
        let aad = wrap_aad(&stored.organization_id, &stored.id);
        let plain = Zeroizing::new(
            self.cipher()
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: &aad,
                    },
                )
                .map_err(|_| corrupt())?,
        );
        let key: [u8; 32] = plain.as_slice().try_into().map_err(|_| corrupt())?;
        Ok(Zeroizing::new(key))
    }
}

/// Binds a wrapped key to its organization and id, so it cannot be moved to another.
fn wrap_aad(organization_id: &str, key_id: &str) -> Vec<u8> {
    format!("tapedeck data key\0{organization_id}\0{key_id}").into_bytes()
}

fn random_nonce() -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    nonce
}

/// Seals with one organization's data key.
struct OrgSealer {
    key_id: [u8; KEY_ID_LEN],
    cipher: XChaCha20Poly1305,
}

impl Sealer for OrgSealer {
    fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = random_nonce();
        let mut out = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.key_id);
        out.extend_from_slice(&nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &out[..MAGIC.len() + KEY_ID_LEN],
                },
            )
            .expect("XChaCha20-Poly1305 seals any length we write");
        out.extend_from_slice(&sealed);
        out
    }

    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < SEAL_OVERHEAD || &sealed[..MAGIC.len()] != MAGIC {
            return Err(SealError::Malformed(
                "not a sealed part (no TDS1 header)".into(),
            ));
        }
        let key_id = &sealed[MAGIC.len()..MAGIC.len() + KEY_ID_LEN];
        if key_id != self.key_id {
            return Err(SealError::UnknownKey(hex::encode(key_id)));
        }
        let nonce = &sealed[MAGIC.len() + KEY_ID_LEN..HEADER_LEN];
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: &sealed[HEADER_LEN..],
                    aad: &sealed[..MAGIC.len() + KEY_ID_LEN],
                },
            )
            .map_err(|_| SealError::Unauthentic)
    }

    fn overhead(&self) -> usize {
        SEAL_OVERHEAD
    }
}

/// Hands out each organization's sealer, creating its data key on first use.
pub struct Vault {
    meta: Arc<dyn MetaStore>,
    master: MasterKey,
    sealers: Mutex<HashMap<String, Arc<OrgSealer>>>,
}

impl Vault {
    pub fn new(meta: Arc<dyn MetaStore>, master: MasterKey) -> Self {
        Self {
            meta,
            master,
            sealers: Mutex::new(HashMap::new()),
        }
    }

    pub fn master_key_id(&self) -> &str {
        self.master.id()
    }

    /// The sealer of `organization_id`.
    pub async fn sealer(&self, organization_id: &str) -> Result<Arc<dyn Sealer>, StoreError> {
        if let Some(sealer) = self.cached(organization_id) {
            return Ok(sealer);
        }
        let stored = match self.meta.data_key(organization_id).await? {
            Some(stored) => stored,
            None => self.create_data_key(organization_id).await?,
        };
        let key = self.master.unwrap(&stored)?;
        let key_id: [u8; KEY_ID_LEN] = hex::decode(&stored.id)
            .ok()
            .and_then(|id| id.try_into().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("data key id {:?}", stored.id)))?;
        let sealer = Arc::new(OrgSealer {
            key_id,
            cipher: XChaCha20Poly1305::new(key.as_ref().into()),
        });
        self.sealers
            .lock()
            .expect("vault cache lock")
            .insert(organization_id.to_string(), sealer.clone());
        Ok(sealer)
    }

    fn cached(&self, organization_id: &str) -> Option<Arc<dyn Sealer>> {
        let sealers = self.sealers.lock().expect("vault cache lock");
        sealers
            .get(organization_id)
            .map(|s| s.clone() as Arc<dyn Sealer>)
    }

    /// Makes the organization's data key; if another node made one at the same moment, theirs
    /// wins (the store keeps the first) and is returned.
    async fn create_data_key(&self, organization_id: &str) -> Result<WrappedDataKey, StoreError> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        let mut id = [0u8; KEY_ID_LEN];
        rand::rng().fill_bytes(&mut id);
        let id = hex::encode(id);
        let candidate = WrappedDataKey {
            wrapped_key: self.master.wrap(organization_id, &id, &key),
            id,
            organization_id: organization_id.to_string(),
            master_key_id: self.master.id().to_string(),
        };
        self.meta.insert_data_key_if_absent(&candidate).await
    }
}

/// Re-wraps every data key from `old` to `new` in one transaction; returns how many. Recordings
/// are untouched: they are sealed with the data keys, which do not change.
pub async fn rotate_master_key(
    meta: &dyn MetaStore,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<usize, StoreError> {
    let mut rewrapped = Vec::new();
    for stored in meta.all_data_keys().await? {
        if stored.master_key_id == new.id() {
            continue; // an earlier, interrupted rotation got this far
        }
        let key = old.unwrap(&stored)?;
        rewrapped.push(WrappedDataKey {
            wrapped_key: new.wrap(&stored.organization_id, &stored.id, &key),
            master_key_id: new.id().to_string(),
            ..stored
        });
    }
    meta.replace_wrapped_keys(&rewrapped).await?;
    Ok(rewrapped.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(key: [u8; 32], id: u8) -> OrgSealer {
        OrgSealer {
            key_id: [id; KEY_ID_LEN],
            cipher: XChaCha20Poly1305::new((&key).into()),
        }
    }

    #[test]
    fn seal_round_trips_and_hides_the_plaintext() {
        let s = sealer([7; 32], 1);
        let plain = b"the secret page text appears nowhere sealed";
        let sealed = s.seal(plain);
        assert_eq!(sealed.len(), plain.len() + SEAL_OVERHEAD);
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(s.open(&sealed).unwrap(), plain);
        assert_ne!(s.seal(plain), sealed, "every part gets its own nonce");
    }

    #[test]
    fn tampering_wrong_keys_and_garbage_are_refused() {
        let s = sealer([7; 32], 1);
        let mut sealed = s.seal(b"hello");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(s.open(&sealed), Err(SealError::Unauthentic));
        let other_key_same_id = sealer([8; 32], 1);
        assert_eq!(
            other_key_same_id.open(&s.seal(b"hello")),
            Err(SealError::Unauthentic)
        );
        assert!(matches!(
            sealer([7; 32], 2).open(&s.seal(b"hello")),
            Err(SealError::UnknownKey(_))
        ));
        assert!(matches!(s.open(b"short"), Err(SealError::Malformed(_))));
        let mut relabeled = s.seal(b"hello");
        relabeled[4] ^= 1; // key id is authenticated too
        assert!(s.open(&relabeled).is_err());
    }

    #[test]
    fn master_keys_parse_wrap_and_refuse_the_wrong_org() {
        assert!(MasterKey::parse("zz").is_err());
        assert!(MasterKey::parse(&"ab".repeat(31)).is_err());
        let master = MasterKey::parse(&format!(" {}\n", "ab".repeat(32))).unwrap();
        assert_eq!(master.id().len(), 16);
        let data = [9u8; 32];
        let stored = WrappedDataKey {
            id: "00".repeat(16),
            organization_id: "org-a".into(),
            wrapped_key: master.wrap("org-a", &"00".repeat(16), &data),
            master_key_id: master.id().into(),
        };
        assert_eq!(*master.unwrap(&stored).unwrap(), data);
        let moved = WrappedDataKey {
            organization_id: "org-b".into(),
            ..stored.clone()
        };
        assert!(matches!(master.unwrap(&moved), Err(StoreError::Corrupt(_))));
        let other = MasterKey::generate();
        assert!(matches!(other.unwrap(&stored), Err(StoreError::Config(_))));
    }

    #[test]
    fn key_files_are_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let created = MasterKey::create_file(&path).unwrap();
        assert_eq!(MasterKey::load_file(&path).unwrap().id(), created.id());
        assert!(MasterKey::create_file(&path).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
