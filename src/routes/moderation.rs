//! Moderators' pages: the queue of held posts and the decisions on them, requests to join
//! private groups, and the moderation log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::groups::JoinRequest;
use crate::moderation::{self, actions::Held, flags::Reported, queue::LogRow, queue::QueueItem, queue::Segment};
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, html, render, see_other};

#[derive(Template)]
#[template(path = "mod/requests.html")]
struct RequestsPage {
    chrome: Chrome,
    requests: Vec<JoinRequest>,
}

pub async fn requests(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let scope = ctx.viewer.moderated_groups();
    let requests =
        db::run(&state.pool, move |conn| Ok(crate::groups::pending_requests(conn, scope.as_deref())?)).await?;
    html(&RequestsPage { chrome: ctx.chrome(), requests })
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
}

pub async fn decide_request(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let request_id = id(&path)?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::NotFound),
    };
    let viewer = ctx.viewer.clone();
    db::write(&state.pool, move |conn| {
        let (group_id, user_id) = crate::groups::pending_request_group(conn, request_id)?.ok_or(AppError::NotFound)?;
        // Checked on the server for this object: a moderator of another group gets a 404.
        if !viewer.can_moderate(group_id) {
            return Err(AppError::NotFound);
        }
        crate::groups::decide_request(conn, request_id, approve, moderator_id)?;
        let action = if approve { "approve_join" } else { "decline_join" };
        crate::site::audit(conn, Some(moderator_id), action, "user", user_id, &format!("group {group_id}"))?;
        Ok(())
    })
    .await?;
    Ok(see_other("/mod/requests"))
}

// ---- the queue ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "mod/queue.html")]
struct QueuePage {
    chrome: Chrome,
    items: Vec<QueueItem>,
    reports: Vec<Reported>,
    notice: Option<String>,
    /// The post just decided, which can be undone for a short while.
    undo: Option<i64>,
    canned: Vec<moderation::canned::CannedNote>,
    /// A bulk decision that came back with a problem: what was ticked and typed.
    errors: FormErrors,
    picked: Vec<i64>,
    typed: Typed,
}

impl QueuePage {
    fn fingerprint(&self, item: &QueueItem) -> String {
        moderation::actions::fingerprint_of(&item.topic_title, &item.body_md)
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
    post: Option<i64>,
    /// Bulk decisions: how many were decided, and how many were left alone.
    n: Option<u32>,
    skipped: Option<u32>,
}

fn done_notice(query: &NoticeQuery) -> Option<String> {
    let fixed = match query.done.as_deref()? {
        "approve" => "Approved: the post is live and its author has been told.",
        "redact" => "Personal information removed and the post approved; its author has been told what was removed.",
        "edit" => "Your changes are saved and the post approved.",
        "reject" => "Not approved: its author has been told which ground rule, and can change it and send it again.",
        "gone" => "Someone else has already decided that post.",
        "keep" => "Kept: the reports are closed and the members who made them have been told.",
        "escalate" => "Passed to the admins: it has left your queue.",
        "undo" => "Undone: the post is waiting again.",
        "too-late" => "That decision can no longer be undone here (only your own, within ten minutes).",
        "remove" => "Removed: the post is off the forum and the members who reported it have been told.",
        "handled" => "Handled: the urgent post has left the lane, and your note is in the log.",
        bulk @ ("bulk-approve" | "bulk-reject") => {
            let n = query.n.unwrap_or(0);
            let what = if bulk == "bulk-approve" { "Approved" } else { "Not approved" };
            let mut text =
                format!("{what}: {n} {}; their authors have been told.", if n == 1 { "post" } else { "posts" });
            match query.skipped.unwrap_or(0) {
                0 => {}
                1 => text.push_str(" 1 post was left waiting: it changed, is urgent, or someone else is on it."),
                k => text.push_str(&format!(
                    " {k} posts were left waiting: they changed, are urgent, or someone else is on them."
                )),
            }
            return Some(text);
        }
        _ => return None,
    };
    Some(fixed.to_owned())
}

/// The queue page: held posts in the groups this viewer moderates, urgent first, then oldest,
/// and reported live posts.
async fn queue_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    notice: Option<String>,
    undo: Option<i64>,
    (errors, picked, typed): (FormErrors, Vec<i64>, Typed),
) -> Result<HttpResponse, AppError> {
    let scope = ctx.viewer.moderated_groups();
    let recuse = recusal(ctx);
    let (items, reports, canned) = db::run(&state.pool, move |conn| {
        Ok((
            moderation::queue::queue(conn, scope.as_deref(), None, recuse.0, recuse.1)?,
            moderation::flags::open_reports(conn, scope.as_deref(), None)?,
            moderation::canned::all(conn)?,
        ))
    })
    .await?;
    let page = QueuePage { chrome: ctx.chrome(), items, reports, notice, undo, canned, errors, picked, typed };
    render(status, &page)
}

/// `/mod/queue`.
pub async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let undo = query.post.filter(|_| matches!(query.done.as_deref(), Some("approve" | "redact" | "edit" | "reject")));
    let none = (FormErrors::default(), Vec::new(), Typed::default());
    queue_page(&ctx, &state, StatusCode::OK, done_notice(&query), undo, none).await
}

/// Approves or rejects the posts ticked on the queue page, each only as the moderator saw it
/// (its fingerprint travels with the tick), only if it is theirs to decide, and only if nobody
/// else has claimed it. Urgent posts are never decided in bulk: each needs a person's eyes.
pub async fn bulk(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let form = form.into_inner();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let picks: Vec<(i64, String)> = form
        .iter()
        .filter(|(k, _)| k == "pick")
        .filter_map(|(_, v)| v.split_once('.').and_then(|(id, seen)| Some((id.parse().ok()?, seen.to_owned()))))
        .take(200)
        .collect();
    let action = field("action");
    let typed = Typed { rule: field("rule"), note: field("note"), canned: field("canned") };
    let mut errors = FormErrors::default();
    if picks.is_empty() {
        errors.add("pick", "Tick the posts to decide first.");
    }
    match action.as_str() {
        "approve" => {}
        "reject" if moderation::ground_rule_title(&typed.rule).is_none() => {
            errors.add("rule", "Choose the ground rule the posts break: their authors will see it.")
        }
        "reject" => {}
        _ => return Err(AppError::BadRequest(format!("unknown action {action}"))),
    }
    if !errors.is_empty() {
        let picked = picks.iter().map(|(id, _)| *id).collect();
        return queue_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, None, None, (errors, picked, typed)).await;
    }
    let viewer = ctx.viewer.clone();
    let approve = action == "approve";
    let (decided, skipped) = db::write(&state.pool, move |conn| {
        use moderation::actions;
        let canned = typed.canned.parse::<i64>().ok().map(|id| moderation::canned::find(conn, id)).transpose()?;
        let note = moderation::canned::compose(canned.flatten().as_ref(), &typed.note);
        let scope = viewer.moderated_groups();
        let (mut decided, mut skipped) = (0u32, 0u32);
        for (post_id, seen) in picks {
            // The same checks as one decision: in scope (and not the viewer's own appeal),
            // not urgent, not claimed by someone else, and still the text that was shown.
            let item =
                moderation::queue::queue(conn, scope.as_deref(), Some(post_id), moderator_id, viewer.is_admin())?
                    .into_iter()
                    .next();
            let held = actions::held(conn, post_id)?;
            let decidable = match (&item, &held) {
                (Some(item), Some(held)) => {
                    !item.urgent
                        && viewer.can_moderate(held.group_id)
                        && actions::fingerprint(held) == seen
                        && actions::claimed_by_other(conn, moderator_id, post_id)?.is_none()
                }
                _ => false,
            };
            let done = match held.filter(|_| decidable) {
                Some(held) if approve => actions::approve_as_seen(conn, moderator_id, &held)?,
                Some(held) => actions::reject(conn, moderator_id, &held, &typed.rule, note.as_deref())?,
                None => false,
            };
            if done {
                decided += 1;
            } else {
                skipped += 1;
            }
        }
        Ok((decided, skipped))
    })
    .await?;
    Ok(see_other(&format!("/mod/queue?done=bulk-{action}&n={decided}&skipped={skipped}")))
}

#[derive(Template)]
#[template(path = "mod/item.html")]
struct ItemPage {
    chrome: Chrome,
    item: QueueItem,
    /// What a resubmission changed since the version a moderator last saw.
    changes: Vec<moderation::queue::DiffLine>,
    post_id: i64,
    topic_id: i64,
    segments: Vec<Segment>,
    /// The topic title with its flagged stretches (for an opening post).
    title_segments: Vec<Segment>,
    /// Fingerprint of the text shown, so a decision never applies to text the moderator did not see.
    seen: String,
    findings: Vec<moderation::Finding>,
    errors: FormErrors,
    typed: Typed,
    body: String,
    canned: Vec<moderation::canned::CannedNote>,
}

/// A held post the viewer may decide: 404 for anything else (not waiting, or another group).
/// The viewer's id and whether they are an admin, for the queue's recusal and escalation rules.
fn recusal(ctx: &Ctx) -> (i64, bool) {
    (ctx.viewer.user_id().unwrap_or_default(), ctx.viewer.is_admin())
}

/// A held post as the decision page needs it.
struct Decidable {
    held: Held,
    item: QueueItem,
    /// The text a moderator last saw, if the author has resubmitted since.
    previous: Option<String>,
    canned: Vec<moderation::canned::CannedNote>,
}

async fn decidable(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<Decidable, AppError> {
    let scope = ctx.viewer.moderated_groups();
    let recuse = recusal(ctx);
    let found = db::run(&state.pool, move |conn| {
        let Some(held) = moderation::actions::held(conn, post_id)? else { return Ok(None) };
        let item =
            moderation::queue::queue(conn, scope.as_deref(), Some(post_id), recuse.0, recuse.1)?.into_iter().next();
        let Some(item) = item else { return Ok(None) };
        let previous = moderation::actions::previous_version(conn, post_id)?;
        let canned = moderation::canned::all(conn)?;
        Ok(Some(Decidable { held, item, previous, canned }))
    })
    .await?;
    let found = found.ok_or(AppError::NotFound)?;
    if !ctx.viewer.can_moderate(found.held.group_id) {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

/// What the moderator had typed into the decision forms, kept when one comes back.
#[derive(Default)]
struct Typed {
    rule: String,
    note: String,
    canned: String,
}

fn item_page(ctx: &Ctx, found: Decidable, errors: FormErrors, typed: Typed) -> ItemPage {
    let Decidable { held, item, previous, canned } = found;
    let findings = held.findings();
    let changes = previous.map(|old| moderation::queue::diff_lines(&old, &held.body_md)).unwrap_or_default();
    ItemPage {
        chrome: ctx.chrome(),
        changes,
        segments: moderation::queue::segments(
            &held.body_md,
            &findings.iter().filter(|f| !f.in_title).cloned().collect::<Vec<_>>(),
        ),
        title_segments: moderation::queue::segments(
            &held.topic_title,
            &findings.iter().filter(|f| f.in_title).cloned().collect::<Vec<_>>(),
        ),
        seen: moderation::actions::fingerprint(&held),
        post_id: held.id,
        topic_id: held.topic_id,
        body: held.body_md.clone(),
        findings,
        item,
        errors,
        typed,
        canned,
    }
}

pub async fn item(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let found = decidable(&ctx, &state, id(&path)?).await?;
    html(&item_page(&ctx, found, FormErrors::default(), Typed::default()))
}

#[derive(Deserialize)]
pub struct ActionForm {
    action: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    note: String,
    /// A canned note's id, sent before `note`.
    #[serde(default)]
    canned: String,
    body: Option<String>,
    /// The fingerprint of the text the moderator was shown.
    #[serde(default)]
    seen: String,
}

/// Approve, redact and approve, edit and approve, or reject with a ground rule.
pub async fn act(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let found = decidable(&ctx, &state, id(&path)?).await?;
    let ActionForm { action, rule, note, canned, body, seen } = form.into_inner();
    let post_id = found.held.id;
    match action.as_str() {
        "claim" => {
            db::write(&state.pool, move |conn| Ok(moderation::actions::claim(conn, moderator_id, post_id)?)).await?;
            return Ok(see_other(&format!("/mod/queue/{post_id}")));
        }
        "escalate" => {
            db::write(&state.pool, move |conn| {
                let note = Some(note.trim()).filter(|n| !n.is_empty());
                Ok(moderation::actions::escalate(conn, moderator_id, post_id, note)?)
            })
            .await?;
            return Ok(see_other("/mod/queue?done=escalate"));
        }
        _ => {}
    }
    let mut errors = FormErrors::default();
    if seen != moderation::actions::fingerprint(&found.held) {
        errors.add(
            "rule",
            "The author changed this post while you were reading it. This is the new version: please look again.",
        );
    }
    let claimed =
        db::run(&state.pool, move |conn| Ok(moderation::actions::claimed_by_other(conn, moderator_id, post_id)?))
            .await?;
    if let Some(until) = claimed {
        errors.add("rule", format!("Another moderator is looking at this post until {}.", until.format("%H:%M")));
    }
    match action.as_str() {
        "reject" if moderation::ground_rule_title(&rule).is_none() => {
            errors.add("rule", "Choose the ground rule the post breaks: its author will see it.")
        }
        "edit" if body.as_deref().is_none_or(|b| b.trim().is_empty()) => {
            errors.add("body", "The post cannot be empty.")
        }
        "approve" | "redact" | "reject" | "edit" => {}
        _ => return Err(AppError::BadRequest(format!("unknown action {action}"))),
    }
    if !errors.is_empty() {
        let typed = Typed { rule, note, canned };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &item_page(&ctx, found, errors, typed));
    }
    let chosen = canned.parse::<i64>().ok().and_then(|id| found.canned.into_iter().find(|c| c.id == id));
    let note = moderation::canned::compose(chosen.as_ref(), &note);
    let held = found.held;
    let done = action.clone();
    let decided = db::write(&state.pool, move |conn| {
        use moderation::actions;
        Ok(match action.as_str() {
            "approve" => actions::approve_as_seen(conn, moderator_id, &held)?,
            "redact" => actions::redact_and_approve(conn, moderator_id, &held)?,
            "edit" => actions::edit_and_approve(conn, moderator_id, &held, body.as_deref().unwrap_or_default())?,
            _ => actions::reject(conn, moderator_id, &held, &rule, note.as_deref())?,
        })
    })
    .await?;
    if !decided {
        return Ok(see_other("/mod/queue?done=gone"));
    }
    Ok(see_other(&format!("/mod/queue?done={done}&post={post_id}")))
}

/// Takes back the viewer's own decision on a post within the undo window.
pub async fn undo(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let post_id = id(&path)?;
    let (_, _, group) = crate::routes::posts::post_in_context(&state, post_id).await?;
    let group_id = group.id;
    if !ctx.viewer.can_moderate(group_id) {
        return Err(AppError::NotFound);
    }
    let undone =
        db::write(&state.pool, move |conn| Ok(moderation::actions::undo(conn, moderator_id, post_id)?)).await?;
    Ok(see_other(if undone { "/mod/queue?done=undo" } else { "/mod/queue?done=too-late" }))
}

#[derive(Template)]
#[template(path = "mod/log.html")]
struct LogPage {
    chrome: Chrome,
    rows: Vec<LogRow>,
    form: LogQuery,
    staff: Vec<(i64, String)>,
    groups: Vec<crate::groups::Group>,
    errors: FormErrors,
    page: i64,
    more: bool,
}

impl LogPage {
    const ACTIONS: [&'static str; 39] = [
        "approve",
        "redact",
        "edit",
        "reject",
        "appeal",
        "escalate",
        "undo",
        "keep",
        "remove",
        "restore",
        "lock",
        "unlock",
        "warn",
        "suspend",
        "ban",
        "lift",
        "note",
        "approve_join",
        "decline_join",
        "create_group",
        "update_group",
        "set_moderator_groups",
        "create_rule",
        "enable_rule",
        "disable_rule",
        "publish_rules",
        "canned_note",
        "helpline",
        "retry_mail",
        "setting",
        "verification_apply",
        "verification_approve",
        "verification_reject",
        "verification_ask",
        "verification_revoke",
        "clinician_groups",
        "save_profession",
        "mark_question",
        "unmark_question",
    ];

    /// This page's filters as a query string, for the links to other pages.
    fn link(&self, page: i64) -> String {
        let f = &self.form;
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("action", &f.action),
            ("moderator", &f.moderator),
            ("member", &f.member),
            ("group", &f.group),
            ("from", &f.from),
            ("to", &f.to),
        ] {
            if !value.is_empty() {
                pairs.append_pair(key, value);
            }
        }
        pairs.append_pair("page", &page.to_string());
        format!("/mod/log?{}", pairs.finish())
    }
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    moderator: String,
    /// A member's display name.
    #[serde(default)]
    member: String,
    #[serde(default)]
    group: String,
    /// YYYY-MM-DD, inclusive.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<i64>,
}

fn day(raw: &str) -> Result<Option<chrono::NaiveDate>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).map_err(drop)
}

/// `/mod/log`: every moderator and admin action, newest first, filtered by moderator, member,
/// group, action and dates.
pub async fn log(ctx: Ctx, state: web::Data<AppState>, query: web::Query<LogQuery>) -> Result<HttpResponse, AppError> {
    use moderation::queue::LogFilter;
    ctx.require_moderator()?;
    let form = query.into_inner();
    let page = form.page.unwrap_or(1).clamp(1, crate::web::MAX_PAGE);
    let mut errors = FormErrors::default();
    let mut filter = LogFilter {
        action: Some(form.action.clone()).filter(|a| !a.is_empty()),
        moderator: form.moderator.parse().ok(),
        group: form.group.parse().ok(),
        ..LogFilter::default()
    };
    match day(&form.from) {
        Ok(d) => filter.from = d.and_then(|d| d.and_hms_opt(0, 0, 0)),
        Err(()) => errors.add("from", "Write the date as year-month-day, for example 2026-11-01."),
    }
    match day(&form.to) {
        Ok(d) => filter.until = d.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)),
        Err(()) => errors.add("to", "Write the date as year-month-day, for example 2026-11-30."),
    }
    let scope = ctx.viewer.moderated_groups();
    let member_key =
        Some(form.member.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()).filter(|k| !k.is_empty());
    let (rows, staff, groups, member_found) = db::run(&state.pool, move |conn| {
        use crate::db::schema::users;
        use diesel::prelude::*;
        let mut member_found = true;
        if let Some(key) = member_key {
            let id: Option<i64> =
                users::table.filter(users::display_name_key.eq(key)).select(users::id).first(conn).optional()?;
            member_found = id.is_some();
            filter.member = Some(id.unwrap_or(-1));
        }
        let mut groups = crate::groups::all(conn)?;
        if let Some(ids) = &scope {
            groups.retain(|g| ids.contains(&g.id));
        }
        let rows = moderation::queue::log(conn, &filter, scope.as_deref(), page)?;
        Ok((rows, moderation::queue::staff(conn)?, groups, member_found))
    })
    .await?;
    if !member_found {
        errors.add("member", "No member has that display name.");
    }
    let more = rows.len() as i64 > moderation::queue::LOG_PAGE;
    let mut rows = rows;
    rows.truncate(moderation::queue::LOG_PAGE as usize);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &LogPage { chrome: ctx.chrome(), rows, form, staff, groups, errors, page, more })
}

// ---- reported live posts -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "mod/report.html")]
struct ReportPage {
    chrome: Chrome,
    item: Reported,
    canned: Vec<moderation::canned::CannedNote>,
    errors: FormErrors,
    typed: Typed,
    /// What the moderator typed for the author or the log (reach out, handled, escalate).
    message: String,
    /// What the last action on this page did.
    notice: Option<&'static str>,
}

async fn reported(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<ReportPage, AppError> {
    let scope = ctx.viewer.moderated_groups();
    let found = db::run(&state.pool, move |conn| {
        let item = moderation::flags::open_reports(conn, scope.as_deref(), Some(post_id))?.into_iter().next();
        Ok(item.map(|item| (item, moderation::canned::all(conn))))
    })
    .await?;
    let (item, canned) = found.ok_or(AppError::NotFound)?;
    if !ctx.viewer.can_moderate(item.group_id) {
        return Err(AppError::NotFound);
    }
    Ok(ReportPage {
        chrome: ctx.chrome(),
        item,
        canned: canned?,
        errors: FormErrors::default(),
        typed: Typed::default(),
        message: String::new(),
        notice: None,
    })
}

pub async fn report(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let mut page = reported(&ctx, &state, id(&path)?).await?;
    page.notice = match query.done.as_deref() {
        Some("reach_out") => Some(
            "Sent: the author has a private message from the moderation team with the help that matches their post. Mark it handled when you are done.",
        ),
        Some("escalate") => Some("Passed to the admins: they have been alerted."),
        _ => None,
    };
    html(&page)
}

#[derive(Deserialize)]
pub struct RemovalForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    canned: String,
    /// Urgent posts: the words for the author (reach out) or for the log (handled, escalate).
    #[serde(default)]
    message: String,
}

impl RemovalForm {
    /// The ground rule and the author's note, or what is wrong with them.
    fn reasons(
        self,
        canned: &[moderation::canned::CannedNote],
    ) -> Result<(String, Option<String>), (FormErrors, Typed)> {
        if moderation::ground_rule_title(&self.rule).is_none() {
            let mut errors = FormErrors::default();
            errors.add("rule", "Choose the ground rule the post breaks: its author will see it.");
            return Err((errors, Typed { rule: self.rule, note: self.note, canned: self.canned }));
        }
        let chosen = self.canned.parse::<i64>().ok().and_then(|id| canned.iter().find(|c| c.id == id));
        Ok((self.rule, moderation::canned::compose(chosen, &self.note)))
    }
}

/// Removes a post under the ground rule the form names (with its author's note), or gives back
/// what is wrong with the form, for the page to show again.
async fn remove_under_rule(
    state: &AppState,
    moderator_id: i64,
    post_id: i64,
    form: RemovalForm,
    canned: &[moderation::canned::CannedNote],
) -> Result<Result<(), (FormErrors, Typed)>, AppError> {
    let (rule, note) = match form.reasons(canned) {
        Ok(reasons) => reasons,
        Err(problem) => return Ok(Err(problem)),
    };
    db::write(&state.pool, move |conn| {
        Ok(moderation::actions::remove(conn, moderator_id, post_id, &rule, note.as_deref())?)
    })
    .await?;
    Ok(Ok(()))
}

/// Keep the reported post (restoring it if members' reports hid it) or remove it under a
/// ground rule.
pub async fn decide_report(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<RemovalForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let mut page = reported(&ctx, &state, id(&path)?).await?;
    let post_id = page.item.post_id;
    let form = form.into_inner();
    let message = form.message.trim().to_owned();
    if matches!(form.decision.as_str(), "reach_out" | "handled" | "escalate") && !page.item.urgent {
        return Err(AppError::BadRequest("only urgent posts are reached out about, handled or escalated here".into()));
    }
    if form.decision == "handled" && message.is_empty() {
        page.errors.add("message", "Say what you did or why all is well: it goes in the moderation log.");
        page.message = form.message;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    match form.decision.as_str() {
        "keep" => {
            db::write(&state.pool, move |conn| Ok(moderation::flags::keep(conn, moderator_id, post_id)?)).await?;
            Ok(see_other("/mod/queue?done=keep"))
        }
        "reach_out" => {
            db::write(&state.pool, move |conn| {
                Ok(moderation::flags::reach_out(conn, moderator_id, post_id, &message)?)
            })
            .await?;
            Ok(see_other(&format!("/mod/reports/{post_id}?done=reach_out")))
        }
        "handled" => {
            db::write(&state.pool, move |conn| Ok(moderation::flags::handled(conn, moderator_id, post_id, &message)?))
                .await?;
            Ok(see_other("/mod/queue?done=handled"))
        }
        "escalate" => {
            db::write(&state.pool, move |conn| {
                Ok(moderation::actions::escalate(conn, moderator_id, post_id, Some(&message))?)
            })
            .await?;
            Ok(see_other(&format!("/mod/reports/{post_id}?done=escalate")))
        }
        "remove" => match remove_under_rule(&state, moderator_id, post_id, form, &page.canned).await? {
            Ok(()) => Ok(see_other("/mod/queue?done=remove")),
            Err((errors, typed)) => {
                (page.errors, page.typed) = (errors, typed);
                render(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
        },
        _ => Err(AppError::BadRequest("unknown decision".into())),
    }
}

// ---- removing and restoring live posts -------------------------------------------------------

#[derive(Template)]
#[template(path = "mod/remove.html")]
struct RemovePage {
    chrome: Chrome,
    post: crate::posting::Post,
    topic: crate::posting::Topic,
    canned: Vec<moderation::canned::CannedNote>,
    errors: FormErrors,
    typed: Typed,
}

/// A post in a group the viewer moderates (404 otherwise), with the canned notes.
async fn moderated_post(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<RemovePage, AppError> {
    let (post, topic, group) = crate::routes::posts::post_in_context(state, post_id).await?;
    if !ctx.viewer.can_moderate(group.id) {
        return Err(AppError::NotFound);
    }
    let canned = db::run(&state.pool, |conn| Ok(moderation::canned::all(conn)?)).await?;
    Ok(RemovePage { chrome: ctx.chrome(), post, topic, canned, errors: FormErrors::default(), typed: Typed::default() })
}

/// `/p/{id}/remove`: why a live post is being taken down.
pub async fn remove_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    html(&moderated_post(&ctx, &state, id(&path)?).await?)
}

pub async fn remove(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<RemovalForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let mut page = moderated_post(&ctx, &state, id(&path)?).await?;
    let (post_id, topic_id) = (page.post.id, page.topic.id);
    match remove_under_rule(&state, moderator_id, post_id, form.into_inner(), &page.canned).await? {
        Ok(()) => Ok(see_other(&format!("/t/{topic_id}"))),
        Err((errors, typed)) => {
            (page.errors, page.typed) = (errors, typed);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Puts a removed post back (from its page of versions).
pub async fn restore(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let page = moderated_post(&ctx, &state, id(&path)?).await?;
    let post_id = page.post.id;
    db::write(&state.pool, move |conn| Ok(moderation::actions::restore(conn, moderator_id, post_id)?)).await?;
    Ok(see_other(&format!("/p/{post_id}/history")))
}

// ---- members: sanctions and notes ----------------------------------------------------------

#[derive(Template)]
#[template(path = "mod/member.html")]
struct MemberPage {
    chrome: Chrome,
    file: moderation::actions::MemberFile,
    can_ban: bool,
    errors: FormErrors,
}

impl MemberPage {
    fn sanction(&self) -> Option<String> {
        self.file.account.suspension().map(|(until, reason)| match until {
            Some(until) => format!("Suspended until {}: {reason}", crate::web::when(until)),
            None => format!("Banned: {reason}"),
        })
    }
}

/// A member's file, if the viewer may moderate them (404 otherwise).
async fn member_in_scope(
    ctx: &Ctx,
    state: &AppState,
    user_id: i64,
) -> Result<moderation::actions::MemberFile, AppError> {
    let scope = ctx.viewer.moderated_groups();
    db::run(&state.pool, move |conn| {
        if !moderation::actions::may_moderate_member(conn, scope.as_deref(), user_id)? {
            return Err(AppError::NotFound);
        }
        Ok(moderation::actions::member_file(conn, user_id)?)
    })
    .await
}

pub async fn member(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let user_id = id(&path)?;
    let file = member_in_scope(&ctx, &state, user_id).await?;
    html(&MemberPage { chrome: ctx.chrome(), file, can_ban: ctx.viewer.is_admin(), errors: FormErrors::default() })
}

#[derive(Deserialize)]
pub struct MemberActionForm {
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    days: String,
}

/// Warn, suspend, ban (admins only), lift, or note. Staff cannot be sanctioned here.
pub async fn act_on_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<MemberActionForm>,
) -> Result<HttpResponse, AppError> {
    use moderation::actions::MemberAction;
    let moderator_id = ctx.require_moderator()?.account.id;
    let user_id = id(&path)?;
    let form = form.into_inner();
    let reason = form.reason.trim().to_owned();
    let days: i64 = form.days.trim().parse().unwrap_or(0);
    let mut errors = FormErrors::default();
    let needs_reason = matches!(form.action.as_str(), "warn" | "suspend" | "ban" | "note");
    if needs_reason && (reason.is_empty() || reason.chars().count() > 1000) {
        errors.add("reason", "Write the reason (the member sees it, except for private notes), up to 1000 characters.");
    }
    if form.action == "suspend" && !(1..=365).contains(&days) {
        errors.add("days", "Suspend for 1 to 365 days.");
    }
    let file = member_in_scope(&ctx, &state, user_id).await?;
    // Bans are for admins to make and to lift.
    if (form.action == "ban" || (form.action == "lift" && file.account.banned)) && !ctx.viewer.is_admin() {
        return Err(AppError::NotFound);
    }
    if !matches!(form.action.as_str(), "warn" | "suspend" | "ban" | "lift" | "note") {
        return Err(AppError::BadRequest("unknown action".into()));
    }
    if file.account.is_admin && form.action != "note" {
        errors.add("reason", "Admins cannot be sanctioned from here.");
    }
    if !errors.is_empty() {
        let page = MemberPage { chrome: ctx.chrome(), file, can_ban: ctx.viewer.is_admin(), errors };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let action = form.action;
    db::write(&state.pool, move |conn| {
        let act = match action.as_str() {
            "warn" => MemberAction::Warn { reason: &reason },
            "suspend" => MemberAction::Suspend { days, reason: &reason },
            "ban" => MemberAction::Ban { reason: &reason },
            "lift" => MemberAction::Lift,
            _ => MemberAction::Note { note: &reason },
        };
        Ok(moderation::actions::act_on_member(conn, moderator_id, user_id, act)?)
    })
    .await?;
    Ok(see_other(&format!("/mod/members/{user_id}")))
}

#[derive(Deserialize)]
pub struct LockForm {
    locked: String,
}

/// Closes a topic to replies (or opens it) — its group's moderators only.
pub async fn lock_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<LockForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_signed_in("/")?.account.id;
    let topic_id = id(&path)?;
    let topic =
        db::run(&state.pool, move |conn| crate::posting::topic(conn, topic_id)?.ok_or(AppError::NotFound)).await?;
    if !ctx.viewer.can_moderate(topic.group_id) {
        return Err(AppError::NotFound);
    }
    let locked = form.locked == "yes";
    db::write(&state.pool, move |conn| Ok(moderation::actions::set_locked(conn, moderator_id, topic_id, locked)?))
        .await?;
    Ok(see_other(&format!("/t/{topic_id}")))
}
