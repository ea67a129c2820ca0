//! Accounts: registration, sign-in sessions, and single-use email links.
//! Functions here take a connection and run inside the caller's transaction.

pub mod erasure;
pub mod export;
pub mod password;
pub mod totp;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{account_tokens, sessions, users};
use crate::db::{self, AnyConnection};
use crate::secrets::{hash_token, random_token};

/// A session lasts at most this long, however active…
pub const SESSION_ABSOLUTE: Duration = Duration::days(30);
/// …and ends sooner after this long unused.
pub const SESSION_IDLE: Duration = Duration::days(7);
/// Staff (admins and moderators) hold more: their sessions last a working day and end after an
/// hour unused.
pub const STAFF_SESSION_ABSOLUTE: Duration = Duration::hours(12);
pub const STAFF_SESSION_IDLE: Duration = Duration::hours(1);
/// `last_seen_at` is refreshed at most this often, so reading pages does not write every time.
const SESSION_TOUCH: Duration = Duration::minutes(10);

pub const VERIFY_EMAIL_TTL: Duration = Duration::days(2);
pub const PASSWORD_RESET_TTL: Duration = Duration::hours(1);
pub const PASSWORD_SET_TTL: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    /// "Forgot my password" and the first admin's set-password link: both set a password.
    SetPassword,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::SetPassword => "set_password",
        }
    }
}

/// A member as the rest of the app sees them (no password hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub rules_version: Option<i32>,
    pub created_at: NaiveDateTime,
    /// Standing: posts a moderator approved, and posts rejected.
    pub approved_posts: i32,
    pub rejected_posts: i32,
    /// Suspended members read but cannot post until then.
    pub suspended_until: Option<NaiveDateTime>,
    pub sanction_reason: Option<String>,
    /// Banned members cannot sign in.
    pub banned: bool,
}

impl Account {
    /// Trust grows with approved posts and is lost by rejections.
    pub fn trust(&self) -> i32 {
        self.approved_posts - self.rejected_posts
    }

    /// Until when, and why, the member may not post (if suspended or banned now).
    pub fn suspension(&self) -> Option<(Option<NaiveDateTime>, String)> {
        let reason = self.sanction_reason.clone().unwrap_or_default();
        if self.banned {
            return Some((None, reason));
        }
        self.suspended_until.filter(|until| *until > db::now()).map(|until| (Some(until), reason))
    }
}

/// Normalises an email address for storage and look-up; `None` if it is not an address.
pub fn parse_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 {
        return None;
    }
    email.parse::<lettre::Address>().ok().map(|a| a.to_string())
}

/// Checks a display name; returns the name as shown and the key that keeps names unique
/// regardless of case and spacing.
pub fn parse_display_name(raw: &str) -> Result<(String, String), &'static str> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = name.chars().count();
    if length < 3 {
        return Err("Choose a display name of at least 3 characters.");
    }
    if length > 30 {
        return Err("Choose a display name of at most 30 characters.");
    }
    if !name.chars().all(|c| c.is_alphanumeric() || " _-.'".contains(c)) {
        return Err("Use letters, numbers, spaces and _ - . ' only in your display name.");
    }
    let key = name.to_lowercase();
    Ok((name, key))
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<(Account, Option<String>)>> {
    users::table
        .filter(users::email.eq(email))
        .select((Account::as_select(), users::password_hash))
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Account> {
    users::table.find(id).select(Account::as_select()).first(conn)
}

pub fn display_name_taken(conn: &mut AnyConnection, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.filter(users::display_name_key.eq(key)))).get_result(conn)
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub display_name_key: &'a str,
    pub password_hash: Option<&'a str>,
    pub is_admin: bool,
    pub email_verified: bool,
    pub rules_version: Option<i32>,
}

pub fn create(conn: &mut AnyConnection, new: NewAccount<'_>) -> QueryResult<i64> {
    let now = db::now();
    diesel::insert_into(users::table)
        .values((
            users::email.eq(new.email),
            users::display_name.eq(new.display_name),
            users::display_name_key.eq(new.display_name_key),
            users::password_hash.eq(new.password_hash),
            users::is_admin.eq(new.is_admin),
            users::email_verified_at.eq(new.email_verified.then_some(now)),
            users::rules_version.eq(new.rules_version),
            users::rules_accepted_at.eq(new.rules_version.map(|_| now)),
            users::created_at.eq(now),
        ))
        .execute(conn)?;
    users::table.filter(users::email.eq(new.email)).select(users::id).first(conn)
}

pub fn set_password_hash(conn: &mut AnyConnection, user_id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id)).set(users::password_hash.eq(hash)).execute(conn).map(drop)
}

pub fn mark_email_verified(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(user_id).filter(users::email_verified_at.is_null()))
        .set(users::email_verified_at.eq(db::now()))
        .execute(conn)
        .map(drop)
}

pub fn accept_rules(conn: &mut AnyConnection, user_id: i64, version: i32) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::rules_version.eq(version), users::rules_accepted_at.eq(db::now())))
        .execute(conn)
        .map(drop)
}

// ---- sessions ----------------------------------------------------------------------------

/// Starts a session; the returned token goes in the cookie, only its hash in the database.
/// `user_agent` (the browser's own description, shortened) helps the member recognise it on
/// `/me/security`. Staff sessions get the shorter lifetimes. `second_factor`: the member also
/// gave a code from their authenticator app (or a recovery code).
pub fn start_session(
    conn: &mut AnyConnection,
    account: &Account,
    user_agent: &str,
    second_factor: bool,
) -> QueryResult<String> {
    let token = random_token(32);
    let now = db::now();
    let user_id = account.id;
    let staff = account.is_admin || crate::groups::memberships_of(conn, user_id)?.iter().any(|m| m.moderates());
    let lifetime = if staff { STAFF_SESSION_ABSOLUTE } else { SESSION_ABSOLUTE };
    let user_agent: String = user_agent.chars().filter(|c| !c.is_control()).take(200).collect();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(hash_token(&token)),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + lifetime),
            sessions::user_agent.eq(user_agent),
            sessions::staff.eq(staff),
            sessions::second_factor.eq(second_factor),
        ))
        .execute(conn)?;
    Ok(token)
}

/// One of a member's sessions, as `/me/security` lists them.
#[derive(Debug, Clone, Queryable)]
pub struct SessionInfo {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub user_agent: String,
}

impl SessionInfo {
    /// "Firefox on Android", from the browser's description; the raw text is long and cryptic.
    pub fn browser(&self) -> String {
        describe_browser(&self.user_agent)
    }
}

/// A short, human description of a User-Agent string.
pub fn describe_browser(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "A browser"
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iPhone or iPad"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "Mac"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        return browser.to_owned();
    };
    format!("{browser} on {system}")
}

/// A session is valid until it expires, and until it has been unused for its idle time
/// (shorter for staff). Shared by signing back in and by the list on `/me/security`.
#[diesel::dsl::auto_type]
fn still_valid(now: NaiveDateTime, idle_cutoff: NaiveDateTime, staff_idle_cutoff: NaiveDateTime) -> _ {
    sessions::expires_at
        .gt(now)
        .and(sessions::last_seen_at.gt(idle_cutoff))
        .and(sessions::staff.eq(false).or(sessions::last_seen_at.gt(staff_idle_cutoff)))
}

/// The member's sessions that are still valid, most recently used first.
pub fn active_sessions(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<SessionInfo>> {
    let now = db::now();
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(still_valid(now, now - SESSION_IDLE, now - STAFF_SESSION_IDLE))
        .order((sessions::last_seen_at.desc(), sessions::id.desc()))
        .select((sessions::id, sessions::created_at, sessions::last_seen_at, sessions::user_agent))
        .load(conn)
}

/// Ends one of the member's own sessions (by id: never another member's).
pub fn end_session_by_id(conn: &mut AnyConnection, user_id: i64, session_id: i64) -> QueryResult<bool> {
    diesel::delete(sessions::table.filter(sessions::id.eq(session_id)).filter(sessions::user_id.eq(user_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// A session cookie's session, while it is valid.
pub struct Resumed {
    pub session_id: i64,
    /// The session passed the second step of sign-in.
    pub second_factor: bool,
    pub account: Account,
}

/// The account behind a session cookie, if the session is still valid. Refreshes its idle clock.
pub fn resume_session(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<Resumed>> {
    let now = db::now();
    let found: Option<(i64, bool, NaiveDateTime, Account)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(hash_token(token)))
        .filter(users::banned.eq(false))
        .filter(still_valid(now, now - SESSION_IDLE, now - STAFF_SESSION_IDLE))
        .select((sessions::id, sessions::second_factor, sessions::last_seen_at, Account::as_select()))
        .first(conn)
        .optional()?;
    let Some((session_id, second_factor, last_seen, account)) = found else {
        return Ok(None);
    };
    if now - last_seen > SESSION_TOUCH {
        diesel::update(sessions::table.find(session_id)).set(sessions::last_seen_at.eq(now)).execute(conn)?;
    }
    Ok(Some(Resumed { session_id, second_factor, account }))
}

pub fn end_session(conn: &mut AnyConnection, token: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(hash_token(token)))).execute(conn).map(drop)
}

/// Signs the member out everywhere (after a password change or reset).
pub fn end_all_sessions(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn).map(drop)
}

/// Ends every session of the member but the one in use (after a password change).
pub fn end_other_sessions(conn: &mut AnyConnection, user_id: i64, keep_session_id: i64) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::id.ne(keep_session_id)))
        .execute(conn)
        .map(drop)
}

// ---- single-use tokens for email links ------------------------------------------------------

/// Issues a single-use token; only its hash is stored.
pub fn issue_token(
    conn: &mut AnyConnection,
    user_id: i64,
    purpose: TokenPurpose,
    ttl: Duration,
) -> QueryResult<String> {
    let token = random_token(16);
    let now = db::now();
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::token_hash.eq(hash_token(&token)),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Whose token this is, if it is unused and unexpired (for showing a form before using it).
pub fn peek_token(conn: &mut AnyConnection, token: &str, purpose: TokenPurpose) -> QueryResult<Option<i64>> {
    account_tokens::table
        .filter(account_tokens::token_hash.eq(hash_token(token)))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(db::now()))
        .select(account_tokens::user_id)
        .first(conn)
        .optional()
}

/// Uses a token up. Returns its owner only the first time, so a link works once.
pub fn consume_token(conn: &mut AnyConnection, token: &str, purpose: TokenPurpose) -> QueryResult<Option<i64>> {
    let Some(user_id) = peek_token(conn, token, purpose)? else {
        return Ok(None);
    };
    let now = db::now();
    let claimed = diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(hash_token(token)))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    if claimed == 1 {
        // Any other outstanding links of the same kind die with this one.
        diesel::update(
            account_tokens::table
                .filter(account_tokens::user_id.eq(user_id))
                .filter(account_tokens::purpose.eq(purpose.as_str()))
                .filter(account_tokens::used_at.is_null()),
        )
        .set(account_tokens::used_at.eq(now))
        .execute(conn)?;
        Ok(Some(user_id))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_listed_by_a_browser_name_a_member_recognises() {
        let phone = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0";
        let firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0";
        assert_eq!(describe_browser(phone), "Chrome on Android");
        assert_eq!(describe_browser(iphone), "Safari on iPhone or iPad");
        assert_eq!(describe_browser(edge), "Edge on Windows");
        assert_eq!(describe_browser(firefox), "Firefox on Mac");
        assert_eq!(describe_browser("curl/8.5"), "A browser");
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(parse_email("  Ann@Example.ORG "), Some("ann@example.org".into()));
        assert_eq!(parse_email("not an email"), None);
        assert_eq!(parse_email("a@"), None);
    }

    #[test]
    fn display_names_are_tidied_and_keyed_case_blind() {
        assert_eq!(parse_display_name("  Pink   Tulip "), Ok(("Pink Tulip".into(), "pink tulip".into())));
        assert!(parse_display_name("ab").is_err());
        assert!(parse_display_name("a<script>").is_err());
        assert!(parse_display_name(&"n".repeat(31)).is_err());
    }
}
