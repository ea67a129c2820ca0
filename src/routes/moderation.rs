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
    notice: Option<&'static str>,
    /// The post just decided, which can be undone for a short while.
    undo: Option<i64>,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
    post: Option<i64>,
}

fn done_notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "approve" => Some("Approved: the post is live and its author has been told."),
        "redact" => {
            Some("Personal information removed and the post approved; its author has been told what was removed.")
        }
        "edit" => Some("Your changes are saved and the post approved."),
        "reject" => {
            Some("Not approved: its author has been told which ground rule, and can change it and send it again.")
        }
        "gone" => Some("Someone else has already decided that post."),
        "keep" => Some("Kept: the reports are closed and the members who made them have been told."),
        "escalate" => Some("Passed to the admins: it has left your queue."),
        "undo" => Some("Undone: the post is waiting again."),
        "too-late" => Some("That decision can no longer be undone here (only your own, within ten minutes)."),
        "remove" => Some("Removed: the post is off the forum and the members who reported it have been told."),
        _ => None,
    }
}

/// `/mod/queue`: held posts in the groups this viewer moderates, urgent first, then oldest.
pub async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let scope = ctx.viewer.moderated_groups();
    let recuse = recusal(&ctx);
    let (items, reports) = db::run(&state.pool, move |conn| {
        Ok((
            moderation::queue::queue(conn, scope.as_deref(), None, recuse.0, recuse.1)?,
            moderation::flags::open_reports(conn, scope.as_deref(), None)?,
        ))
    })
    .await?;
    let undo = query.post.filter(|_| matches!(query.done.as_deref(), Some("approve" | "redact" | "edit" | "reject")));
    html(&QueuePage { chrome: ctx.chrome(), items, reports, notice: done_notice(query.done.as_deref()), undo })
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
    rule: String,
    note: String,
    body: String,
}

impl ItemPage {
    fn rules(&self) -> &'static [(&'static str, &'static str)] {
        &moderation::GROUND_RULES
    }
}

/// A held post the viewer may decide: 404 for anything else (not waiting, or another group).
/// The viewer's id and whether they are an admin, for the queue's recusal and escalation rules.
fn recusal(ctx: &Ctx) -> (i64, bool) {
    (ctx.viewer.user_id().unwrap_or_default(), ctx.viewer.is_admin())
}

async fn decidable(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<(Held, QueueItem, Option<String>), AppError> {
    let scope = ctx.viewer.moderated_groups();
    let recuse = recusal(ctx);
    let found = db::run(&state.pool, move |conn| {
        let Some(held) = moderation::actions::held(conn, post_id)? else { return Ok(None) };
        let item =
            moderation::queue::queue(conn, scope.as_deref(), Some(post_id), recuse.0, recuse.1)?.into_iter().next();
        let previous = moderation::actions::previous_version(conn, post_id)?;
        Ok(item.map(|item| (held, item, previous)))
    })
    .await?;
    let found = found.ok_or(AppError::NotFound)?;
    if !ctx.viewer.can_moderate(found.0.group_id) {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

fn item_page(
    ctx: &Ctx,
    (held, item, previous): (Held, QueueItem, Option<String>),
    errors: FormErrors,
    rule: String,
    note: String,
) -> ItemPage {
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
        rule,
        note,
    }
}

pub async fn item(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let found = decidable(&ctx, &state, id(&path)?).await?;
    html(&item_page(&ctx, found, FormErrors::default(), String::new(), String::new()))
}

#[derive(Deserialize)]
pub struct ActionForm {
    action: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    note: String,
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
    let ActionForm { action, rule, note, body, seen } = form.into_inner();
    let post_id = found.0.id;
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
    if seen != moderation::actions::fingerprint(&found.0) {
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
        return render(StatusCode::UNPROCESSABLE_ENTITY, &item_page(&ctx, found, errors, rule, note));
    }
    let held = found.0;
    let done = action.clone();
    let decided = db::write(&state.pool, move |conn| {
        use moderation::actions;
        let note = Some(note.trim()).filter(|n| !n.is_empty());
        Ok(match action.as_str() {
            "approve" => actions::approve_as_seen(conn, moderator_id, &held)?,
            "redact" => actions::redact_and_approve(conn, moderator_id, &held)?,
            "edit" => actions::edit_and_approve(conn, moderator_id, &held, body.as_deref().unwrap_or_default())?,
            _ => actions::reject(conn, moderator_id, &held, &rule, note)?,
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
    action: String,
}

#[derive(Deserialize)]
pub struct LogQuery {
    action: Option<String>,
}

/// `/mod/log`: every moderator and admin action, newest first, optionally of one kind.
pub async fn log(ctx: Ctx, state: web::Data<AppState>, query: web::Query<LogQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let action = query.into_inner().action.filter(|a| !a.is_empty());
    let filter = action.clone();
    let scope = ctx.viewer.moderated_groups();
    let rows = db::run(&state.pool, move |conn| Ok(moderation::queue::log(conn, filter.as_deref(), scope.as_deref())?))
        .await?;
    html(&LogPage { chrome: ctx.chrome(), rows, action: action.unwrap_or_default() })
}

// ---- reported live posts -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "mod/report.html")]
struct ReportPage {
    chrome: Chrome,
    item: Reported,
}

async fn reported(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<Reported, AppError> {
    let scope = ctx.viewer.moderated_groups();
    let found = db::run(&state.pool, move |conn| {
        Ok(moderation::flags::open_reports(conn, scope.as_deref(), Some(post_id))?.into_iter().next())
    })
    .await?;
    let item = found.ok_or(AppError::NotFound)?;
    if !ctx.viewer.can_moderate(item.group_id) {
        return Err(AppError::NotFound);
    }
    Ok(item)
}

pub async fn report(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let item = reported(&ctx, &state, id(&path)?).await?;
    html(&ReportPage { chrome: ctx.chrome(), item })
}

/// Keep the reported post (restoring it if members' reports hid it) or remove it.
pub async fn decide_report(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let item = reported(&ctx, &state, id(&path)?).await?;
    let remove = match form.decision.as_str() {
        "remove" => true,
        "keep" => false,
        _ => return Err(AppError::BadRequest("unknown decision".into())),
    };
    let post_id = item.post_id;
    db::write(&state.pool, move |conn| Ok(moderation::flags::resolve(conn, moderator_id, post_id, remove)?)).await?;
    Ok(see_other(&format!("/mod/queue?done={}", if remove { "remove" } else { "keep" })))
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
