//! Verified professional badges: the professions clinicians apply as, their applications and
//! the admins' decisions, badge expiry and reminders, and the groups each clinician is approved
//! for. A badge is an approved verification whose expiry is still ahead — it is read from that
//! record on every page and never from anything a member can type.
//!
//! Functions here take a connection and run inside the caller's transaction; each decision
//! writes its audit row and its notice there too.

pub mod names;
pub mod questions;

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{clinician_groups, groups, professions, users, verifications};
use crate::db::{self, AnyConnection};
use crate::mail::notices::Notice;

/// A clinician is reminded this long before their badge expires.
pub const REMINDER_BEFORE: Duration = Duration::days(30);

/// The registers the forum checks numbers against.
pub const REGULATORS: [(&str, &str); 3] = [
    ("HCPC", "Health and Care Professions Council (radiographers and other allied health professionals)"),
    ("NMC", "Nursing and Midwifery Council (nurses and midwives)"),
    ("GMC", "General Medical Council (doctors)"),
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = professions)]
pub struct Profession {
    pub id: i64,
    /// As applicants choose it: "Diagnostic radiographer / mammographer".
    pub name: String,
    /// As the badge says it: "mammographer".
    pub badge: String,
    /// The register its members are on; empty: any.
    pub regulator: String,
    /// The letters its HCPC numbers begin with; empty: any.
    pub hcpc_prefix: String,
    pub position: i32,
    pub enabled: bool,
}

pub fn professions(conn: &mut AnyConnection) -> QueryResult<Vec<Profession>> {
    professions::table
        .order((professions::position.asc(), professions::id.asc()))
        .select(Profession::as_select())
        .load(conn)
}

/// Whether `id` is a profession offered to members now (one they may ask or apply as).
pub fn offered(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(professions::table.find(id).filter(professions::enabled.eq(true))))
        .get_result(conn)
}

/// What an admin fills in for a profession.
#[derive(Debug, Clone, Default)]
pub struct ProfessionFields {
    pub name: String,
    pub badge: String,
    pub regulator: String,
    pub hcpc_prefix: String,
    pub enabled: bool,
}

impl ProfessionFields {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() || self.name.chars().count() > 80 {
            out.push(("name", "Name the profession in at most 80 characters.".to_owned()));
        }
        if self.badge.trim().is_empty() || self.badge.chars().count() > 40 {
            out.push(("badge", "Say what the badge calls it (\"verified …\") in at most 40 characters.".to_owned()));
        }
        if !self.regulator.is_empty() && !REGULATORS.iter().any(|(r, _)| *r == self.regulator) {
            out.push(("regulator", "Choose the register, or any.".to_owned()));
        }
        let prefix_ok = self.hcpc_prefix.is_empty()
            || ((2..=3).contains(&self.hcpc_prefix.len()) && self.hcpc_prefix.chars().all(|c| c.is_ascii_uppercase()));
        if !prefix_ok {
            out.push(("hcpc_prefix", "An HCPC prefix is 2 or 3 capital letters, such as RA.".to_owned()));
        }
        out
    }
}

pub fn save_profession(conn: &mut AnyConnection, id: Option<i64>, f: &ProfessionFields) -> QueryResult<i64> {
    let values = (
        professions::name.eq(f.name.trim()),
        professions::badge.eq(f.badge.trim()),
        professions::regulator.eq(&f.regulator),
        professions::hcpc_prefix.eq(&f.hcpc_prefix),
        professions::enabled.eq(f.enabled),
    );
    match id {
        Some(id) => {
            diesel::update(professions::table.find(id)).set(values).execute(conn)?;
            Ok(id)
        }
        None => {
            let position: Option<i32> =
                professions::table.select(diesel::dsl::max(professions::position)).first(conn)?;
            diesel::insert_into(professions::table)
                .values((
                    values,
                    professions::position.eq(position.unwrap_or(0) + 1),
                    professions::created_at.eq(db::now()),
                ))
                .returning(professions::id)
                .get_result(conn)
        }
    }
}

/// Checks a registration number's shape for its register, so typos are caught before an admin
/// looks it up. Returns the number as the register writes it (capitals, no spaces).
pub fn registration_number(regulator: &str, raw: &str, hcpc_prefix: &str) -> Result<String, String> {
    let number: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
    let letters = number.chars().take_while(char::is_ascii_uppercase).count();
    let digits = &number[letters..];
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match regulator {
        "HCPC" => {
            let shaped = (2..=3).contains(&letters) && all_digits(digits) && (4..=6).contains(&digits.len());
            if !shaped {
                return Err("An HCPC registration number is the profession's letters and then digits, such as RA123456 for a radiographer.".into());
            }
            if !hcpc_prefix.is_empty() && !number.starts_with(hcpc_prefix) {
                return Err(format!(
                    "HCPC numbers for this profession begin with {hcpc_prefix}, such as {hcpc_prefix}123456."
                ));
            }
            Ok(number)
        }
        "NMC" => {
            let b = number.as_bytes();
            let shaped = b.len() == 8
                && b[..2].iter().all(u8::is_ascii_digit)
                && b[2].is_ascii_uppercase()
                && b[3..7].iter().all(u8::is_ascii_digit)
                && b[7].is_ascii_uppercase();
            if shaped {
                Ok(number)
            } else {
                Err("An NMC PIN is 2 digits, a letter, 4 digits and a letter, such as 12A3456E.".into())
            }
        }
        "GMC" => {
            if number.len() == 7 && all_digits(&number) {
                Ok(number)
            } else {
                Err("A GMC reference number is 7 digits, such as 1234567.".into())
            }
        }
        _ => Err("Choose the register you are on.".into()),
    }
}

/// What a clinician sends to be verified.
#[derive(Debug, Clone, Default)]
pub struct Application {
    pub profession_id: i64,
    pub regulator: String,
    pub registration: String,
    pub workplace: String,
    pub note: String,
}

impl Application {
    /// Field problems, in words for the applicant; on success the number is normalised.
    pub fn check(&mut self, professions: &[Profession]) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let profession = professions.iter().find(|p| p.id == self.profession_id && p.enabled);
        match profession {
            None => out.push(("profession", "Choose your profession.".to_owned())),
            Some(p) if !p.regulator.is_empty() && !self.regulator.is_empty() && p.regulator != self.regulator => out
                .push((
                    "regulator",
                    format!("{}s are registered with the {}: choose that register.", p.name, p.regulator),
                )),
            Some(_) => {}
        }
        let prefix = profession.map(|p| p.hcpc_prefix.as_str()).unwrap_or("");
        match registration_number(&self.regulator, &self.registration, prefix) {
            Ok(number) => self.registration = number,
            Err(_) if self.regulator.is_empty() => out.push(("regulator", "Choose the register you are on.".into())),
            Err(why) => out.push(("registration", why)),
        }
        if self.workplace.trim().is_empty() || self.workplace.chars().count() > 200 {
            out.push((
                "workplace",
                "Say where you work (at most 200 characters); only the forum's admins see it.".into(),
            ));
        }
        if self.note.chars().count() > 2000 {
            out.push(("note", "Keep the note to 2000 characters or fewer.".into()));
        }
        out
    }
}

pub const PENDING: &str = "pending";
pub const INFO: &str = "info";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";
pub const REVOKED: &str = "revoked";
pub const SUPERSEDED: &str = "superseded";

/// One application, as admins and its applicant see it.
#[derive(Debug, Clone, Queryable)]
pub struct Verification {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub profession_id: i64,
    pub profession: String,
    pub badge: String,
    pub regulator: String,
    pub registration: String,
    pub workplace: String,
    pub note: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub method: Option<String>,
    pub reason: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
}

impl Verification {
    /// A badge now: approved and not yet expired.
    pub fn valid(&self) -> bool {
        self.status == APPROVED && self.expires_at.is_some_and(|e| e > db::now())
    }

    pub fn status_words(&self) -> &'static str {
        match self.status.as_str() {
            PENDING => "waiting for an admin",
            INFO => "an admin asked for more information",
            APPROVED if self.valid() => "verified",
            APPROVED => "expired",
            REJECTED => "not verified",
            REVOKED => "revoked",
            SUPERSEDED => "replaced by a later one",
            _ => "unknown",
        }
    }
}

macro_rules! verification_columns {
    () => {
        (
            verifications::id,
            verifications::user_id,
            users::display_name,
            verifications::profession_id,
            professions::name,
            professions::badge,
            verifications::regulator,
            verifications::registration,
            verifications::workplace,
            verifications::note,
            verifications::status,
            verifications::created_at,
            verifications::decided_at,
            verifications::method,
            verifications::reason,
            verifications::expires_at,
        )
    };
}

pub fn verification(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Verification>> {
    verifications::table
        .inner_join(professions::table)
        .inner_join(users::table.on(users::id.eq(verifications::user_id)))
        .filter(verifications::id.eq(id))
        .select(verification_columns!())
        .first(conn)
        .optional()
}

/// A member's applications, newest first.
pub fn history(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<Verification>> {
    verifications::table
        .inner_join(professions::table)
        .inner_join(users::table.on(users::id.eq(verifications::user_id)))
        .filter(verifications::user_id.eq(user_id))
        .order((verifications::created_at.desc(), verifications::id.desc()))
        .select(verification_columns!())
        .load(conn)
}

/// Applications waiting for an admin (and those waiting for the applicant's answer), oldest
/// first; served by `verifications_open`.
pub fn open_applications(conn: &mut AnyConnection) -> QueryResult<Vec<Verification>> {
    verifications::table
        .inner_join(professions::table)
        .inner_join(users::table.on(users::id.eq(verifications::user_id)))
        .filter(verifications::status.eq_any([PENDING, INFO]))
        .order((verifications::created_at.asc(), verifications::id.asc()))
        .select(verification_columns!())
        .limit(500)
        .load(conn)
}

/// Badges held now, soonest to expire first; served by `verifications_expiry`.
pub fn current_badges(conn: &mut AnyConnection) -> QueryResult<Vec<Verification>> {
    verifications::table
        .inner_join(professions::table)
        .inner_join(users::table.on(users::id.eq(verifications::user_id)))
        .filter(verifications::status.eq(APPROVED))
        .filter(verifications::expires_at.gt(db::now()))
        .order((verifications::expires_at.asc(), verifications::id.asc()))
        .select(verification_columns!())
        .limit(1000)
        .load(conn)
}

/// Sends an application. One the member sent before and nobody has decided yet (say, before
/// answering an admin's question) is replaced, never changed in place: an admin decides
/// exactly the record they read, and a decision on a replaced one is refused. Returns the new
/// application's id.
pub fn apply(conn: &mut AnyConnection, user_id: i64, app: &Application) -> QueryResult<i64> {
    diesel::update(
        verifications::table
            .filter(verifications::user_id.eq(user_id))
            .filter(verifications::status.eq_any([PENDING, INFO])),
    )
    .set(verifications::status.eq(SUPERSEDED))
    .execute(conn)?;
    let id = diesel::insert_into(verifications::table)
        .values((
            verifications::user_id.eq(user_id),
            verifications::profession_id.eq(app.profession_id),
            verifications::regulator.eq(&app.regulator),
            verifications::registration.eq(&app.registration),
            verifications::workplace.eq(app.workplace.trim()),
            verifications::note.eq(app.note.trim()),
            verifications::status.eq(PENDING),
            verifications::created_at.eq(db::now()),
        ))
        .returning(verifications::id)
        .get_result(conn)?;
    crate::site::audit(conn, Some(user_id), "verification_apply", "verification", id, &app.regulator)?;
    Ok(id)
}

/// What an admin decides about an application or a badge.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Verified, recording how (e.g. "checked on the HCPC register"), for these groups.
    Approve {
        method: String,
        groups: Vec<i64>,
    },
    Reject {
        reason: String,
    },
    /// Asks the applicant a question; their answer comes back through `/pro/apply`.
    AskForInformation {
        question: String,
    },
    /// Takes a badge away at once.
    Revoke {
        reason: String,
    },
}

/// Applies an admin's decision. Returns false if the record was not in a state that allows it
/// (a second click, or another admin decided first).
pub fn decide(conn: &mut AnyConnection, admin_id: i64, id: i64, decision: &Decision) -> QueryResult<bool> {
    let Some(v) = verification(conn, id)? else { return Ok(false) };
    let now = db::now();
    let target = verifications::table.find(id);
    let (action, detail, notice) = match decision {
        Decision::Approve { method, groups } => {
            let months = crate::site::tunable(conn, "badge_months")?;
            let expires = now + Duration::days(months * 365 / 12);
            if !matches!(v.status.as_str(), PENDING | INFO) {
                return Ok(false);
            }
            // A re-verification replaces the badge it renews (one badge per member).
            diesel::update(
                verifications::table
                    .filter(verifications::user_id.eq(v.user_id))
                    .filter(verifications::status.eq(APPROVED))
                    .filter(verifications::id.ne(id)),
            )
            .set(verifications::status.eq(SUPERSEDED))
            .execute(conn)?;
            let changed = diesel::update(target.filter(verifications::status.eq_any([PENDING, INFO])))
                .set((
                    verifications::status.eq(APPROVED),
                    verifications::decided_by.eq(admin_id),
                    verifications::decided_at.eq(now),
                    verifications::method.eq(method.trim()),
                    verifications::reason.eq(None::<String>),
                    verifications::expires_at.eq(expires),
                    verifications::reminded_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Ok(false);
            }
            set_groups(conn, admin_id, v.user_id, groups)?;
            let until = expires.format("%-d %B %Y").to_string();
            (
                "verification_approve",
                format!("{} ({} {}); how: {}", v.badge, v.regulator, v.registration, method.trim()),
                Notice::Verification {
                    outcome: format!(
                        "You are verified as a {}. Your badge shows next to your name until {until}; we will remind you a month before to check it again.",
                        v.badge
                    ),
                },
            )
        }
        Decision::Reject { reason } => {
            let changed = diesel::update(target.filter(verifications::status.eq_any([PENDING, INFO])))
                .set((
                    verifications::status.eq(REJECTED),
                    verifications::decided_by.eq(admin_id),
                    verifications::decided_at.eq(now),
                    verifications::reason.eq(reason.trim()),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Ok(false);
            }
            (
                "verification_reject",
                reason.trim().to_owned(),
                Notice::Verification {
                    outcome: format!("We could not verify you as a {}. The reason: {}", v.badge, reason.trim()),
                },
            )
        }
        Decision::AskForInformation { question } => {
            let changed = diesel::update(target.filter(verifications::status.eq(PENDING)))
                .set((verifications::status.eq(INFO), verifications::reason.eq(question.trim())))
                .execute(conn)?;
            if changed == 0 {
                return Ok(false);
            }
            (
                "verification_ask",
                question.trim().to_owned(),
                Notice::Verification {
                    outcome: format!(
                        "Before we can verify you, an admin asks: {} You can answer on your application page.",
                        question.trim()
                    ),
                },
            )
        }
        Decision::Revoke { reason } => {
            // Who checked it and when stays on the record; the revocation is recorded beside it.
            let changed = diesel::update(target.filter(verifications::status.eq(APPROVED)))
                .set((
                    verifications::status.eq(REVOKED),
                    verifications::revoked_by.eq(admin_id),
                    verifications::revoked_at.eq(now),
                    verifications::reason.eq(reason.trim()),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Ok(false);
            }
            questions::badge_revoked(conn, v.user_id)?;
            (
                "verification_revoke",
                reason.trim().to_owned(),
                Notice::Verification {
                    outcome: format!(
                        "Your badge as a verified {} was withdrawn. The reason: {}",
                        v.badge,
                        reason.trim()
                    ),
                },
            )
        }
    };
    crate::site::audit(conn, Some(admin_id), action, "verification", id, &detail)?;
    let message = match &notice {
        Notice::Verification { outcome } => outcome.clone(),
        _ => unreachable!("verification decisions send verification notices"),
    };
    crate::moderation::actions::notify(conn, v.user_id, None, &message)?;
    crate::mail::notices::email(conn, v.user_id, &notice)?;
    Ok(true)
}

/// Approves a clinician for exactly `group_ids` (they read and answer there, private groups too).
pub fn set_groups(conn: &mut AnyConnection, admin_id: i64, user_id: i64, group_ids: &[i64]) -> QueryResult<()> {
    let known: Vec<i64> = groups::table.filter(groups::id.eq_any(group_ids.to_vec())).select(groups::id).load(conn)?;
    diesel::delete(clinician_groups::table.filter(clinician_groups::user_id.eq(user_id))).execute(conn)?;
    let now = db::now();
    for group_id in &known {
        diesel::insert_into(clinician_groups::table)
            .values((
                clinician_groups::user_id.eq(user_id),
                clinician_groups::group_id.eq(group_id),
                clinician_groups::approved_by.eq(admin_id),
                clinician_groups::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    crate::site::audit(conn, Some(admin_id), "clinician_groups", "user", user_id, &format!("groups {known:?}"))?;
    Ok(())
}

/// The groups a clinician is approved for (whether or not their badge is valid now).
pub fn approved_groups(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    clinician_groups::table.filter(clinician_groups::user_id.eq(user_id)).select(clinician_groups::group_id).load(conn)
}

/// The members approved to read and answer in a group as clinicians.
#[diesel::dsl::auto_type(no_type_alias)]
fn approved_for(group_id: i64) -> _ {
    clinician_groups::table.filter(clinician_groups::group_id.eq(group_id)).select(clinician_groups::user_id)
}

/// Verified clinicians approved for a group, by name: `limit` of them from `offset`, and how many
/// there are in all, for `/g/{slug}/professionals`.
pub fn clinicians_in(
    conn: &mut AnyConnection,
    group_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<(String, Badge)>, i64)> {
    let now = db::now();
    let total: i64 =
        badges_held(now).filter(verifications::user_id.eq_any(approved_for(group_id))).count().get_result(conn)?;
    let rows: Vec<(String, Badge)> = badges_held(now)
        .filter(verifications::user_id.eq_any(approved_for(group_id)))
        .order((users::display_name_key.asc(), users::id.asc()))
        .offset(offset)
        .limit(limit)
        .select((users::display_name, BADGE))
        .load(conn)?;
    Ok((rows, total))
}

/// Up to `limit` verified clinicians approved for a group, for its page: those who joined the
/// forum first, found in the index's order and neither counted nor sorted, so the page costs the
/// same however many a group has (BENCHMARKS.md).
pub fn some_clinicians_in(conn: &mut AnyConnection, group_id: i64, limit: i64) -> QueryResult<Vec<(String, Badge)>> {
    badges_held(db::now())
        .filter(verifications::user_id.eq_any(approved_for(group_id)))
        .order(verifications::user_id.asc())
        .limit(limit)
        .select((users::display_name, BADGE))
        .load(conn)
}

/// A verified professional badge, as every page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Badge {
    pub verification_id: i64,
    pub user_id: i64,
    /// "mammographer"
    pub profession: String,
    pub profession_id: i64,
    /// "HCPC"
    pub regulator: String,
    pub verified_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

impl Badge {
    /// "Verified mammographer (HCPC)"
    pub fn label(&self) -> String {
        format!("Verified {} ({})", self.profession, self.regulator)
    }
}

/// The columns a [`Badge`] is loaded from.
type BadgeColumns = (
    verifications::id,
    verifications::user_id,
    professions::badge,
    professions::id,
    verifications::regulator,
    verifications::decided_at,
    verifications::expires_at,
);
const BADGE: BadgeColumns = (
    verifications::id,
    verifications::user_id,
    professions::badge,
    professions::id,
    verifications::regulator,
    verifications::decided_at,
    verifications::expires_at,
);

/// Badges held now: approved, not expired, their holder not banned. The caller narrows it to
/// the members it wants.
#[diesel::dsl::auto_type(no_type_alias)]
fn badges_held(now: NaiveDateTime) -> _ {
    let holder: diesel::dsl::Eq<users::id, verifications::user_id> = users::id.eq(verifications::user_id);
    let approved: &'static str = APPROVED;
    let badge: BadgeColumns = BADGE;
    verifications::table
        .inner_join(professions::table)
        .inner_join(users::table.on(holder))
        .filter(users::banned.eq(false))
        .filter(verifications::status.eq(approved))
        .filter(verifications::expires_at.gt(now))
        .select(badge)
}

/// The badges held now by any of `user_ids`, in one query.
pub fn badges_for(conn: &mut AnyConnection, user_ids: &[i64]) -> QueryResult<HashMap<i64, Badge>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<Badge> = badges_held(db::now()).filter(verifications::user_id.eq_any(ids)).load(conn)?;
    Ok(rows.into_iter().map(|b| (b.user_id, b)).collect())
}

/// One member's badge, if they hold one now. Asked on every signed-in request: a query of fixed
/// shape, so the prepared statement is kept (a list of ids is prepared afresh each time).
pub fn badge_of(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Option<Badge>> {
    badges_held(db::now()).filter(verifications::user_id.eq(user_id)).first(conn).optional()
}

/// Reminds clinicians whose badge expires within [`REMINDER_BEFORE`], once per badge. Run by
/// the outbox worker's scheduled jobs; several instances may run it at once, and the
/// conditional update lets exactly one of them send each reminder.
pub fn remind_expiring(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let due: Vec<(i64, i64, NaiveDateTime, String)> = verifications::table
        .inner_join(professions::table)
        .filter(verifications::status.eq(APPROVED))
        .filter(verifications::expires_at.gt(now))
        .filter(verifications::expires_at.le(now + REMINDER_BEFORE))
        .filter(verifications::reminded_at.is_null())
        .select((
            verifications::id,
            verifications::user_id,
            verifications::expires_at.assume_not_null(),
            professions::badge,
        ))
        .load(conn)?;
    let mut sent = 0;
    for (id, user_id, expires, badge) in due {
        let claimed = diesel::update(verifications::table.find(id).filter(verifications::reminded_at.is_null()))
            .set(verifications::reminded_at.eq(now))
            .execute(conn)?;
        if claimed == 0 {
            continue;
        }
        let until = expires.format("%-d %B %Y").to_string();
        let notice = Notice::BadgeExpiring { badge: badge.clone(), until: until.clone() };
        crate::moderation::actions::notify(
            conn,
            user_id,
            None,
            &format!("Your badge as a verified {badge} expires on {until}. Please ask us to check it again."),
        )?;
        if crate::mail::notices::email(conn, user_id, &notice)? {
            sent += 1;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_numbers_are_shaped_like_their_register() {
        assert_eq!(registration_number("HCPC", "ra 123456", "RA"), Ok("RA123456".into()));
        assert!(registration_number("HCPC", "PA123456", "RA").unwrap_err().contains("begin with RA"));
        assert!(registration_number("HCPC", "RA12", "").is_err(), "too few digits");
        assert!(registration_number("HCPC", "123456", "").is_err(), "no letters");
        assert_eq!(registration_number("NMC", "12a3456e", ""), Ok("12A3456E".into()));
        assert!(registration_number("NMC", "12A34567", "").is_err());
        assert!(registration_number("NMC", "1A23456E", "").is_err());
        assert_eq!(registration_number("GMC", "123 4567", ""), Ok("1234567".into()));
        assert!(registration_number("GMC", "123456", "").is_err());
        assert!(registration_number("GMC", "12345678", "").is_err());
        assert!(registration_number("", "1234567", "").is_err());
    }

    fn nurse() -> Profession {
        Profession {
            id: 3,
            name: "Breast care nurse".into(),
            badge: "breast care nurse".into(),
            regulator: "NMC".into(),
            hcpc_prefix: String::new(),
            position: 1,
            enabled: true,
        }
    }

    #[test]
    fn an_application_names_the_right_register() {
        let mut app = Application {
            profession_id: 3,
            regulator: "GMC".into(),
            registration: "1234567".into(),
            workplace: "St Elsewhere".into(),
            note: String::new(),
        };
        let problems = app.check(&[nurse()]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("NMC"), "{problems:?}");
        app.regulator = "NMC".into();
        app.registration = "12a 3456e".into();
        assert!(app.check(&[nurse()]).is_empty());
        assert_eq!(app.registration, "12A3456E");
        app.workplace = " ".into();
        assert_eq!(app.check(&[nurse()])[0].0, "workplace");
    }
}
