//! Random tokens, their stored hashes, and signatures made with the site's secret key.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random token of `bytes` bytes, hex-encoded (URL- and cookie-safe).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// What the database keeps instead of a token: a leaked table opens no sessions or links.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Signs `message` with the site key (HMAC-SHA256), hex-encoded.
pub fn sign(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a signature made by [`sign`] in constant time.
pub fn verify(key: &[u8], message: &str, signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message.as_bytes());
    mac.verify_slice(&signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (random_token(16), random_token(16));
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn signatures_verify_only_with_the_same_key_and_message() {
        let sig = sign(b"key-one", "hello");
        assert!(verify(b"key-one", "hello", &sig));
        assert!(!verify(b"key-two", "hello", &sig));
        assert!(!verify(b"key-one", "hellO", &sig));
        assert!(!verify(b"key-one", "hello", "zz"));
    }
}
