//! Notification emails: what happened, to whom, and whether they want to hear it. Each is
//! queued in the caller's transaction (with the event that causes it). By default an email says
//! *that* something happened and links to it; the health content itself stays on the forum
//! unless the member chose excerpts. Every one carries a one-click unsubscribe (RFC 8058).

use askama::Template;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::users;

/// Something a member may be emailed about.
#[derive(Debug, Clone)]
pub enum Notice {
    Approved {
        post_id: i64,
    },
    Rejected {
        post_id: i64,
        rule: String,
        note: Option<String>,
    },
    Redacted {
        post_id: i64,
        removed: String,
    },
    Reply {
        post_id: i64,
        excerpt: String,
    },
    NewTopic {
        topic_id: i64,
        group: String,
        excerpt: String,
    },
    /// `held`: waiting in the queue; otherwise live, in the reports lane.
    Urgent {
        post_id: i64,
        group: String,
        held: bool,
    },
    QueueWaiting {
        waiting: i64,
        minutes: i64,
    },
    QueueSummary {
        waiting: i64,
        urgent: i64,
    },
    Digest {
        period: &'static str,
        topics: Vec<(i64, String, String)>,
    },
    /// A verified clinician answered the member's question for a professional.
    ProfessionalAnswered {
        post_id: i64,
        profession: String,
    },
    /// An admin decided about the member's verification (or their badge).
    Verification {
        outcome: String,
    },
    /// The member's badge expires soon.
    BadgeExpiring {
        badge: String,
        until: String,
    },
}

struct Email {
    subject: String,
    paragraphs: Vec<String>,
    /// A path on the forum.
    link: String,
    link_text: &'static str,
}

impl Notice {
    /// The email for a member; `excerpts`: they asked for the words themselves.
    fn email(&self, excerpts: bool, base: &str) -> Email {
        let excerpt = |text: &str| -> Option<String> {
            (excerpts && !text.is_empty()).then(|| {
                let short: String = text.chars().take(300).collect();
                if short.len() < text.len() { format!("“{short}…”") } else { format!("“{short}”") }
            })
        };
        match self {
            Notice::Approved { post_id } => Email {
                subject: "Your post is live".into(),
                paragraphs: vec!["A moderator approved your post: everyone in its group can read it now.".into()],
                link: format!("/p/{post_id}/go"),
                link_text: "See your post",
            },
            Notice::Rejected { post_id, rule, note } => {
                let mut paragraphs =
                    vec![format!("A moderator did not approve your post. The ground rule it breaks: {rule}.")];
                if let Some(note) = note {
                    paragraphs.push(format!("The moderator says: {note}"));
                }
                paragraphs.push("Your text is kept: you can change it and send it again, or ask another moderator to look once more.".into());
                Email {
                    subject: "Your post was not approved yet".into(),
                    paragraphs,
                    link: format!("/p/{post_id}/edit"),
                    link_text: "Change it and send it again",
                }
            }
            Notice::Redacted { post_id, removed } => Email {
                subject: "Your post is live, without some personal details".into(),
                paragraphs: vec![format!(
                    "To protect your privacy a moderator removed personal information from your post before it went live: {removed}."
                )],
                link: format!("/p/{post_id}/go"),
                link_text: "See your post",
            },
            Notice::Reply { post_id, excerpt: text } => Email {
                subject: "There is a new reply in a topic you follow".into(),
                paragraphs: std::iter::once("Someone replied in a topic you follow.".to_owned())
                    .chain(excerpt(text))
                    .collect(),
                link: format!("/p/{post_id}/go"),
                link_text: "Read the reply",
            },
            // A group's name can be a diagnosis: without excerpts it stays out of the inbox too.
            Notice::NewTopic { topic_id, group, excerpt: text } => Email {
                subject: "A new topic in a group you watch".into(),
                paragraphs: std::iter::once(if excerpts {
                    format!("Someone started a new topic in {group}, which you watch.")
                } else {
                    "Someone started a new topic in a group you watch.".to_owned()
                })
                .chain(excerpt(text))
                .collect(),
                link: format!("/t/{topic_id}"),
                link_text: "Read the topic",
            },
            // Like a digest, the group's name stays out of the inbox without excerpts.
            Notice::Urgent { post_id, group, held } => Email {
                subject: "Urgent: a post needs a moderator now".into(),
                paragraphs: vec![format!(
                    "A post in {} is in the urgent lane: its author may be in danger or someone is worried about their safety. Please look at it as soon as you can.",
                    if excerpts { group.as_str() } else { "one of your groups" }
                )],
                link: if *held { format!("/mod/queue/{post_id}") } else { format!("/mod/reports/{post_id}") },
                link_text: "Open the post",
            },
            Notice::QueueWaiting { waiting, minutes } => Email {
                subject: "Posts are waiting for a moderator".into(),
                paragraphs: vec![format!(
                    "{waiting} held {} in your groups {} waited more than {minutes} minutes. Their authors are waiting too.",
                    if *waiting == 1 { "post" } else { "posts" },
                    if *waiting == 1 { "has" } else { "have" }
                )],
                link: "/mod/queue".into(),
                link_text: "Open the queue",
            },
            Notice::QueueSummary { waiting, urgent } => Email {
                subject: "Today's moderation queue".into(),
                paragraphs: vec![format!("{waiting} held posts are waiting in your groups, {urgent} of them urgent.")],
                link: "/mod/queue".into(),
                link_text: "Open the queue",
            },
            Notice::ProfessionalAnswered { post_id, profession } => Email {
                subject: format!("A verified {profession} answered your question"),
                paragraphs: vec![format!(
                    "A verified {profession} replied to the question you asked. You can read the answer, and mark the reply that helped you most."
                )],
                link: format!("/p/{post_id}/go"),
                link_text: "Read the answer",
            },
            Notice::Verification { outcome } => Email {
                subject: "About your professional badge".into(),
                paragraphs: vec![outcome.clone()],
                link: "/pro/apply".into(),
                link_text: "See your application",
            },
            Notice::BadgeExpiring { badge, until } => Email {
                subject: "Your professional badge expires soon".into(),
                paragraphs: vec![format!(
                    "Your badge as a verified {badge} expires on {until}. Ask us to check your registration again before then, and your badge carries on without a gap."
                )],
                link: "/pro/apply".into(),
                link_text: "Ask to be checked again",
            },
            Notice::Digest { period, topics } => Email {
                subject: format!("Your {period} digest: {} new topics", topics.len()),
                paragraphs: topics
                    .iter()
                    .map(|(id, group, title)| {
                        if excerpts {
                            format!("{group}: “{title}” {base}/t/{id}")
                        } else {
                            format!("A new topic: {base}/t/{id}")
                        }
                    })
                    .collect(),
                link: "/".into(),
                link_text: "Visit the forum",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "email/notice.txt")]
struct Text<'a> {
    display_name: &'a str,
    paragraphs: &'a [String],
    link_text: &'a str,
    link: &'a str,
    settings_link: &'a str,
    unsubscribe_link: &'a str,
}

#[derive(Template)]
#[template(path = "email/notice.html")]
struct Html<'a> {
    subject: &'a str,
    display_name: &'a str,
    paragraphs: &'a [String],
    link_text: &'a str,
    link: &'a str,
    settings_link: &'a str,
    unsubscribe_link: &'a str,
}

/// The unsubscribe token for a member: their id and a signature only this site can make.
fn sign_unsubscribe(key: &str, user_id: i64) -> String {
    let signature = crate::secrets::sign(key.as_bytes(), &format!("unsubscribe:{user_id}"));
    format!("{user_id}.{signature}")
}

/// The member a token names, if its signature is right.
pub fn unsubscribe_user(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<i64>> {
    let Some((id, signature)) = token.split_once('.') else { return Ok(None) };
    let Ok(user_id) = id.parse::<i64>() else { return Ok(None) };
    let key = crate::site::secret(conn, "unsubscribe_key")?;
    Ok(crate::secrets::verify(key.as_bytes(), &format!("unsubscribe:{user_id}"), signature).then_some(user_id))
}

/// What every email's links are built from: the site's address and the unsubscribe key.
pub struct Letterhead {
    base: String,
    unsubscribe_key: String,
}

impl Letterhead {
    pub fn load(conn: &mut AnyConnection) -> QueryResult<Self> {
        Ok(Letterhead {
            base: crate::site::base_url(conn)?,
            unsubscribe_key: crate::site::secret(conn, "unsubscribe_key")?,
        })
    }
}

/// Queues `notice` for `user_id` if they want email (confirmed address, not switched off, not
/// banned). Returns whether an email was queued.
pub fn email(conn: &mut AnyConnection, user_id: i64, notice: &Notice) -> QueryResult<bool> {
    let letterhead = Letterhead::load(conn)?;
    email_with(conn, &letterhead, user_id, notice)
}

/// [`email`], for a caller that writes to many people and loads the letterhead once.
pub fn email_with(
    conn: &mut AnyConnection,
    letterhead: &Letterhead,
    user_id: i64,
    notice: &Notice,
) -> QueryResult<bool> {
    let (address, display_name, verified, off, banned, excerpts): (
        String,
        String,
        Option<chrono::NaiveDateTime>,
        bool,
        bool,
        bool,
    ) = users::table
        .find(user_id)
        .select((
            users::email,
            users::display_name,
            users::email_verified_at,
            users::email_off,
            users::banned,
            users::email_excerpts,
        ))
        .first(conn)?;
    if verified.is_none() || off || banned {
        return Ok(false);
    }
    let base = &letterhead.base;
    let email = notice.email(excerpts, base);
    let link = format!("{base}{}", email.link);
    let settings_link = format!("{base}/me/notifications");
    let unsubscribe_link = format!("{base}/unsubscribe/{}", sign_unsubscribe(&letterhead.unsubscribe_key, user_id));
    let text = Text {
        display_name: &display_name,
        paragraphs: &email.paragraphs,
        link_text: email.link_text,
        link: &link,
        settings_link: &settings_link,
        unsubscribe_link: &unsubscribe_link,
    }
    .render()
    .map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    let html = Html {
        subject: &email.subject,
        display_name: &display_name,
        paragraphs: &email.paragraphs,
        link_text: email.link_text,
        link: &link,
        settings_link: &settings_link,
        unsubscribe_link: &unsubscribe_link,
    }
    .render()
    .map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    // A decision can be undone for a while: its email waits that long, and an undo withdraws it.
    let decided = match notice {
        Notice::Approved { post_id } | Notice::Rejected { post_id, .. } | Notice::Redacted { post_id, .. } => {
            Some(super::Decided { post_id: *post_id, send_after: crate::moderation::actions::UNDO_WINDOW })
        }
        _ => None,
    };
    super::enqueue_with(conn, &address, &email.subject, &text, Some(&html), Some(&unsubscribe_link), decided)?;
    Ok(true)
}

/// Tells the people who follow along that a post went live: for a new topic, members who
/// watch all of its group; for a reply, everyone who took part in the topic
/// (`topic_participants`, which this adds the author to) and the group's
/// all-topics watchers — never its author, never someone who silenced the group, never
/// someone who can no longer read it. In-app always; by email if they want email. Replies
/// in a topic a member has not looked at since their last notice of it update that notice
/// and send no email, until they open the topic or their notifications.
pub fn post_went_live(conn: &mut AnyConnection, post_id: i64) -> QueryResult<()> {
    use crate::db::schema::{group_watches, groups, notifications, posts, topic_participants, topics};
    // Announced once: an approval after an undo, or a held edit approved again, is not news.
    let first = diesel::update(posts::table.find(post_id).filter(posts::announced_at.is_null()))
        .set(posts::announced_at.eq(crate::db::now()))
        .execute(conn)?;
    if first == 0 {
        return Ok(());
    }
    let (topic_id, author_id, is_opening, body, group_id, group_name, visibility, title, topic_status, asker, urgent): (
        i64,
        i64,
        bool,
        String,
        i64,
        String,
        String,
        String,
        String,
        i64,
        bool,
    ) = posts::table
        .inner_join(topics::table.inner_join(groups::table))
        .filter(posts::id.eq(post_id))
        .select((
            posts::topic_id,
            posts::author_id,
            posts::is_opening,
            posts::body_md,
            groups::id,
            groups::name,
            groups::visibility,
            topics::title,
            topics::status,
            topics::author_id,
            posts::urgent,
        ))
        .first(conn)?;
    // The author takes part from now on: one statement, so two replies of theirs committing at
    // once on PostgreSQL cannot both try to add them.
    diesel::sql_query("INSERT INTO topic_participants (topic_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind::<diesel::sql_types::BigInt, _>(topic_id)
        .bind::<diesel::sql_types::BigInt, _>(author_id)
        .execute(conn)?;
    // Someone's crisis is never copied into other people's inboxes, excerpts or not.
    let body = if urgent { String::new() } else { body };
    // A reply in a topic that is itself still held (its author may reply to it) tells nobody:
    // the title may be what is held.
    if topic_status != "live" {
        return Ok(());
    }
    let watches: Vec<(i64, String)> = group_watches::table
        .filter(group_watches::group_id.eq(group_id))
        .select((group_watches::user_id, group_watches::level))
        .load(conn)?;
    let level = |user: i64| watches.iter().find(|(u, _)| *u == user).map(|(_, l)| l.as_str()).unwrap_or("mine");
    let mut people: Vec<i64> = watches.iter().filter(|(_, l)| l == "all").map(|(u, _)| *u).collect();
    if !is_opening {
        let participants: Vec<i64> = topic_participants::table
            .filter(topic_participants::topic_id.eq(topic_id))
            .select(topic_participants::user_id)
            .load(conn)?;
        people.extend(participants);
    }
    people.sort_unstable();
    people.dedup();
    people.retain(|&u| u != author_id && level(u) != "none");
    // The first verified clinician's answer to a question: the asker hears who answered (and
    // hears it even if they silenced the group: it is the answer to what they asked).
    if !is_opening
        && let Some(profession) = crate::professionals::questions::reply_went_live(conn, post_id)?
        && !super::scheduled::readable_groups(conn, asker, &[group_id])?.is_empty()
    {
        people.retain(|&u| u != asker);
        crate::moderation::actions::notify(
            conn,
            asker,
            post_id,
            &format!("A verified {profession} answered your question “{title}”."),
        )?;
        email(conn, asker, &Notice::ProfessionalAnswered { post_id, profession })?;
    }
    // Someone who has not looked since their last notice of a reply here is not told again:
    // that notice now points at the newest reply, and no second email goes out.
    let unread: Vec<(i64, i64)> = if is_opening {
        Vec::new()
    } else {
        notifications::table
            .filter(notifications::topic_id.eq(topic_id))
            .filter(notifications::read_at.is_null())
            .select((notifications::user_id, notifications::id))
            .load(conn)?
    };
    let letterhead = Letterhead::load(conn)?;
    for user in people {
        // Only a private group's readers change with who they are.
        if visibility == "private" && super::scheduled::readable_groups(conn, user, &[group_id])?.is_empty() {
            continue;
        }
        if let Some(&(_, notice_id)) = unread.iter().find(|(u, _)| *u == user) {
            diesel::update(notifications::table.find(notice_id))
                .set((
                    notifications::post_id.eq(post_id),
                    notifications::message.eq(format!("New replies in “{title}”.")),
                    notifications::created_at.eq(crate::db::now()),
                ))
                .execute(conn)?;
            continue;
        }
        let (message, notice) = if is_opening {
            (
                format!("A new topic in {group_name}: “{title}”."),
                Notice::NewTopic { topic_id, group: group_name.clone(), excerpt: body.clone() },
            )
        } else {
            (format!("A new reply in “{title}”."), Notice::Reply { post_id, excerpt: body.clone() })
        };
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(user),
                notifications::post_id.eq(post_id),
                notifications::topic_id.eq((!is_opening).then_some(topic_id)),
                notifications::message.eq(&message),
                notifications::created_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        email_with(conn, &letterhead, user, &notice)?;
    }
    Ok(())
}
