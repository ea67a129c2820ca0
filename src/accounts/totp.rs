//! Two-step sign-in: time-based one-time codes (TOTP, RFC 6238, as every authenticator app
//! reads them: HMAC-SHA1, 6 digits, 30-second steps) and single-use recovery codes.
//!
//! Staff must have it before any staff page or power is theirs (`web::context`); any member may
//! turn it on. Functions taking a connection run inside the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

use crate::db::schema::{recovery_codes, sessions, users};
use crate::db::{self, AnyConnection};
use crate::secrets::hash_token;

/// Seconds per time step.
pub const STEP: i64 = 30;
/// Codes from one step either side are accepted: phone clocks drift and people type slowly.
const WINDOW: i64 = 1;
/// How many recovery codes a member is given at a time.
pub const RECOVERY_CODES: usize = 10;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps take a secret.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads base32, ignoring case, spaces and padding; `None` for any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = ALPHABET.iter().position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// A fresh shared secret (160 bits, as RFC 4226 recommends), base32-encoded.
pub fn new_secret() -> String {
    let mut key = [0u8; 20];
    rand::rng().fill_bytes(&mut key);
    base32_encode(&key)
}

/// The 6-digit code for a time step (RFC 4226's HOTP with the step as the counter).
pub fn code_at(key: &[u8], step: i64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    binary % 1_000_000
}

/// The time step of a moment (seconds since 1970).
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP)
}

/// The current step by the server's clock.
pub fn current_step() -> i64 {
    step_of(chrono::Utc::now().timestamp())
}

/// Which step `typed` is the code for, if it is a code for a step near `now_step` that is
/// later than `last_step` (each code works once).
pub fn matching_step(secret: &str, typed: &str, now_step: i64, last_step: Option<i64>) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let key = base32_decode(secret)?;
    (now_step - WINDOW..=now_step + WINDOW)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| code_at(&key, *step) == typed)
}

/// The address an authenticator app takes (`otpauth://`), for people who can open it directly.
/// Spaces are written `%20`, as the key URI format asks; form encoding's `+` would show up in
/// some apps as a literal plus. Form encoding writes a real `+` as `%2B`, so every `+` it
/// produces stands for a space.
pub fn provisioning_uri(issuer: &str, account: &str, secret: &str) -> String {
    let encode = |s: &str| crate::web::urlencode(s).replace('+', "%20");
    let issuer = encode(issuer);
    format!("otpauth://totp/{issuer}:{}?secret={secret}&issuer={issuer}", encode(account))
}

/// The secret in groups of four, easier to type into a phone.
pub fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join(" ")
}

/// A recovery code as shown ("7kq2-m9xd"): 40 random bits, without look-alike characters.
fn new_recovery_code() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    let chars: String = bytes.iter().map(|b| CHARS[usize::from(*b) % CHARS.len()] as char).collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// How a recovery code is compared: case, spaces and the dash do not matter.
fn normalise_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// A member's two-step settings.
#[derive(Debug, Clone, Queryable)]
pub struct TwoFactor {
    pub secret: Option<String>,
    pub enabled_at: Option<NaiveDateTime>,
    pub last_step: Option<i64>,
}

impl TwoFactor {
    pub fn enabled(&self) -> bool {
        self.enabled_at.is_some() && self.secret.is_some()
    }
}

pub fn settings(conn: &mut AnyConnection, user_id: i64) -> QueryResult<TwoFactor> {
    users::table.find(user_id).select((users::totp_secret, users::totp_enabled_at, users::totp_last_step)).first(conn)
}

/// Turns two-step sign-in on with a secret the member has just proved their app holds (a code
/// for `step`); replaces any recovery codes and returns the new ones, shown once.
pub fn enable(conn: &mut AnyConnection, user_id: i64, secret: &str, step: i64) -> QueryResult<Vec<String>> {
    diesel::update(users::table.find(user_id))
        .set((users::totp_secret.eq(secret), users::totp_enabled_at.eq(db::now()), users::totp_last_step.eq(step)))
        .execute(conn)?;
    new_recovery_codes(conn, user_id)
}

/// Replaces the member's recovery codes with fresh ones, returned in the clear once.
pub fn new_recovery_codes(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<String>> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    let now = db::now();
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for code in &codes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash_token(&normalise_recovery_code(code))),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(codes)
}

/// Recovery codes not yet used.
pub fn recovery_codes_left(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Turns two-step sign-in off (the member's choice, or an admin's for a lost phone).
pub fn disable(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_enabled_at.eq(None::<NaiveDateTime>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)))
        .set(sessions::second_factor.eq(false))
        .execute(conn)
        .map(drop)
}

/// What checked a second step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Code,
    /// A recovery code, now used up; this many remain.
    RecoveryCode {
        left: i64,
    },
}

/// Checks a code from the app, or else a recovery code, and uses it up. Claims are
/// conditional updates, so two requests racing with one code cannot both pass.
pub fn check(conn: &mut AnyConnection, user_id: i64, typed: &str) -> QueryResult<Option<Passed>> {
    let settings = settings(conn, user_id)?;
    let Some(secret) = settings.secret.as_deref().filter(|_| settings.enabled()) else {
        return Ok(None);
    };
    if let Some(step) = matching_step(secret, typed, current_step(), settings.last_step) {
        let claimed = diesel::update(
            users::table.find(user_id).filter(users::totp_last_step.is_null().or(users::totp_last_step.lt(step))),
        )
        .set(users::totp_last_step.eq(step))
        .execute(conn)?;
        return Ok((claimed == 1).then_some(Passed::Code));
    }
    let normalised = normalise_recovery_code(typed);
    if normalised.len() != 8 {
        return Ok(None);
    }
    let claimed = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash_token(&normalised)))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(db::now()))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    Ok(Some(Passed::RecoveryCode { left: recovery_codes_left(conn, user_id)? }))
}

/// Marks a session as having passed the second step.
pub fn mark_session(conn: &mut AnyConnection, session_id: i64) -> QueryResult<()> {
    diesel::update(sessions::table.find(session_id)).set(sessions::second_factor.eq(true)).execute(conn).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890"; the last 6 of the 8 digits.
        let key = b"12345678901234567890";
        for (time, eight_digits) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(code_at(key, step_of(time)), eight_digits % 1_000_000, "at {time}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw 6ytb oi======"), Some(b"foobar".to_vec()));
        assert_eq!(base32_decode("MZ1W"), None, "1 is not base32");
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(base32_encode(&base32_decode(&secret).unwrap()), secret);
    }

    #[test]
    fn a_code_is_accepted_near_its_step_and_only_once() {
        let secret = base32_encode(b"12345678901234567890");
        let key = base32_decode(&secret).unwrap();
        let now = 1_000_000;
        let code = format!("{:06}", code_at(&key, now));
        assert_eq!(matching_step(&secret, &code, now, None), Some(now));
        assert_eq!(matching_step(&secret, &code, now + 1, None), Some(now), "a slow typist");
        assert_eq!(matching_step(&secret, &code, now + 2, None), None, "a minute late");
        assert_eq!(matching_step(&secret, &code, now, Some(now)), None, "already used");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(&secret, &spaced, now, None), Some(now));
        assert_eq!(matching_step(&secret, "12345", now, None), None);
        assert_eq!(matching_step(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_forgiving_to_type() {
        let codes: std::collections::HashSet<String> = (0..50).map(|_| new_recovery_code()).collect();
        assert_eq!(codes.len(), 50);
        let code = codes.iter().next().unwrap();
        assert_eq!(code.len(), 9);
        assert_eq!(
            normalise_recovery_code(&format!(" {} ", code.to_uppercase().replace('-', " "))),
            code.replace('-', "")
        );
    }

    #[test]
    fn the_provisioning_uri_names_the_forum_and_account() {
        let uri = provisioning_uri("Pink Forum", "ann@example.org", "ABCD");
        assert_eq!(uri, "otpauth://totp/Pink%20Forum:ann%40example.org?secret=ABCD&issuer=Pink%20Forum");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
