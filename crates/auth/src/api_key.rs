//! API keys: `rk_<id>_<secret>`, where `id` (12 hex digits) names the key in
//! the store and `secret` is 256 random bits (64 hex digits). The store keeps
//! only the key's SHA-256: the secret is long and random, so a slow password
//! hash would add nothing but latency.

use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

use crate::AuthError;

const PREFIX: &str = "rk_";

/// A freshly made key: shown once, stored as its digest.
#[derive(Clone)]
pub struct NewKey {
    /// The public part, the store's key.
    pub id: String,
    /// The whole key, to hand to the caller.
    pub token: String,
    /// Its digest, to store.
    pub sha256: Vec<u8>,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Makes a key from the operating system's random source.
pub fn generate() -> Result<NewKey, AuthError> {
    let random = SystemRandom::new();
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    random
        .fill(&mut id)
        .and_then(|()| random.fill(&mut secret))
        .map_err(|_| AuthError::Config("the system's random source failed".into()))?;
    let id = hex::encode(id);
    let token = format!("{PREFIX}{id}_{}", hex::encode(secret));
    let sha256 = digest(&token);
    Ok(NewKey { id, token, sha256 })
}

/// The SHA-256 of a key.
pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The public part of a token shaped like an API key (`None`: not an API key,
/// perhaps a JWT).
pub fn key_id(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(id, 12) && hex(secret, 64)).then_some(id)
}

/// Whether `token` is the key whose digest is `stored`, in time that does not
/// depend on where they differ.
pub fn matches(token: &str, stored: &[u8]) -> bool {
    let presented = digest(token);
    presented.len() == stored.len()
        && presented
            .iter()
            .zip(stored)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_parses_and_matches_only_its_digest() {
        let key = generate().unwrap();
        assert_eq!(key_id(&key.token), Some(key.id.as_str()));
        assert!(matches(&key.token, &key.sha256));
        let other = generate().unwrap();
        assert_ne!(key.token, other.token);
        assert!(!matches(&other.token, &key.sha256));
        assert!(!format!("{key:?}").contains(&key.token));
    }

    #[test]
    fn other_tokens_are_not_keys() {
        assert_eq!(key_id("eyJhbGciOiJFUzI1NiJ9.e30.sig"), None);
        assert_eq!(key_id("rk_123_456"), None);
        assert_eq!(key_id(""), None);
    }
}
