//! Password hashing (argon2id, OWASP parameters) and the rules a new password must meet.
//! Hashing is slow on purpose: call these from a blocking thread, never on an async worker.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

fn hasher(memory_kib: u32) -> Argon2<'static> {
    // OWASP: argon2id, 19 MiB, 2 iterations, 1 degree of parallelism.
    let params = Params::new(memory_kib, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (algorithm, parameters and salt included).
pub fn hash(password: &str, memory_kib: u32) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher(memory_kib)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// Checks a password against a stored hash; the parameters come from the hash itself.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash of a password nobody knows. Verifying against it when an email is unknown makes a
/// failed sign-in take as long as a wrong password, so timing does not reveal who has an account.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash(&crate::secrets::random_token(16), 19 * 1024).unwrap_or_default());

/// Computes the dummy hash now (at start-up), so the first unknown-email sign-in does not
/// take longer than the others.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// Spends the same effort as a real verification (the result is meaningless).
pub fn verify_dummy(password: &str) {
    let _ = verify(password, &DUMMY_HASH);
}

static COMMON: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().map(str::trim).collect());

/// Why a new password is refused, in words for the person choosing it; `None` if it is fine.
pub fn weakness(password: &str, email: &str, display_name: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!("Use at least {MIN_LENGTH} characters."));
    }
    if length > MAX_LENGTH {
        return Some(format!("Use at most {MAX_LENGTH} characters."));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Some("That password is one of the most common and easy to guess. Try a few unrelated words.".into());
    }
    let local_part = email.split('@').next().unwrap_or("").to_lowercase();
    if lower == email.to_lowercase()
        || (!local_part.is_empty() && lower == local_part)
        || lower == display_name.to_lowercase()
    {
        return Some("Your password must not be your email address or display name.".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let stored = hash("correct horse battery", 1024).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_explained() {
        assert!(weakness("short", "a@b.org", "Ann").unwrap().contains("at least 8"));
        assert!(weakness("password123", "a@b.org", "Ann").unwrap().contains("common"));
        assert!(weakness(&"x".repeat(129), "a@b.org", "Ann").unwrap().contains("at most"));
        assert!(weakness("rosemary1", "rosemary1@b.org", "Ann").is_some());
        assert_eq!(weakness(&"y".repeat(64), "a@b.org", "Ann"), None);
        assert_eq!(weakness("tulips on the windowsill", "a@b.org", "Ann"), None);
    }
}
