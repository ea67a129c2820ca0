//! Administration: groups, members' moderator roles, and the site's ground rules.
//! Every change writes an audit row in the same transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db;
use crate::db::schema::users;
use crate::error::AppError;
use crate::groups::{Group, GroupFields, Visibility};
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, PageQuery, html, render, see_other};

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    chrome: Chrome,
}

pub async fn index(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    html(&IndexPage { chrome: ctx.chrome() })
}

// ---- groups --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/groups.html")]
struct GroupsPage {
    chrome: Chrome,
    groups: Vec<Group>,
}

pub async fn groups(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let groups = db::run(&state.pool, |conn| Ok(crate::groups::all(conn)?)).await?;
    html(&GroupsPage { chrome: ctx.chrome(), groups })
}

#[derive(Template)]
#[template(path = "admin/group_form.html")]
struct GroupFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    errors: FormErrors,
    fields: GroupFields,
}

impl GroupFormPage {
    fn visibilities(&self) -> [(&'static str, &'static str); 3] {
        Visibility::ALL.map(|v| (v.as_str(), v.describe()))
    }

    fn policies(&self) -> &'static [(&'static str, &'static str)] {
        &crate::groups::POLICIES
    }
}

#[derive(Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    rules_md: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    moderation_policy: String,
    newcomer_posts: Option<String>,
    pro_questions: Option<String>,
    hold_urgent: Option<String>,
}

impl From<GroupForm> for GroupFields {
    fn from(f: GroupForm) -> Self {
        GroupFields {
            slug: f.slug.trim().to_owned(),
            name: f.name,
            description: f.description,
            rules_md: f.rules_md,
            visibility: f.visibility,
            moderation_policy: f.moderation_policy,
            // Anything that is not a number is caught by the range check.
            newcomer_posts: f.newcomer_posts.as_deref().unwrap_or("3").trim().parse().unwrap_or(0),
            pro_questions: f.pro_questions.is_some(),
            hold_urgent: f.hold_urgent.is_some(),
        }
    }
}

pub async fn new_group_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    html(&GroupFormPage {
        chrome: ctx.chrome(),
        heading: "New group".into(),
        action: "/admin/groups/new".into(),
        errors: FormErrors::default(),
        fields: GroupFields {
            visibility: "open".into(),
            moderation_policy: "post_moderate".into(),
            newcomer_posts: 3,
            ..GroupFields::default()
        },
    })
}

/// Saves a new (`id` = None) or existing group, or shows the form again with what was typed.
async fn save_group(
    ctx: Ctx,
    state: &AppState,
    id: Option<i64>,
    fields: GroupFields,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let mut errors = FormErrors::default();
    for (field, message) in fields.problems() {
        errors.add(field, message);
    }
    let f = fields.clone();
    let saved = if errors.is_empty() {
        db::write(&state.pool, move |conn| {
            if crate::groups::slug_taken(conn, &f.slug, id)? {
                return Ok(None);
            }
            let group_id = match id {
                Some(id) => {
                    crate::groups::update(conn, id, &f)?;
                    id
                }
                None => crate::groups::create(conn, &f)?,
            };
            let action = if id.is_some() { "update_group" } else { "create_group" };
            crate::site::audit(conn, Some(admin_id), action, "group", group_id, &f.slug)?;
            Ok(Some(f.slug))
        })
        .await?
    } else {
        None
    };
    if let Some(slug) = saved {
        return Ok(see_other(&format!("/g/{slug}")));
    }
    if errors.is_empty() {
        errors.add("slug", "Another group already uses that address.");
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &GroupFormPage {
            chrome: ctx.chrome(),
            heading: if id.is_some() { "Change group".into() } else { "New group".into() },
            action: match id {
                Some(id) => format!("/admin/groups/{id}"),
                None => "/admin/groups/new".into(),
            },
            errors,
            fields,
        },
    )
}

pub async fn create_group(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<GroupForm>,
) -> Result<HttpResponse, AppError> {
    save_group(ctx, &state, None, form.into_inner().into()).await
}

pub async fn edit_group_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let group_id = id(&path)?;
    let g = db::run(&state.pool, move |conn| Ok(crate::groups::by_id(conn, group_id)?)).await?;
    html(&GroupFormPage {
        chrome: ctx.chrome(),
        heading: format!("Change {}", g.name),
        action: format!("/admin/groups/{}", g.id),
        errors: FormErrors::default(),
        fields: GroupFields {
            slug: g.slug,
            name: g.name,
            description: g.description,
            rules_md: g.rules_md,
            visibility: g.visibility,
            moderation_policy: g.moderation_policy,
            newcomer_posts: g.newcomer_posts,
            pro_questions: g.pro_questions,
            hold_urgent: g.hold_urgent,
        },
    })
}

pub async fn update_group(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<GroupForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let group_id = id(&path)?;
    db::run(&state.pool, move |conn| Ok(crate::groups::by_id(conn, group_id)?)).await?;
    save_group(ctx, &state, Some(group_id), form.into_inner().into()).await
}

// ---- members --------------------------------------------------------------------------------

#[derive(Queryable)]
pub struct MemberRow {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Template)]
#[template(path = "admin/members.html")]
struct MembersPage {
    chrome: Chrome,
    members: Vec<MemberRow>,
    page: i64,
    more: bool,
}

const MEMBERS_PER_PAGE: i64 = 50;

pub async fn members(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let page = query.number();
    let mut members = db::run(&state.pool, move |conn| {
        Ok(users::table
            .order((users::created_at.desc(), users::id.desc()))
            .select((users::id, users::display_name, users::email, users::is_admin, users::created_at))
            .limit(MEMBERS_PER_PAGE + 1)
            .offset((page - 1) * MEMBERS_PER_PAGE)
            .load::<MemberRow>(conn)?)
    })
    .await?;
    let more = members.len() as i64 > MEMBERS_PER_PAGE;
    members.truncate(MEMBERS_PER_PAGE as usize);
    html(&MembersPage { chrome: ctx.chrome(), members, page, more })
}

/// A group as a checkbox on the member page.
pub struct GroupChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/member.html")]
struct MemberPage {
    chrome: Chrome,
    member: crate::accounts::Account,
    groups: Vec<GroupChoice>,
    saved: bool,
    signed_out: bool,
    two_factor_reset: bool,
    /// How many browsers the member is signed in on.
    sessions: usize,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
    signed_out: Option<String>,
    two_factor_reset: Option<String>,
}

pub async fn member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let member_id = id(&path)?;
    let (member, groups, memberships, sessions) = db::run(&state.pool, move |conn| {
        Ok((
            crate::accounts::find(conn, member_id)?,
            crate::groups::all(conn)?,
            crate::groups::memberships_of(conn, member_id)?,
            crate::accounts::active_sessions(conn, member_id)?.len(),
        ))
    })
    .await?;
    let groups = groups
        .into_iter()
        .map(|g| GroupChoice {
            checked: memberships.iter().any(|m| m.group_id == g.id && m.moderates()),
            id: g.id,
            name: g.name,
        })
        .collect();
    html(&MemberPage {
        chrome: ctx.chrome(),
        member,
        groups,
        saved: query.saved.is_some(),
        signed_out: query.signed_out.is_some(),
        two_factor_reset: query.two_factor_reset.is_some(),
        sessions,
    })
}

/// Sets which groups the member moderates (`moderates=<group id>`, repeated).
pub async fn update_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let member_id = id(&path)?;
    let group_ids: Vec<i64> =
        form.iter().filter(|(k, _)| k == "moderates").filter_map(|(_, v)| v.parse().ok()).collect();
    db::write(&state.pool, move |conn| {
        crate::accounts::find(conn, member_id)?;
        let known: Vec<i64> = crate::groups::all(conn)?.into_iter().map(|g| g.id).collect();
        let chosen: Vec<i64> = group_ids.into_iter().filter(|g| known.contains(g)).collect();
        crate::groups::set_moderated_groups(conn, member_id, &chosen)?;
        let detail = format!("moderates groups {chosen:?}");
        crate::site::audit(conn, Some(admin_id), "set_moderator_groups", "user", member_id, &detail)?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/admin/members/{member_id}?saved=1")))
}

/// `POST /admin/members/{id}/sessions`: signs the member out everywhere (a lost phone, a
/// compromised account). Recorded in the audit log.
pub async fn end_member_sessions(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let member_id = id(&path)?;
    db::write(&state.pool, move |conn| {
        crate::accounts::find(conn, member_id)?;
        crate::accounts::end_all_sessions(conn, member_id)?;
        crate::site::audit(conn, Some(admin_id), "end_sessions", "user", member_id, "signed out everywhere")?;
        Ok(())
    })
    .await?;
    tracing::info!(event = "sessions_ended_by_admin", admin_id, member_id, "admin ended a member's sessions");
    Ok(see_other(&format!("/admin/members/{member_id}?signed_out=1")))
}

// ---- ground rules --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/rules.html")]
struct RulesFormPage {
    chrome: Chrome,
    errors: FormErrors,
    body: String,
    version: i32,
}

pub async fn rules_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let current = db::run(&state.pool, |conn| Ok(crate::site::current_rules(conn)?)).await?;
    let (body, version) = current.map(|r| (r.body_md, r.version)).unwrap_or_default();
    html(&RulesFormPage { chrome: ctx.chrome(), errors: FormErrors::default(), body, version })
}

#[derive(Deserialize)]
pub struct RulesForm {
    #[serde(default)]
    body: String,
}

/// Publishes a new version; every member is asked to accept it on their next visit.
pub async fn publish_rules(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<RulesForm>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let body = form.into_inner().body;
    let length = body.trim().chars().count();
    if length == 0 || length > 20_000 {
        let mut errors = FormErrors::default();
        errors.add("body", "Write the ground rules (up to 20 000 characters).");
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &RulesFormPage { chrome: ctx.chrome(), errors, body, version: ctx.rules_version },
        );
    }
    db::write(&state.pool, move |conn| {
        let version = crate::site::publish_rules(conn, &body, Some(admin_id))?;
        // Publishing them is accepting them.
        crate::accounts::accept_rules(conn, admin_id, version)?;
        crate::site::audit(conn, Some(admin_id), "publish_rules", "site_rules", i64::from(version), "")?;
        Ok(())
    })
    .await?;
    Ok(see_other("/rules"))
}

// ---- ground-rule checks --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/rules_checks.html")]
struct RuleChecksPage {
    chrome: Chrome,
    rules: Vec<crate::moderation::rules::Rule>,
    groups: Vec<Group>,
    errors: FormErrors,
    fields: crate::moderation::rules::RuleFields,
}

impl RuleChecksPage {
    fn kinds(&self) -> &'static [(&'static str, &'static str)] {
        &crate::moderation::rules::KINDS
    }
    fn actions(&self) -> &'static [(&'static str, &'static str)] {
        &crate::moderation::rules::Action::ALL
    }
    fn ground_rules(&self) -> &'static [(&'static str, &'static str)] {
        &crate::moderation::GROUND_RULES
    }
    fn group_names(&self, ids: &str) -> String {
        if ids.trim().is_empty() {
            return "every group".to_owned();
        }
        self.groups
            .iter()
            .filter(|g| ids.split(',').any(|i| i.trim().parse() == Ok(g.id)))
            .map(|g| g.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn rule_checks_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    fields: crate::moderation::rules::RuleFields,
) -> Result<HttpResponse, AppError> {
    let (rules, groups) =
        db::run(&state.pool, |conn| Ok((crate::moderation::rules::all(conn)?, crate::groups::all(conn)?))).await?;
    render(status, &RuleChecksPage { chrome: ctx.chrome(), rules, groups, errors, fields })
}

/// `/admin/rules`: the checks that enforce the ground rules, and a form to add one.
pub async fn rules(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let fields =
        crate::moderation::rules::RuleFields { kind: "phrase".into(), action: "hold".into(), ..Default::default() };
    rule_checks_page(&ctx, &state, StatusCode::OK, FormErrors::default(), fields).await
}

/// Adds a check (`groups=<id>` repeated limits it to those groups).
pub async fn create_rule(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let fields = crate::moderation::rules::RuleFields {
        kind: field("kind"),
        pattern: field("pattern"),
        action: field("action"),
        ground_rule: field("ground_rule"),
        message: field("message"),
        group_ids: form
            .iter()
            .filter(|(k, _)| k == "groups")
            .filter_map(|(_, v)| v.parse::<i64>().ok())
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(","),
        newcomers_only: !field("newcomers_only").is_empty(),
    };
    let mut errors = FormErrors::default();
    for (name, message) in fields.problems() {
        errors.add(name, message);
    }
    if !errors.is_empty() {
        return rule_checks_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, errors, fields).await;
    }
    db::write(&state.pool, move |conn| {
        crate::moderation::rules::create(conn, &fields)?;
        crate::site::audit(
            conn,
            Some(admin_id),
            "create_rule",
            "rule",
            0,
            &format!("{} {}", fields.kind, fields.pattern),
        )?;
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/rules"))
}

#[derive(Deserialize)]
pub struct ToggleForm {
    enabled: String,
}

/// Switches a check on or off.
pub async fn toggle_rule(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ToggleForm>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let rule_id = id(&path)?;
    let enabled = form.enabled == "yes";
    db::write(&state.pool, move |conn| {
        if crate::moderation::rules::set_enabled(conn, rule_id, enabled)? == 0 {
            return Err(AppError::NotFound);
        }
        let action = if enabled { "enable_rule" } else { "disable_rule" };
        crate::site::audit(conn, Some(admin_id), action, "rule", rule_id, "")?;
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/rules"))
}

// ---- canned notes for rejections -------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/canned_notes.html")]
struct CannedNotesPage {
    chrome: Chrome,
    notes: Vec<crate::moderation::canned::CannedNote>,
    errors: FormErrors,
    /// The note whose form `errors` belong to (`None`: the new-note form), and what was typed.
    editing: Option<i64>,
    title: String,
    body: String,
}

async fn canned_notes_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    (editing, title, body): (Option<i64>, String, String),
) -> Result<HttpResponse, AppError> {
    let notes = db::run(&state.pool, |conn| Ok(crate::moderation::canned::all(conn)?)).await?;
    render(status, &CannedNotesPage { chrome: ctx.chrome(), notes, errors, editing, title, body })
}

pub async fn canned_notes(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    canned_notes_page(&ctx, &state, StatusCode::OK, FormErrors::default(), (None, String::new(), String::new())).await
}

#[derive(Deserialize)]
pub struct CannedNoteForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// Adds (`/admin/canned-notes`), saves or deletes (`/admin/canned-notes/{id}`) a canned note.
async fn save_canned_note(
    ctx: Ctx,
    state: &AppState,
    note_id: Option<i64>,
    form: CannedNoteForm,
) -> Result<HttpResponse, AppError> {
    use crate::moderation::canned;
    let admin_id = ctx.require_admin()?.account.id;
    let delete = form.action == "delete";
    let mut errors = FormErrors::default();
    if !delete {
        for (field, message) in canned::problems(&form.title, &form.body) {
            errors.add(field, message);
        }
    }
    if !errors.is_empty() {
        let typed = (note_id, form.title, form.body);
        return canned_notes_page(&ctx, state, StatusCode::UNPROCESSABLE_ENTITY, errors, typed).await;
    }
    db::write(&state.pool, move |conn| {
        let (id, detail) = match note_id {
            None => (canned::create(conn, &form.title, &form.body)?, "added"),
            Some(id) if delete => (id, if canned::delete(conn, id)? { "deleted" } else { "" }),
            Some(id) => (id, if canned::update(conn, id, &form.title, &form.body)? { "changed" } else { "" }),
        };
        if detail.is_empty() {
            return Err(AppError::NotFound);
        }
        crate::site::audit(conn, Some(admin_id), "canned_note", "canned_note", id, detail)?;
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/canned-notes"))
}

pub async fn create_canned_note(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<CannedNoteForm>,
) -> Result<HttpResponse, AppError> {
    save_canned_note(ctx, &state, None, form.into_inner()).await
}

pub async fn update_canned_note(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CannedNoteForm>,
) -> Result<HttpResponse, AppError> {
    save_canned_note(ctx, &state, Some(id(&path)?), form.into_inner()).await
}

// ---- email that could not be delivered -------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    chrome: Chrome,
    failed: Vec<crate::mail::FailedMail>,
    waiting: i64,
}

/// `/admin/mail`: emails that failed for good, with the error, and a button to try again.
pub async fn mail(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let (failed, waiting) =
        db::run(&state.pool, |conn| Ok((crate::mail::failed(conn)?, crate::mail::waiting(conn)?))).await?;
    html(&MailPage { chrome: ctx.chrome(), failed, waiting })
}

pub async fn retry_mail(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let mail_id = id(&path)?;
    db::write(&state.pool, move |conn| {
        if !crate::mail::retry(conn, mail_id)? {
            return Err(AppError::NotFound);
        }
        crate::site::audit(conn, Some(admin_id), "retry_mail", "mail", mail_id, "")?;
        Ok(())
    })
    .await?;
    state.mail_wake.notify_one();
    Ok(see_other("/admin/mail"))
}

// ---- helplines ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/helplines.html")]
struct HelplinesPage {
    chrome: Chrome,
    list: Vec<crate::moderation::helplines::Helpline>,
    errors: FormErrors,
    /// The line whose form has the errors (`None`: the new one), and what was typed.
    editing: Option<i64>,
    fields: crate::moderation::helplines::HelplineFields,
}

impl HelplinesPage {
    fn kinds(&self) -> [(&'static str, &'static str); 6] {
        crate::moderation::safeguarding::UrgentKind::ALL.map(|k| (k.as_str(), k.describe()))
    }

    fn has_kind(&self, kinds: &str, kind: &str) -> bool {
        kinds.split(',').any(|k| k == kind)
    }
}

async fn helplines_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    editing: Option<i64>,
    fields: crate::moderation::helplines::HelplineFields,
) -> Result<HttpResponse, AppError> {
    let list = db::run(&state.pool, |conn| Ok(crate::moderation::helplines::all(conn)?)).await?;
    render(status, &HelplinesPage { chrome: ctx.chrome(), list, errors, editing, fields })
}

/// `/admin/helplines`: the numbers that are never personal information, and the help offered
/// to authors of urgent posts.
pub async fn helplines(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    helplines_page(&ctx, &state, StatusCode::OK, FormErrors::default(), None, Default::default()).await
}

/// Adds (`/admin/helplines`), saves or deletes (`/admin/helplines/{id}`) a helpline.
async fn save_helpline(
    ctx: Ctx,
    state: &AppState,
    line_id: Option<i64>,
    form: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    use crate::moderation::helplines::{self, HelplineFields};
    let admin_id = ctx.require_admin()?.account.id;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let delete = field("action") == "delete";
    let fields = HelplineFields {
        name: field("name"),
        number: field("number"),
        note: field("note"),
        kinds: form.iter().filter(|(k, _)| k == "kinds").map(|(_, v)| v.clone()).collect(),
        position: field("position").trim().parse().unwrap_or(100),
    };
    let mut errors = FormErrors::default();
    if !delete {
        for (name, message) in fields.problems() {
            errors.add(name, message);
        }
    }
    if !errors.is_empty() {
        return helplines_page(&ctx, state, StatusCode::UNPROCESSABLE_ENTITY, errors, line_id, fields).await;
    }
    db::write(&state.pool, move |conn| {
        let (id, detail) = match line_id {
            None => (helplines::create(conn, &fields)?, "added"),
            Some(id) if delete => (id, if helplines::delete(conn, id)? { "deleted" } else { "" }),
            Some(id) => (id, if helplines::update(conn, id, &fields)? { "changed" } else { "" }),
        };
        if detail.is_empty() {
            return Err(AppError::NotFound);
        }
        crate::site::audit(conn, Some(admin_id), "helpline", "helpline", id, &format!("{detail}: {}", fields.name))?;
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/helplines"))
}

pub async fn create_helpline(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    save_helpline(ctx, &state, None, form.into_inner()).await
}

pub async fn update_helpline(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    save_helpline(ctx, &state, Some(id(&path)?), form.into_inner()).await
}

// ---- tunable numbers ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    /// (key, meaning, value as shown, lowest, highest)
    rows: Vec<(&'static str, &'static str, String, i64, i64)>,
    errors: FormErrors,
    saved: bool,
}

/// `/admin/settings`: the numbers moderation runs by.
pub async fn settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let values = db::run(&state.pool, |conn| {
        let mut values = Vec::new();
        for (key, ..) in crate::site::TUNABLES {
            values.push(crate::site::tunable(conn, key)?.to_string());
        }
        Ok(values)
    })
    .await?;
    let rows = crate::site::TUNABLES.iter().zip(values).map(|(t, v)| (t.0, t.1, v, t.3, t.4)).collect();
    html(&SettingsPage { chrome: ctx.chrome(), rows, errors: FormErrors::default(), saved: query.saved.is_some() })
}

pub async fn save_settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for &(key, meaning, _, low, high) in &crate::site::TUNABLES {
        // A setting the form did not send (say, one added since the page was loaded) stays as it is.
        let Some(typed) = form.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()) else {
            continue;
        };
        match typed.parse::<i64>() {
            Ok(n) if (low..=high).contains(&n) => values.push((key, n)),
            _ => errors.add(key, format!("Write a whole number from {low} to {high}.")),
        }
        rows.push((key, meaning, typed, low, high));
    }
    if !errors.is_empty() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage { chrome: ctx.chrome(), rows, errors, saved: false },
        );
    }
    db::write(&state.pool, move |conn| {
        for (key, value) in values {
            if crate::site::tunable(conn, key)? != value {
                crate::site::put_setting(conn, key, &value.to_string())?;
                crate::site::audit(conn, Some(admin_id), "setting", "setting", value, key)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/settings?saved=1"))
}
