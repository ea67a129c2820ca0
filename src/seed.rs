//! What a new forum starts with: the site's ground rules and five topic groups. Seeding runs
//! only on an empty database, so an operator's changes are never overwritten.

use diesel::prelude::*;

use crate::db::schema::groups;
use crate::db::{self, AnyConnection};
use crate::groups::GroupFields;

pub const SITE_RULES: &str = "\
These ground rules keep the forum a safe, kind place. Moderators apply them to every post, and \
when they hold or remove a post they tell you which rule and what to change.

1. **Be respectful.** Disagree with ideas, never attack people. Everyone's experience of cancer is \
   their own.
2. **Be helpful.** Share what you know and how it felt, and say when something is your own \
   experience rather than medical advice.
3. **Protect personal health information.** Do not post NHS numbers, hospital numbers, dates of \
   birth, phone numbers, addresses or the full names of patients, relatives or staff — yours or \
   anyone else's. Everyone in a group can read what you write.
4. **No derogatory or defamatory content.** Nothing that demeans people for who they are, and no \
   accusations against named people or organisations.
5. **No spam.** No selling, promotion or unproven \"cures\".

If you are worried about your safety or someone else's right now, call 999. You can talk to the \
Samaritans any time on 116 123, and NHS 111 can help with urgent medical questions.
";

struct DefaultGroup {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    rules: &'static str,
    visibility: &'static str,
    /// Members may ask a question for a professional here.
    pro_questions: bool,
}

const DEFAULT_GROUPS: [DefaultGroup; 5] = [
    DefaultGroup {
        slug: "breast-screening",
        name: "Breast screening",
        description: "Going for a mammogram, being recalled, and waiting for results.",
        rules: "Mammographers and radiographers answer here with verified badges. Please do not \
                post images of your results or letters.",
        visibility: "open",
        pro_questions: true,
    },
    DefaultGroup {
        slug: "secondaries",
        name: "Secondaries",
        description: "Living with secondary (metastatic) breast cancer.",
        rules: "This is a private group: only its members can read it. Talk about dying, \
                treatment choices and end of life is welcome here; please add a content note to \
                posts about a member's death.",
        visibility: "private",
        pro_questions: true,
    },
    DefaultGroup {
        slug: "fertility",
        name: "Fertility",
        description: "Fertility and pregnancy during and after treatment.",
        rules: "Be gentle with one another: people here are at very different points. Say so in \
                the title if your post is about a pregnancy or a baby.",
        visibility: "members",
        pro_questions: true,
    },
    DefaultGroup {
        slug: "hub",
        name: "Hub",
        description: "Introductions and general support: say hello, ask anything.",
        rules: "New here? Introduce yourself. Questions that fit another group may be moved there \
                by a moderator.",
        visibility: "open",
        pro_questions: false,
    },
    DefaultGroup {
        slug: "moving-on",
        name: "Moving on",
        description: "Life after treatment: recovery, work, relationships and fear of recurrence.",
        rules: "Celebrate each other's milestones, and remember others may still be in treatment.",
        visibility: "open",
        pro_questions: false,
    },
];

/// Seeds the ground rules and default groups if the database has no groups yet.
/// Returns whether it seeded anything.
pub fn seed_if_empty(conn: &mut AnyConnection) -> anyhow::Result<bool> {
    db::transaction(conn, |conn| -> anyhow::Result<bool> {
        let existing: i64 = groups::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(false);
        }
        if crate::site::current_rules_version(conn)? == 0 {
            crate::site::publish_rules(conn, SITE_RULES, None)?;
        }
        crate::moderation::rules::seed_defaults(conn)?;
        for g in &DEFAULT_GROUPS {
            crate::groups::create(
                conn,
                &GroupFields {
                    slug: g.slug.into(),
                    name: g.name.into(),
                    description: g.description.into(),
                    rules_md: g.rules.split_whitespace().collect::<Vec<_>>().join(" "),
                    visibility: g.visibility.into(),
                    moderation_policy: "post_moderate".into(),
                    newcomer_posts: 3,
                    pro_questions: g.pro_questions,
                    hold_urgent: false,
                },
            )?;
        }
        Ok(true)
    })
}
