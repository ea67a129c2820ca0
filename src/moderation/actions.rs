//! What moderators do to held posts. Every action writes its change, the author's
//! notification and an audit row in the caller's one transaction, and checks that the post is
//! still waiting (so two volunteers never decide the same post twice).

use diesel::prelude::*;

use super::Finding;
use super::detect::SpanType;
use crate::db::schema::{notifications, post_revisions, posts, topics, users};
use crate::db::{self, AnyConnection};
use crate::mail::notices::Notice;
use crate::posting::PostStatus;

/// A held post as a moderator decides it.
#[derive(Debug, Clone, Queryable)]
pub struct Held {
    pub id: i64,
    pub topic_id: i64,
    pub author_id: i64,
    pub body_md: String,
    pub findings: String,
    pub topic_title: String,
    pub group_id: i64,
}

impl Held {
    pub fn findings(&self) -> Vec<Finding> {
        serde_json::from_str(&self.findings).unwrap_or_default()
    }
}

/// What a decision on a held post may change, kept with the post so the deciding moderator
/// can undo it exactly: the text and title (redact and edit change them), the findings, the
/// urgency and an appeal.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Before {
    body_md: String,
    /// The topic's title, for an opening post.
    title: Option<String>,
    findings: String,
    urgent: bool,
    urgent_kind: Option<String>,
    appealed: bool,
    /// The decision before this one (an appeal is against it, and its moderator is recused).
    decided_by: Option<i64>,
    decided_at: Option<chrono::NaiveDateTime>,
    decision_rule: Option<String>,
    decision_note: Option<String>,
}

/// Inside the deciding transaction: the post still waits, with the text the moderator saw
/// (an author's edit meanwhile, or another moderator's decision, stops the action). Returns
/// what the decision may change, for undo.
fn begin_decision(conn: &mut AnyConnection, seen: &Held) -> QueryResult<Option<Before>> {
    if held(conn, seen.id)?.is_none_or(|now| now.body_md != seen.body_md) {
        return Ok(None);
    }
    type Row = (String, String, bool, Option<String>, bool, bool, String);
    let (body_md, findings, urgent, urgent_kind, appealed, is_opening, title): Row = posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(seen.id))
        .select((
            posts::body_md,
            posts::findings,
            posts::urgent,
            posts::urgent_kind,
            posts::appealed,
            posts::is_opening,
            topics::title,
        ))
        .first(conn)?;
    type Earlier = (Option<i64>, Option<chrono::NaiveDateTime>, Option<String>, Option<String>);
    let (decided_by, decided_at, decision_rule, decision_note): Earlier = posts::table
        .find(seen.id)
        .select((posts::decided_by, posts::decided_at, posts::decision_rule, posts::decision_note))
        .first(conn)?;
    Ok(Some(Before {
        body_md,
        title: is_opening.then_some(title),
        findings,
        urgent,
        urgent_kind,
        appealed,
        decided_by,
        decided_at,
        decision_rule,
        decision_note,
    }))
}

/// A short fingerprint of a held post's text, carried by the decision forms.
pub fn fingerprint(held: &Held) -> String {
    fingerprint_of(&held.topic_title, &held.body_md)
}

/// The fingerprint of a post's title and text as shown (the queue list has no `Held`).
pub fn fingerprint_of(title: &str, body: &str) -> String {
    crate::secrets::hash_token(&format!("{title}\u{1f}{body}"))[..16].to_owned()
}

/// Loads a post that is waiting for a moderator.
pub fn held(conn: &mut AnyConnection, post_id: i64) -> QueryResult<Option<Held>> {
    posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(post_id))
        .filter(posts::status.eq(PostStatus::Pending.as_str()))
        .select((
            posts::id,
            posts::topic_id,
            posts::author_id,
            posts::body_md,
            posts::findings,
            topics::title,
            topics::group_id,
        ))
        .first(conn)
        .optional()
}

/// Tells a member something in-app (their posts page); `post_id` links it to a post.
pub(crate) fn notify(
    conn: &mut AnyConnection,
    user_id: i64,
    post_id: impl Into<Option<i64>>,
    message: &str,
) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::post_id.eq(post_id.into()),
            notifications::message.eq(message),
            notifications::created_at.eq(db::now()),
        ))
        .execute(conn)
        .map(drop)
}

/// Records who decided and why. `before` is what undo restores (`None`: the decision cannot
/// be undone, e.g. removing or restoring a live post).
fn record_decision(
    conn: &mut AnyConnection,
    post_id: i64,
    moderator_id: i64,
    rule: Option<&str>,
    note: Option<&str>,
    before: Option<&Before>,
) -> QueryResult<()> {
    let before = before.map(|b| serde_json::to_string(b).unwrap_or_default());
    diesel::update(posts::table.find(post_id))
        .set((
            posts::decided_by.eq(moderator_id),
            posts::decided_at.eq(db::now()),
            posts::decision_rule.eq(rule),
            posts::decision_note.eq(note),
            posts::urgent.eq(false),
            posts::claimed_by.eq(None::<i64>),
            posts::claimed_until.eq(None::<chrono::NaiveDateTime>),
            posts::before_decision.eq(before),
        ))
        .execute(conn)
        .map(drop)
}

/// Approves the post as the moderator saw it: false if it changed or was decided meanwhile.
pub fn approve_as_seen(conn: &mut AnyConnection, moderator_id: i64, post: &Held) -> QueryResult<bool> {
    let Some(before) = begin_decision(conn, post)? else { return Ok(false) };
    if !approve(conn, moderator_id, post, &before)? {
        return Ok(false);
    }
    crate::mail::notices::email(conn, post.author_id, &Notice::Approved { post_id: post.id })?;
    Ok(true)
}

/// Puts a held post live. Returns false if it was no longer waiting.
fn approve(conn: &mut AnyConnection, moderator_id: i64, post: &Held, before: &Before) -> QueryResult<bool> {
    let appealed: bool = posts::table.find(post.id).select(posts::appealed).first(conn)?;
    if !crate::posting::set_status(conn, post.id, PostStatus::Pending.as_str(), PostStatus::Live)? {
        return Ok(false);
    }
    if appealed {
        // The rejection was overturned: it no longer counts against the author.
        diesel::update(posts::table.find(post.id)).set(posts::appealed.eq(false)).execute(conn)?;
        diesel::update(users::table.find(post.author_id))
            .set(users::rejected_posts.eq(users::rejected_posts - 1))
            .execute(conn)?;
    }
    record_decision(conn, post.id, moderator_id, None, None, Some(before))?;
    diesel::update(users::table.find(post.author_id))
        .set(users::approved_posts.eq(users::approved_posts + 1))
        .execute(conn)?;
    notify(
        conn,
        post.author_id,
        post.id,
        &format!("Your post in “{}” was approved and is now live.", post.topic_title),
    )?;
    crate::site::audit(conn, Some(moderator_id), "approve", "post", post.id, "")?;
    crate::mail::notices::post_went_live(conn, post.id)?;
    Ok(true)
}

/// Sends a held post back to its author, citing a ground rule; the text is kept for them to
/// change and resubmit.
pub fn reject(
    conn: &mut AnyConnection,
    moderator_id: i64,
    post: &Held,
    rule: &str,
    note: Option<&str>,
) -> QueryResult<bool> {
    let Some(before) = begin_decision(conn, post)? else { return Ok(false) };
    if !crate::posting::set_status(conn, post.id, PostStatus::Pending.as_str(), PostStatus::Rejected)? {
        return Ok(false);
    }
    record_decision(conn, post.id, moderator_id, Some(rule), note, Some(&before))?;
    diesel::update(users::table.find(post.author_id))
        .set(users::rejected_posts.eq(users::rejected_posts + 1))
        .execute(conn)?;
    let title = super::ground_rule_title(rule).unwrap_or(rule);
    let mut message = format!(
        "Your post in “{}” was not approved. Ground rule: {title}. You can change it and send it again.",
        post.topic_title
    );
    if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
        message.push_str(&format!(" The moderator says: {}", note.trim()));
    }
    notify(conn, post.author_id, post.id, &message)?;
    let notice = Notice::Rejected {
        post_id: post.id,
        rule: title.to_owned(),
        note: note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
    };
    crate::mail::notices::email(conn, post.author_id, &notice)?;
    crate::site::audit(conn, Some(moderator_id), "reject", "post", post.id, rule)?;
    Ok(true)
}

/// Takes a live (or members'-reports-hidden) post off the forum, citing a ground rule; the
/// author is told why. Open reports on it are closed as "removed". False if it was not live.
pub fn remove(
    conn: &mut AnyConnection,
    moderator_id: i64,
    post_id: i64,
    rule: &str,
    note: Option<&str>,
) -> QueryResult<bool> {
    let Some((status, author_id, title)) = posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(post_id))
        .select((posts::status, posts::author_id, topics::title))
        .first::<(String, i64, String)>(conn)
        .optional()?
    else {
        return Ok(false);
    };
    if !matches!(status.as_str(), "live" | "hidden")
        || !crate::posting::set_status(conn, post_id, &status, PostStatus::Removed)?
    {
        return Ok(false);
    }
    record_decision(conn, post_id, moderator_id, Some(rule), note, None)?;
    super::flags::close_reports(conn, moderator_id, post_id, super::flags::Outcome::Removed)?;
    let rule_title = super::ground_rule_title(rule).unwrap_or(rule);
    let mut message = format!("A moderator removed your post in “{title}”. Ground rule: {rule_title}.");
    if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
        message.push_str(&format!(" The moderator says: {}", note.trim()));
    }
    notify(conn, author_id, post_id, &message)?;
    crate::site::audit(conn, Some(moderator_id), "remove", "post", post_id, rule)?;
    Ok(true)
}

/// Puts a removed post back where it was. False if it was not removed.
pub fn restore(conn: &mut AnyConnection, moderator_id: i64, post_id: i64) -> QueryResult<bool> {
    if !crate::posting::set_status(conn, post_id, PostStatus::Removed.as_str(), PostStatus::Live)? {
        return Ok(false);
    }
    let (author_id, title): (i64, String) = posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(post_id))
        .select((posts::author_id, topics::title))
        .first(conn)?;
    record_decision(conn, post_id, moderator_id, None, None, None)?;
    notify(conn, author_id, post_id, &format!("A moderator restored your post in “{title}”: it is live again."))?;
    crate::site::audit(conn, Some(moderator_id), "restore", "post", post_id, "")?;
    Ok(true)
}

/// What replaces a flagged span when a moderator redacts it.
pub fn redaction_label(kind: &str) -> String {
    let what = SpanType::parse(kind).map(SpanType::describe).unwrap_or("personal information");
    let what = what.trim_start_matches("an ").trim_start_matches("a ").trim_start_matches("someone's ");
    format!("[{what} removed by a moderator]")
}

/// Replaces every confidentiality span in `body` with its label. Spans are character offsets.
pub fn redact(body: &str, findings: &[Finding]) -> (String, Vec<String>) {
    let mut spans: Vec<&Finding> =
        findings.iter().filter(|f| f.rule == "protect-personal-health-information" && f.end > f.start).collect();
    // Callers pass the findings of one part (title or body) at a time.
    spans.sort_by_key(|f| f.start);
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut removed = Vec::new();
    let mut at = 0;
    for f in spans {
        if f.start < at || f.end > chars.len() {
            continue;
        }
        out.extend(&chars[at..f.start]);
        let label = redaction_label(&f.message_for_moderator);
        out.push_str(&label);
        removed.push(label);
        at = f.end;
    }
    out.extend(&chars[at..]);
    (out, removed)
}

/// Replaces the post's text (keeping the old version for moderators) before approving it.
fn replace_text(conn: &mut AnyConnection, moderator_id: i64, post: &Held, body: &str) -> QueryResult<()> {
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post.id),
            post_revisions::editor_id.eq(moderator_id),
            post_revisions::body_md.eq(&post.body_md),
            post_revisions::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    diesel::update(posts::table.find(post.id))
        .set((
            posts::body_md.eq(body),
            posts::body_html.eq(crate::markdown::render(body)),
            posts::findings.eq("[]"),
            posts::edited_at.eq(db::now()),
        ))
        .execute(conn)
        .map(drop)
}

/// One action: removes the flagged personal information (from the body and, for an opening
/// post, the title), approves, and tells the author what was removed.
pub fn redact_and_approve(conn: &mut AnyConnection, moderator_id: i64, post: &Held) -> QueryResult<bool> {
    let Some(before) = begin_decision(conn, post)? else { return Ok(false) };
    let findings = post.findings();
    let (body_findings, title_findings): (Vec<Finding>, Vec<Finding>) = findings.into_iter().partition(|f| !f.in_title);
    let (body, mut removed) = redact(&post.body_md, &body_findings);
    if !title_findings.is_empty() {
        let (title, from_title) = redact(&post.topic_title, &title_findings);
        diesel::update(topics::table.find(post.topic_id)).set(topics::title.eq(&title)).execute(conn)?;
        removed.extend(from_title);
    }
    replace_text(conn, moderator_id, post, &body)?;
    if !approve(conn, moderator_id, post, &before)? {
        return Ok(false);
    }
    let mut what: Vec<String> = removed;
    what.dedup();
    notify(
        conn,
        post.author_id,
        post.id,
        &format!(
            "To protect your privacy a moderator removed personal information from your post in “{}” before it went live: {}.",
            post.topic_title,
            what.join(", ")
        ),
    )?;
    crate::mail::notices::email(
        conn,
        post.author_id,
        &Notice::Redacted { post_id: post.id, removed: what.join(", ") },
    )?;
    crate::site::audit(conn, Some(moderator_id), "redact", "post", post.id, &what.join(", "))?;
    Ok(true)
}

/// Approves the post with the moderator's changes to its text.
pub fn edit_and_approve(conn: &mut AnyConnection, moderator_id: i64, post: &Held, body: &str) -> QueryResult<bool> {
    let Some(before) = begin_decision(conn, post)? else { return Ok(false) };
    replace_text(conn, moderator_id, post, body)?;
    if !approve(conn, moderator_id, post, &before)? {
        return Ok(false);
    }
    crate::mail::notices::email(conn, post.author_id, &Notice::Approved { post_id: post.id })?;
    crate::site::audit(conn, Some(moderator_id), "edit", "post", post.id, "")?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(start: usize, end: usize, kind: &str) -> Finding {
        Finding {
            rule: "protect-personal-health-information".into(),
            start,
            end,
            in_title: false,
            severity: "hold".into(),
            message_for_author: String::new(),
            message_for_moderator: kind.into(),
        }
    }

    #[test]
    fn redaction_replaces_each_span_with_what_it_was() {
        let body = "Café ☕ NHS 943 476 5919, call 07700 900123!";
        let (out, removed) = redact(body, &[finding(11, 23, "NHS_NUMBER"), finding(30, 42, "PHONE")]);
        assert_eq!(out, "Café ☕ NHS [NHS number removed by a moderator], call [phone number removed by a moderator]!");
        assert_eq!(removed.len(), 2);
    }
}

// ---- sanctions, notes, locks and appeals ----------------------------------------------------

/// A moderator's action on a member: warn, suspend for some days, ban (admins), lift, or a
/// private note. The member is told (except for notes), and the audit log records it.
pub enum MemberAction<'a> {
    Warn { reason: &'a str },
    Suspend { days: i64, reason: &'a str },
    Ban { reason: &'a str },
    Lift,
    Note { note: &'a str },
}

pub fn act_on_member(
    conn: &mut AnyConnection,
    moderator_id: i64,
    user_id: i64,
    action: MemberAction<'_>,
) -> QueryResult<()> {
    use crate::db::schema::member_notes;
    let (name, detail, message) = match action {
        MemberAction::Warn { reason } => {
            ("warn", reason.to_owned(), Some(format!("A moderator has sent you a warning: {reason}")))
        }
        MemberAction::Suspend { days, reason } => {
            let until = db::now() + chrono::Duration::days(days);
            diesel::update(users::table.find(user_id))
                .set((users::suspended_until.eq(until), users::sanction_reason.eq(reason)))
                .execute(conn)?;
            let message = format!(
                "You can read the forum but not post until {}. The moderators said: {reason}",
                crate::web::when(until)
            );
            ("suspend", format!("{days} days: {reason}"), Some(message))
        }
        MemberAction::Ban { reason } => {
            diesel::update(users::table.find(user_id))
                .set((users::banned.eq(true), users::sanction_reason.eq(reason)))
                .execute(conn)?;
            crate::accounts::end_all_sessions(conn, user_id)?;
            ("ban", reason.to_owned(), None)
        }
        MemberAction::Lift => {
            diesel::update(users::table.find(user_id))
                .set((
                    users::suspended_until.eq(None::<chrono::NaiveDateTime>),
                    users::banned.eq(false),
                    users::sanction_reason.eq(None::<String>),
                ))
                .execute(conn)?;
            ("lift", String::new(), Some("You can post again. Welcome back.".to_owned()))
        }
        MemberAction::Note { note } => {
            diesel::insert_into(member_notes::table)
                .values((
                    member_notes::user_id.eq(user_id),
                    member_notes::author_id.eq(moderator_id),
                    member_notes::note.eq(note),
                    member_notes::created_at.eq(db::now()),
                ))
                .execute(conn)?;
            ("note", String::new(), None)
        }
    };
    if let Some(message) = message {
        notify(conn, user_id, None, &message)?;
    }
    crate::site::audit(conn, Some(moderator_id), name, "user", user_id, &detail)
}

/// Closes a topic to replies, or opens it again.
pub fn set_locked(conn: &mut AnyConnection, moderator_id: i64, topic_id: i64, locked: bool) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id)).set(topics::locked.eq(locked)).execute(conn)?;
    crate::site::audit(conn, Some(moderator_id), if locked { "lock" } else { "unlock" }, "topic", topic_id, "")
}

/// The author appeals a rejection, once: the post waits again, for a different moderator.
/// Returns false if it is not theirs, not rejected, or already appealed.
pub fn appeal(conn: &mut AnyConnection, author_id: i64, post_id: i64) -> QueryResult<bool> {
    let can = diesel::update(
        posts::table
            .find(post_id)
            .filter(posts::author_id.eq(author_id))
            .filter(posts::status.eq(PostStatus::Rejected.as_str()))
            .filter(posts::appealed.eq(false)),
    )
    .set(posts::appealed.eq(true))
    .execute(conn)?;
    if can == 0 {
        return Ok(false);
    }
    crate::posting::set_status(conn, post_id, PostStatus::Rejected.as_str(), PostStatus::Pending)?;
    crate::site::audit(conn, Some(author_id), "appeal", "post", post_id, "")?;
    Ok(true)
}

/// What moderators know of a member: standing, sanction, private notes.
#[derive(Debug, Clone)]
pub struct MemberFile {
    pub account: crate::accounts::Account,
    pub notes: Vec<(String, String, chrono::NaiveDateTime)>,
}

pub fn member_file(conn: &mut AnyConnection, user_id: i64) -> QueryResult<MemberFile> {
    use crate::db::schema::member_notes;
    let account = crate::accounts::find(conn, user_id)?;
    let notes = member_notes::table
        .inner_join(users::table.on(users::id.eq(member_notes::author_id)))
        .filter(member_notes::user_id.eq(user_id))
        .order((member_notes::created_at.desc(), member_notes::id.desc()))
        .select((users::display_name, member_notes::note, member_notes::created_at))
        .load(conn)?;
    Ok(MemberFile { account, notes })
}

// ---- claims, escalation, undo ---------------------------------------------------------------

/// How long a claim keeps other moderators off a held post.
pub const CLAIM: chrono::Duration = chrono::Duration::minutes(15);
/// How long a moderator may undo their decision.
pub const UNDO_WINDOW: chrono::Duration = chrono::Duration::minutes(10);

/// Claims a held post for `moderator_id` (renewing their own claim). False if someone else
/// holds an unexpired claim.
pub fn claim(conn: &mut AnyConnection, moderator_id: i64, post_id: i64) -> QueryResult<bool> {
    let now = db::now();
    let claimed =
        diesel::update(posts::table.find(post_id).filter(posts::status.eq(PostStatus::Pending.as_str())).filter(
            posts::claimed_until.is_null().or(posts::claimed_until.lt(now)).or(posts::claimed_by.eq(moderator_id)),
        ))
        .set((posts::claimed_by.eq(moderator_id), posts::claimed_until.eq(now + CLAIM)))
        .execute(conn)?;
    Ok(claimed == 1)
}

/// Someone else's unexpired claim on the post, if any (until when).
pub fn claimed_by_other(
    conn: &mut AnyConnection,
    moderator_id: i64,
    post_id: i64,
) -> QueryResult<Option<chrono::NaiveDateTime>> {
    let (by, until): (Option<i64>, Option<chrono::NaiveDateTime>) =
        posts::table.find(post_id).select((posts::claimed_by, posts::claimed_until)).first(conn)?;
    Ok(match (by, until) {
        (Some(by), Some(until)) if by != moderator_id && until > db::now() => Some(until),
        _ => None,
    })
}

/// Passes a post to the admins: a held one leaves group moderators' queues; every admin is told
/// in the app, and by email too when the post is urgent.
pub fn escalate(conn: &mut AnyConnection, moderator_id: i64, post_id: i64, note: Option<&str>) -> QueryResult<()> {
    let (urgent, status, group): (bool, String, String) = posts::table
        .inner_join(topics::table.inner_join(crate::db::schema::groups::table))
        .filter(posts::id.eq(post_id))
        .select((posts::urgent, posts::status, crate::db::schema::groups::name))
        .first(conn)?;
    let admins: Vec<i64> =
        users::table.filter(users::is_admin.eq(true)).filter(users::banned.eq(false)).select(users::id).load(conn)?;
    for admin in admins.into_iter().filter(|a| *a != moderator_id) {
        notify(conn, admin, post_id, &format!("Escalated to the admins: a post in {group} needs you."))?;
        if urgent {
            let notice = Notice::Urgent { post_id, group: group.clone(), held: status == "pending" };
            crate::mail::notices::email(conn, admin, &notice)?;
        }
    }
    diesel::update(posts::table.find(post_id))
        .set((
            posts::escalated.eq(true),
            posts::claimed_by.eq(None::<i64>),
            posts::claimed_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
    crate::site::audit(conn, Some(moderator_id), "escalate", "post", post_id, note.unwrap_or(""))
}

/// Takes back a moderator's own approval or rejection within the undo window: the post waits
/// again, the author's standing is restored and they are told.
pub fn undo(conn: &mut AnyConnection, moderator_id: i64, post_id: i64) -> QueryResult<bool> {
    type Row =
        (String, Option<i64>, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>, i64, i64, Option<String>);
    let (status, decided_by, decided_at, edited_at, author_id, topic_id, before): Row = posts::table
        .find(post_id)
        .select((
            posts::status,
            posts::decided_by,
            posts::decided_at,
            posts::edited_at,
            posts::author_id,
            posts::topic_id,
            posts::before_decision,
        ))
        .first(conn)?;
    let Some(before) = before.and_then(|b| serde_json::from_str::<Before>(&b).ok()) else { return Ok(false) };
    let recent = decided_at.is_some_and(|at| db::now() - at <= UNDO_WINDOW);
    // Nobody has changed the post since the decision (a moderator's edit is part of it).
    let untouched = match (edited_at, decided_at) {
        (Some(edited), Some(decided)) => edited <= decided,
        _ => true,
    };
    if decided_by != Some(moderator_id) || !recent || !untouched || !matches!(status.as_str(), "live" | "rejected") {
        return Ok(false);
    }
    if !crate::posting::set_status(conn, post_id, &status, PostStatus::Pending)? {
        return Ok(false);
    }
    if status == "live" {
        diesel::update(users::table.find(author_id))
            .set(users::approved_posts.eq(users::approved_posts - 1))
            .execute(conn)?;
    }
    // An approved appeal had taken a rejection off the author's record; a rejection added one.
    if status == "rejected" || before.appealed {
        let delta = if status == "rejected" { -1 } else { 1 };
        diesel::update(users::table.find(author_id))
            .set(users::rejected_posts.eq(users::rejected_posts + delta))
            .execute(conn)?;
    }
    let current_body: String = posts::table.find(post_id).select(posts::body_md).first(conn)?;
    if current_body != before.body_md {
        // A redaction or edit: the text goes back, and the version it kept is not needed.
        let kept = post_revisions::table
            .filter(post_revisions::post_id.eq(post_id))
            .filter(post_revisions::editor_id.eq(moderator_id))
            .filter(post_revisions::body_md.eq(&before.body_md))
            .order(post_revisions::id.desc())
            .select(post_revisions::id)
            .first::<i64>(conn)
            .optional()?;
        if let Some(id) = kept {
            diesel::delete(post_revisions::table.find(id)).execute(conn)?;
        }
    }
    if let Some(title) = &before.title {
        diesel::update(topics::table.find(topic_id)).set(topics::title.eq(title)).execute(conn)?;
    }
    diesel::update(posts::table.find(post_id))
        .set((
            posts::body_md.eq(&before.body_md),
            posts::body_html.eq(crate::markdown::render(&before.body_md)),
            posts::findings.eq(&before.findings),
            posts::urgent.eq(before.urgent),
            posts::urgent_kind.eq(&before.urgent_kind),
            posts::appealed.eq(before.appealed),
            posts::decided_by.eq(before.decided_by),
            posts::decided_at.eq(before.decided_at),
            posts::decision_rule.eq(&before.decision_rule),
            posts::decision_note.eq(&before.decision_note),
            posts::before_decision.eq(None::<String>),
        ))
        .execute(conn)?;
    notify(
        conn,
        author_id,
        post_id,
        "A moderator is taking another look at your post; we will tell you what they decide.",
    )?;
    // The decision's email has not gone yet (it waits out this window): it never will.
    crate::mail::withdraw_decision(conn, post_id)?;
    crate::site::audit(conn, Some(moderator_id), "undo", "post", post_id, &status)?;
    Ok(true)
}

/// The text a moderator last saw, for showing what a resubmission changed.
pub fn previous_version(conn: &mut AnyConnection, post_id: i64) -> QueryResult<Option<String>> {
    post_revisions::table
        .filter(post_revisions::post_id.eq(post_id))
        .order((post_revisions::created_at.desc(), post_revisions::id.desc()))
        .select(post_revisions::body_md)
        .first(conn)
        .optional()
}

/// Whether a moderator of `scope` (None: an admin) may see and act on a member's file: admins
/// may for anyone; group moderators only for ordinary members who posted in, or belong to, one
/// of their groups. Other moderators and admins are for admins.
pub fn may_moderate_member(conn: &mut AnyConnection, scope: Option<&[i64]>, user_id: i64) -> QueryResult<bool> {
    use crate::db::schema::group_members;
    let Some(groups) = scope else { return Ok(true) };
    let account = crate::accounts::find(conn, user_id)?;
    let is_moderator: bool = diesel::select(diesel::dsl::exists(
        group_members::table.filter(group_members::user_id.eq(user_id)).filter(group_members::role.eq("moderator")),
    ))
    .get_result(conn)?;
    if account.is_admin || is_moderator {
        return Ok(false);
    }
    let posted: bool = diesel::select(diesel::dsl::exists(
        posts::table
            .inner_join(topics::table)
            .filter(posts::author_id.eq(user_id))
            .filter(topics::group_id.eq_any(groups.to_vec())),
    ))
    .get_result(conn)?;
    let member: bool = diesel::select(diesel::dsl::exists(
        group_members::table
            .filter(group_members::user_id.eq(user_id))
            .filter(group_members::group_id.eq_any(groups.to_vec())),
    ))
    .get_result(conn)?;
    Ok(posted || member)
}

/// Alerts a post's moderators at once that it is in the urgent lane: an in-app notification
/// each, and an email to those who take email. The email carries a link, never the post's words.
pub fn alert_urgent(conn: &mut AnyConnection, post_id: i64) -> QueryResult<()> {
    use crate::db::schema::{group_members, groups};
    let (group_id, group_name, status): (i64, String, String) = posts::table
        .inner_join(topics::table.inner_join(groups::table))
        .filter(posts::id.eq(post_id))
        .select((groups::id, groups::name, posts::status))
        .first(conn)?;
    let moderators = group_members::table
        .filter(group_members::group_id.eq(group_id))
        .filter(group_members::role.eq("moderator"))
        .select(group_members::user_id);
    let staff: Vec<i64> = users::table
        .filter(users::is_admin.eq(true).or(users::id.eq_any(moderators)))
        .filter(users::banned.eq(false))
        .select(users::id)
        .load(conn)?;
    let notice = Notice::Urgent { post_id, group: group_name.clone(), held: status == "pending" };
    for user_id in staff {
        notify(conn, user_id, post_id, &format!("Urgent: a post in {group_name} needs a moderator now."))?;
        crate::mail::notices::email(conn, user_id, &notice)?;
    }
    Ok(())
}
