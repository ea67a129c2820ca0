//! `screen`, the one door for new content, on any title and body: never a panic, and a decision
//! that is consistent (a blocked draft says why; personal information found lies inside the text, in characters).
#![no_main]

use forum::accounts::Account;
use forum::groups::Group;
use forum::moderation::{Author, Context, Draft, Outcome, assess, detect::Allow, screen};
use libfuzzer_sys::fuzz_target;

fn account(approved: i32) -> Account {
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap().naive_utc();
    Account {
        id: 7,
        email: "member@example.org".into(),
        display_name: "Pink Tulip".into(),
        is_admin: false,
        email_verified_at: Some(at),
        rules_version: Some(1),
        created_at: at,
        approved_posts: approved,
        rejected_posts: 0,
        suspended_until: None,
        sanction_reason: None,
        banned: false,
    }
}

fn group(policy: &str) -> Group {
    Group {
        id: 1,
        slug: "hub".into(),
        name: "Hub".into(),
        description: String::new(),
        rules_md: String::new(),
        rules_html: String::new(),
        visibility: "open".into(),
        position: 0,
        topic_count: 0,
        post_count: 0,
        last_activity_at: None,
        moderation_policy: policy.into(),
        newcomer_posts: 3,
        pro_questions: true,
        hold_urgent: false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line is the title, as for a new topic.
    let (title, body) = text.split_once('\n').unwrap_or(("", text));
    let allow = Allow::with_default_helplines();
    let assessment = assess(text, &allow);
    // Offsets count characters, and each span lies inside the text.
    let characters = text.chars().count();
    for span in &assessment.spans {
        assert!(span.start < span.end && span.end <= characters, "{span:?} outside {characters} characters");
    }
    let context = Context { allow, rules: Vec::new(), recent_posts: 0, duplicate: false, helplines: Vec::new() };
    for (approved, policy, clinician) in [(0, "newcomers", false), (50, "post_moderate", true), (5, "all", false)] {
        let account = account(approved);
        let author = Author { account: &account, moderates_group: false, clinician };
        let decision = screen(Draft { title: Some(title), body }, author, &group(policy), &context);
        if decision.outcome == Outcome::Blocked {
            assert!(!decision.findings.is_empty(), "blocked without a reason");
        }
        // Moderators see each finding highlighted in the title or body it names.
        for finding in &decision.findings {
            let length = if finding.in_title { title.chars().count() } else { body.chars().count() };
            assert!(finding.start <= finding.end && finding.end <= length, "{finding:?} outside {length} characters");
        }
    }
});
