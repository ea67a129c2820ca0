//! Topic groups: who may see them, membership and join requests, and the seeded defaults.

use diesel::prelude::*;

use crate::db::schema::{group_members, groups, users};
use crate::db::{self, AnyConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Anyone may read; signed-in members post.
    Open,
    /// Signed-in members read and post.
    Members,
    /// Only approved group members read and post; joining is a request a moderator decides.
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Open, Visibility::Members, Visibility::Private];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Open => "open",
            Visibility::Members => "members",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Who can read, in words for the home page.
    pub fn describe(self) -> &'static str {
        match self {
            Visibility::Open => "Anyone can read; members can post",
            Visibility::Members => "Signed-in members can read and post",
            Visibility::Private => "Private: members ask to join",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = groups)]
pub struct Group {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub rules_md: String,
    pub rules_html: String,
    pub visibility: String,
    pub position: i32,
    pub topic_count: i64,
    pub post_count: i64,
    pub last_activity_at: Option<chrono::NaiveDateTime>,
    /// `post_moderate`, `newcomers` or `all` (see `moderation::Policy`).
    pub moderation_policy: String,
    pub newcomer_posts: i32,
    /// Members may mark a new topic as a question for a professional.
    pub pro_questions: bool,
    /// Urgent posts wait for a moderator here, even without plan or method details.
    pub hold_urgent: bool,
}

impl Group {
    pub fn visibility(&self) -> Visibility {
        // Unknown values (never written by this code) are treated as the most restrictive.
        Visibility::parse(&self.visibility).unwrap_or(Visibility::Private)
    }
}

/// A member's standing in one group.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Membership {
    pub group_id: i64,
    pub role: String,
    pub status: String,
}

pub const ROLE_MEMBER: &str = "member";
pub const ROLE_MODERATOR: &str = "moderator";
pub const STATUS_APPROVED: &str = "approved";
pub const STATUS_PENDING: &str = "pending";

impl Membership {
    pub fn approved(&self) -> bool {
        self.status == STATUS_APPROVED
    }
    pub fn moderates(&self) -> bool {
        self.approved() && self.role == ROLE_MODERATOR
    }
}

pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Group>> {
    groups::table.order((groups::position.asc(), groups::id.asc())).select(Group::as_select()).load(conn)
}

pub fn by_slug(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<Group>> {
    groups::table.filter(groups::slug.eq(slug)).select(Group::as_select()).first(conn).optional()
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> QueryResult<Group> {
    groups::table.find(id).select(Group::as_select()).first(conn)
}

pub fn memberships_of(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<Membership>> {
    group_members::table
        .filter(group_members::user_id.eq(user_id))
        .select((group_members::group_id, group_members::role, group_members::status))
        .load(conn)
}

/// Asks to join (private groups) or joins (others). Returns the new status.
pub fn join(conn: &mut AnyConnection, group: &Group, user_id: i64) -> QueryResult<&'static str> {
    let existing: Option<String> = group_members::table
        .filter(group_members::group_id.eq(group.id))
        .filter(group_members::user_id.eq(user_id))
        .select(group_members::status)
        .first(conn)
        .optional()?;
    if let Some(status) = existing {
        return Ok(if status == STATUS_APPROVED { STATUS_APPROVED } else { STATUS_PENDING });
    }
    let status = if group.visibility() == Visibility::Private { STATUS_PENDING } else { STATUS_APPROVED };
    let inserted = diesel::insert_into(group_members::table)
        .values((
            group_members::group_id.eq(group.id),
            group_members::user_id.eq(user_id),
            group_members::role.eq(ROLE_MEMBER),
            group_members::status.eq(status),
            group_members::created_at.eq(db::now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(status),
        // A second click raced the first: the first one's row stands.
        Err(e) if db::is_unique_violation(&e) => Ok(STATUS_PENDING),
        Err(e) => Err(e),
    }
}

/// A pending request to join a private group, for the moderators' list.
#[derive(Debug, Clone, Queryable)]
pub struct JoinRequest {
    pub id: i64,
    pub group_name: String,
    pub group_id: i64,
    pub display_name: String,
    pub created_at: chrono::NaiveDateTime,
}

/// Pending join requests in the given groups (`None` = every group, for admins), oldest first.
pub fn pending_requests(conn: &mut AnyConnection, group_ids: Option<&[i64]>) -> QueryResult<Vec<JoinRequest>> {
    let mut query = group_members::table
        .inner_join(groups::table)
        .inner_join(users::table.on(users::id.eq(group_members::user_id)))
        .filter(group_members::status.eq(STATUS_PENDING))
        .order((group_members::created_at.asc(), group_members::id.asc()))
        .select((group_members::id, groups::name, groups::id, users::display_name, group_members::created_at))
        .limit(200)
        .into_boxed();
    if let Some(ids) = group_ids {
        query = query.filter(group_members::group_id.eq_any(ids.to_vec()));
    }
    query.load(conn)
}

/// The group a membership row belongs to, if it is still pending.
pub fn pending_request_group(conn: &mut AnyConnection, request_id: i64) -> QueryResult<Option<(i64, i64)>> {
    group_members::table
        .find(request_id)
        .filter(group_members::status.eq(STATUS_PENDING))
        .select((group_members::group_id, group_members::user_id))
        .first(conn)
        .optional()
}

pub fn decide_request(conn: &mut AnyConnection, request_id: i64, approve: bool, decided_by: i64) -> QueryResult<()> {
    if approve {
        diesel::update(group_members::table.find(request_id))
            .set((
                group_members::status.eq(STATUS_APPROVED),
                group_members::decided_by.eq(decided_by),
                group_members::decided_at.eq(db::now()),
            ))
            .execute(conn)?;
    } else {
        diesel::delete(group_members::table.find(request_id)).execute(conn)?;
    }
    Ok(())
}

/// Makes `user_id` a moderator of exactly `group_ids` (and an ordinary member elsewhere).
pub fn set_moderated_groups(conn: &mut AnyConnection, user_id: i64, group_ids: &[i64]) -> QueryResult<()> {
    diesel::update(
        group_members::table.filter(group_members::user_id.eq(user_id)).filter(group_members::role.eq(ROLE_MODERATOR)),
    )
    .set(group_members::role.eq(ROLE_MEMBER))
    .execute(conn)?;
    for &group_id in group_ids {
        let updated = diesel::update(
            group_members::table
                .filter(group_members::user_id.eq(user_id))
                .filter(group_members::group_id.eq(group_id)),
        )
        .set((group_members::role.eq(ROLE_MODERATOR), group_members::status.eq(STATUS_APPROVED)))
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(group_members::table)
                .values((
                    group_members::group_id.eq(group_id),
                    group_members::user_id.eq(user_id),
                    group_members::role.eq(ROLE_MODERATOR),
                    group_members::status.eq(STATUS_APPROVED),
                    group_members::created_at.eq(db::now()),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// What an admin fills in to create or change a group.
#[derive(Debug, Clone, Default)]
pub struct GroupFields {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub rules_md: String,
    pub visibility: String,
    /// `post_moderate`, `newcomers` or `all`.
    pub moderation_policy: String,
    pub newcomer_posts: i32,
    pub pro_questions: bool,
    pub hold_urgent: bool,
}

pub const POLICIES: [(&str, &str); 3] = [
    ("post_moderate", "Posts go live at once unless a check holds them"),
    ("newcomers", "New members' first posts wait for a moderator"),
    ("all", "Every post waits for a moderator"),
];

impl GroupFields {
    /// Field-by-field problems, in words for the admin.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let slug_ok = (2..=40).contains(&self.slug.len())
            && self.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            out.push(("slug", "Use 2 to 40 lower-case letters, digits and hyphens for the address."));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 60 {
            out.push(("name", "Give the group a name of at most 60 characters."));
        }
        if self.description.trim().is_empty() || self.description.chars().count() > 500 {
            out.push(("description", "Describe the group in at most 500 characters."));
        }
        if self.rules_md.chars().count() > 5000 {
            out.push(("rules_md", "Keep the group's rules under 5000 characters."));
        }
        if Visibility::parse(&self.visibility).is_none() {
            out.push(("visibility", "Choose who can read the group."));
        }
        if !POLICIES.iter().any(|(p, _)| *p == self.moderation_policy) {
            out.push(("moderation_policy", "Choose how posts are moderated."));
        }
        if !(1..=50).contains(&self.newcomer_posts) {
            out.push(("newcomer_posts", "Hold between 1 and 50 of a new member's first posts."));
        }
        out
    }
}

pub fn slug_taken(conn: &mut AnyConnection, slug: &str, except_id: Option<i64>) -> QueryResult<bool> {
    let ids: Vec<i64> = groups::table.filter(groups::slug.eq(slug)).select(groups::id).load(conn)?;
    Ok(ids.into_iter().any(|id| Some(id) != except_id))
}

pub fn create(conn: &mut AnyConnection, f: &GroupFields) -> QueryResult<i64> {
    let position: Option<i32> = groups::table.select(diesel::dsl::max(groups::position)).first(conn)?;
    diesel::insert_into(groups::table)
        .values((
            groups::slug.eq(&f.slug),
            groups::name.eq(f.name.trim()),
            groups::description.eq(f.description.trim()),
            groups::rules_md.eq(&f.rules_md),
            groups::rules_html.eq(crate::markdown::render(&f.rules_md)),
            groups::visibility.eq(&f.visibility),
            groups::moderation_policy.eq(&f.moderation_policy),
            groups::newcomer_posts.eq(f.newcomer_posts),
            groups::pro_questions.eq(f.pro_questions),
            groups::hold_urgent.eq(f.hold_urgent),
            groups::position.eq(position.unwrap_or(0) + 1),
            groups::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    groups::table.filter(groups::slug.eq(&f.slug)).select(groups::id).first(conn)
}

pub fn update(conn: &mut AnyConnection, id: i64, f: &GroupFields) -> QueryResult<()> {
    diesel::update(groups::table.find(id))
        .set((
            groups::slug.eq(&f.slug),
            groups::name.eq(f.name.trim()),
            groups::description.eq(f.description.trim()),
            groups::rules_md.eq(&f.rules_md),
            groups::rules_html.eq(crate::markdown::render(&f.rules_md)),
            groups::visibility.eq(&f.visibility),
            groups::moderation_policy.eq(&f.moderation_policy),
            groups::newcomer_posts.eq(f.newcomer_posts),
            groups::pro_questions.eq(f.pro_questions),
            groups::hold_urgent.eq(f.hold_urgent),
        ))
        .execute(conn)
        .map(drop)
}
