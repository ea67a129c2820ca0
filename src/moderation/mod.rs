//! The one door every new topic, reply and edit passes through before it is stored.
//!
//! `screen` decides whether a draft goes live, waits for a moderator, or is sent back to its
//! author, and reports why: confidentiality findings, safeguarding, and the group's policy.
//! Moderators' decisions on held posts go through `actions`.

pub mod actions;
pub mod canned;
pub mod case_discussion;
pub mod detect;
pub mod evaluation;
pub mod flags;
pub mod helplines;
mod names;
pub mod queue;
pub mod rules;
pub mod safeguarding;
pub mod safeguarding_eval;
pub mod safeguarding_model;

use serde::{Deserialize, Serialize};

use crate::accounts::Account;
use crate::groups::Group;

/// What the author is submitting.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    /// Present for a new topic or an edit of an opening post.
    pub title: Option<&'a str>,
    pub body: &'a str,
}

/// Where a draft goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Live,
    /// Stored, but shown to others only after a moderator approves it.
    Held,
    /// Not stored: the author sees why at once, with their text still in the form.
    Blocked,
}

/// One reason behind a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    /// Character offsets (Unicode scalar values) into the body, or the title if `in_title`.
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub in_title: bool,
    pub severity: String,
    pub message_for_author: String,
    pub message_for_moderator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    /// Present when the post belongs in the urgent lane.
    pub urgency: Option<safeguarding::Urgency>,
    /// The title and body to store, when a censor rule changed them.
    pub censored_title: Option<String>,
    pub censored_body: Option<String>,
    /// A flag rule matched: the post goes live and moderators are asked to look.
    pub flag_for_review: bool,
}

impl Decision {
    /// The post status this decision stores (blocked drafts are never stored).
    pub fn post_status(&self) -> crate::posting::PostStatus {
        match self.outcome {
            Outcome::Live => crate::posting::PostStatus::Live,
            Outcome::Held | Outcome::Blocked => crate::posting::PostStatus::Pending,
        }
    }

    pub fn findings_json(&self) -> String {
        serde_json::to_string(&self.findings).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Where to get help now, when the post reads as urgent (pages show it in a warning callout).
    pub fn urgent_help(&self) -> Option<&str> {
        self.findings.iter().find(|f| f.rule == "safeguarding").map(|f| f.message_for_author.as_str())
    }

    /// What the author is told at once about a held post, one line per reason.
    pub fn messages_for_author(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.findings {
            if !out.contains(&f.message_for_author) {
                out.push(f.message_for_author.clone());
            }
        }
        out
    }
}

/// The site's ground rules, as moderators cite them (short name, words for the author).
pub const GROUND_RULES: [(&str, &str); 5] = [
    ("be-respectful", "Be respectful"),
    ("be-helpful", "Be helpful"),
    ("protect-personal-health-information", "Protect personal health information"),
    ("no-derogatory-or-defamatory-content", "No derogatory or defamatory content"),
    ("no-spam", "No spam"),
];

pub fn ground_rule_title(rule: &str) -> Option<&'static str> {
    GROUND_RULES.iter().find(|(slug, _)| *slug == rule).map(|(_, title)| *title)
}

/// Where to get help now, shown to the author of an urgent post at once.
pub const HELP_NOW: &str = "If you are in danger or need help now, please call 999. You can talk to the \
     Samaritans any time, free, on 116 123. For urgent medical help call NHS 111, or your chemotherapy \
     helpline if you are on treatment. A moderator will read your post very soon.";

/// How a group decides what goes live without a moderator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Live unless a check holds it.
    PostModerate,
    /// A member's first N approved posts in the group are held.
    Newcomers(i32),
    /// Everything is held.
    All,
}

impl Policy {
    pub fn of(group: &Group) -> Self {
        match group.moderation_policy.as_str() {
            "all" => Policy::All,
            "newcomers" => Policy::Newcomers(group.newcomer_posts),
            _ => Policy::PostModerate,
        }
    }
}

/// The author as the policy sees them.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub account: &'a Account,
    /// Moderators (and admins) of the group are trusted with their own posts.
    pub moderates_group: bool,
    /// A verified clinician: their case discussion is held (see `case_discussion`).
    pub clinician: bool,
}

/// What the checks say about a text on their own, before group policy and author trust: the
/// personal information found, whether it is urgent, and the resulting decision.
/// `forum check` prints this; `screen` will add policy on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub spans: Vec<detect::Span>,
    pub urgency: Option<safeguarding::Urgency>,
    pub decision: Outcome,
    /// The ground rules engaged, by short name.
    pub rules: Vec<&'static str>,
}

/// Runs the confidentiality detectors and the safeguarding check on `text`.
pub fn assess(text: &str, allow: &detect::Allow) -> Assessment {
    let spans = detect::detect(text, allow);
    let urgency = safeguarding::assess(text);
    let mut rules = Vec::new();
    if !spans.is_empty() {
        rules.push("protect-personal-health-information");
    }
    if urgency.is_some() {
        rules.push("safeguarding");
    }
    // Personal information waits for a moderator, and so does an urgent post with plan or
    // method details; any other urgent post stays live (peers' replies matter, and a false
    // alarm must not silence anyone) and leads the moderators' lane.
    let holds = !spans.is_empty() || urgency.as_ref().is_some_and(safeguarding::Urgency::names_a_plan);
    let decision = if holds { Outcome::Held } else { Outcome::Live };
    Assessment { spans, urgency, decision, rules }
}

/// What screening needs from the database: allowances (members' display names mentioned in the
/// text are pseudonyms, not personal information) and the enabled ground-rule checks.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub allow: detect::Allow,
    pub rules: Vec<rules::Rule>,
    /// Posts and edits by the author in the last [`FLOOD_WINDOW_MINUTES`].
    pub recent_posts: i64,
    /// The author posted exactly this text in the last day, as one of their latest
    /// [`DUPLICATE_LOOKBACK`] posts.
    pub duplicate: bool,
    /// The helplines admins keep (offered to authors of urgent posts).
    pub helplines: Vec<helplines::Helpline>,
}

/// Flood control: how many posts fit in the window (newcomers, then everyone else).
pub const FLOOD_WINDOW_MINUTES: i64 = 10;
pub const FLOOD_LIMIT_NEWCOMER: i64 = 3;
pub const FLOOD_LIMIT: i64 = 10;
/// How many of the author's latest posts a new one is compared with.
pub const DUPLICATE_LOOKBACK: i64 = 20;

/// Screens a draft by `author` for `group`; build `context` with [`context_for`].
pub fn screen(draft: Draft<'_>, author: Author<'_>, group: &Group, context: &Context) -> Decision {
    let allow = &context.allow;
    let text = match draft.title {
        Some(title) => format!("{title}\n{}", draft.body),
        None => draft.body.to_owned(),
    };
    let urgency = safeguarding::assess(&text);
    // Flood control never slows a moderator of the group, and never drops an urgent post.
    if !author.moderates_group && urgency.is_none() {
        let limit = if author.account.trust() < 3 { FLOOD_LIMIT_NEWCOMER } else { FLOOD_LIMIT };
        let flood = if context.duplicate {
            Some(
                "You have already posted exactly this. If it has not appeared yet, it may be waiting for a moderator."
                    .to_owned(),
            )
        } else if context.recent_posts >= limit {
            Some(format!(
                "You are posting very quickly. Please wait a few minutes and send it again: your text is kept below. (Up to {limit} posts every {FLOOD_WINDOW_MINUTES} minutes.)"
            ))
        } else {
            None
        };
        if let Some(message) = flood {
            let finding = Finding {
                rule: "flood-control".into(),
                start: 0,
                end: 0,
                in_title: false,
                severity: "block".into(),
                message_for_author: message,
                message_for_moderator: "flood control".into(),
            };
            return Decision {
                outcome: Outcome::Blocked,
                findings: vec![finding],
                urgency: None,
                censored_title: None,
                censored_body: None,
                flag_for_review: false,
            };
        }
    }

    // Censor first, so every offset below refers to the text that will be stored.
    let newcomer = !author.moderates_group && author.account.trust() < 3;
    let censored = |part: &str| {
        let hits = rules::check(&context.rules, part, group.id, newcomer);
        hits.iter().any(|h| h.action == rules::Action::Censor).then(|| rules::censor(part, &hits))
    };
    let censored_title = draft.title.and_then(censored);
    let censored_body = censored(draft.body);
    let title = censored_title.as_deref().or(draft.title);
    let body = censored_body.as_deref().unwrap_or(draft.body);

    // Title and body are checked apart, so each finding's offsets belong to one of them.
    let mut findings = Vec::new();
    let parts = title.map(|t| (t, true)).into_iter().chain(std::iter::once((body, false)));
    let mut strongest = None;
    for (part, in_title) in parts {
        for span in detect::detect(part, allow) {
            findings.push(Finding {
                rule: "protect-personal-health-information".into(),
                start: span.start,
                end: span.end,
                in_title,
                severity: "hold".into(),
                message_for_author: format!(
                    "This looks like {}. Everyone in the group can read your post — please remove it.",
                    span.kind.describe()
                ),
                message_for_moderator: span.kind.as_str().into(),
            });
        }
        if author.clinician
            && let Some((start, end)) = case_discussion::find(part)
        {
            findings.push(Finding {
                rule: "protect-personal-health-information".into(),
                start,
                end,
                in_title,
                severity: "hold".into(),
                message_for_author:
                    "This may let a patient, or people who know them, recognise who you are describing. \
                    Please leave out when you saw them, their age, where they live and what they do."
                        .into(),
                message_for_moderator: "clinician case discussion".into(),
            });
        }
        for hit in rules::check(&context.rules, part, group.id, newcomer) {
            strongest = strongest.max(Some(hit.action));
            let severity = match hit.action {
                rules::Action::Block => "block",
                rules::Action::Hold => "hold",
                rules::Action::Flag => "flag",
                rules::Action::Censor => "censor",
            };
            findings.push(Finding {
                rule: hit.ground_rule.clone(),
                start: hit.start,
                end: hit.end,
                in_title,
                severity: severity.into(),
                message_for_author: hit.message.clone(),
                message_for_moderator: format!("rule {}", hit.rule_id),
            });
        }
    }
    if censored_title.is_some() || censored_body.is_some() {
        strongest = strongest.max(Some(rules::Action::Censor));
        findings.push(Finding {
            rule: "be-respectful".into(),
            start: 0,
            end: 0,
            in_title: false,
            severity: "censor".into(),
            message_for_author: "Some strong language was removed from your post.".into(),
            message_for_moderator: "censored".into(),
        });
    }
    if let Some(u) = &urgency {
        // Not hidden by default: only plan or method details, or a group that holds urgent
        // posts until seen, keep it off the page.
        let hold = u.names_a_plan() || group.hold_urgent;
        findings.push(Finding {
            rule: "safeguarding".into(),
            start: 0,
            end: 0,
            in_title: false,
            severity: if hold { "urgent" } else { "urgent_live" }.into(),
            message_for_author: if context.helplines.is_empty() {
                HELP_NOW.into()
            } else {
                helplines::help_for(&context.helplines, u.kind)
            },
            message_for_moderator: format!("{}: {}", u.kind.as_str(), u.signals.join(", ")),
        });
    }
    if !author.moderates_group {
        let policy_hold = match Policy::of(group) {
            Policy::PostModerate => None,
            Policy::All => Some("Posts in this group are read by a moderator before they appear.".to_owned()),
            Policy::Newcomers(n) if author.account.trust() < n => Some(if n == 1 {
                "A new member's first post is read by a moderator before it appears. Thank you for waiting.".to_owned()
            } else {
                format!(
                    "New members' first {n} posts are read by a moderator before they appear. Thank you for waiting."
                )
            }),
            Policy::Newcomers(_) => None,
        };
        if let Some(message) = policy_hold {
            findings.push(Finding {
                rule: "group-policy".into(),
                start: 0,
                end: 0,
                in_title: false,
                severity: "hold".into(),
                message_for_author: message,
                message_for_moderator: group.moderation_policy.clone(),
            });
        }
    }
    // An urgent post is never blocked: it goes to the urgent lane instead.
    let holds = findings.iter().any(|f| f.severity == "hold" || f.severity == "urgent");
    let outcome = if strongest == Some(rules::Action::Block) && urgency.is_none() {
        Outcome::Blocked
    } else if holds || strongest == Some(rules::Action::Block) {
        Outcome::Held
    } else {
        Outcome::Live
    };
    let flag_for_review = strongest == Some(rules::Action::Flag) && outcome == Outcome::Live;
    Decision { outcome, findings, urgency, censored_title, censored_body, flag_for_review }
}

/// Screening's context for `text`: the enabled rules, the default helplines, and the display
/// names of members that the text mentions (a PERSON span that is a member's pseudonym is not
/// personal data).
/// `editing`: the post being edited, which is not a duplicate of itself.
pub fn context_for(
    conn: &mut crate::db::AnyConnection,
    author_id: i64,
    editing: Option<i64>,
    body: &str,
    text: &str,
) -> diesel::QueryResult<Context> {
    use crate::db::schema::posts;
    use diesel::prelude::*;
    let now = crate::db::now();
    // Served by the posts_author index (author_id, created_at, id), and bounded: flood control
    // only needs to know whether the limit is reached, and the duplicate check looks at the
    // author's latest posts, so neither reads more rows for someone who posts a lot. An edit is
    // not a new post: a newcomer who just posted three times can still take their phone
    // number out of one.
    let recent_posts = match editing {
        Some(_) => 0,
        None => posts::table
            .filter(posts::author_id.eq(author_id))
            .filter(posts::created_at.gt(now - chrono::Duration::minutes(FLOOD_WINDOW_MINUTES)))
            .select(posts::id)
            .limit(FLOOD_LIMIT.max(FLOOD_LIMIT_NEWCOMER))
            .load::<i64>(conn)?
            .len() as i64,
    };
    // The duplicate check starts at the oldest of the author's latest posts of the day (two
    // queries of fixed shape, both prepared once).
    let day_ago = now - chrono::Duration::days(1);
    let mine_today = posts::table.filter(posts::author_id.eq(author_id)).filter(posts::created_at.gt(day_ago));
    let since: Option<chrono::NaiveDateTime> = mine_today
        .order((posts::created_at.desc(), posts::id.desc()))
        .select(posts::created_at)
        .offset(DUPLICATE_LOOKBACK - 1)
        .first(conn)
        .optional()?;
    // One lower bound on the time, so the index range starts there.
    let duplicate: bool = diesel::select(diesel::dsl::exists(
        posts::table
            .filter(posts::author_id.eq(author_id))
            .filter(posts::created_at.ge(since.unwrap_or(day_ago)))
            .filter(posts::id.ne(editing.unwrap_or(0)))
            .filter(posts::body_md.eq(body)),
    ))
    .get_result(conn)?;
    let helplines = helplines::all(conn)?;
    let allow = allow_for(conn, text, &helplines)?;
    Ok(Context { allow, rules: rules::enabled(conn)?, recent_posts, duplicate, helplines })
}

fn allow_for(
    conn: &mut crate::db::AnyConnection,
    text: &str,
    helplines: &[helplines::Helpline],
) -> diesel::QueryResult<detect::Allow> {
    use diesel::prelude::*;
    let mut allow = detect::Allow::with_default_helplines();
    allow.helplines.extend(helplines::digits(helplines));
    let chars: Vec<char> = text.chars().collect();
    let candidates: Vec<String> = detect::detect(text, &allow)
        .into_iter()
        .filter(|s| s.kind == detect::SpanType::Person)
        .map(|s| chars[s.start..s.end].iter().collect::<String>().to_lowercase())
        .collect();
    if !candidates.is_empty() {
        use crate::db::schema::users;
        allow.display_names = users::table
            .filter(users::display_name_key.eq_any(&candidates))
            .select(users::display_name_key)
            .load(conn)?;
    }
    Ok(allow)
}

/// What an author sees before posting: the post as it will look, and — if a check would hold
/// it — the flagged stretches highlighted with plain explanations.
#[derive(Debug, Clone)]
pub struct Preview {
    pub html: String,
    pub segments: Vec<queue::Segment>,
    pub messages: Vec<String>,
    pub outcome: Outcome,
}

impl Preview {
    pub fn new(body: &str, decision: &Decision) -> Self {
        Preview {
            html: crate::markdown::render(decision.censored_body.as_deref().unwrap_or(body)),
            segments: queue::segments(
                body,
                &decision.findings.iter().filter(|f| !f.in_title).cloned().collect::<Vec<_>>(),
            ),
            messages: decision.messages_for_author(),
            outcome: decision.outcome,
        }
    }

    pub fn held(&self) -> bool {
        self.outcome == Outcome::Held
    }

    pub fn has_highlights(&self) -> bool {
        self.segments.iter().any(|s| s.flag.is_some())
    }
}
