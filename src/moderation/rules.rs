//! Ground rules as checks admins can edit: a phrase, a regular expression, shouting (mostly
//! capitals) or links to sites not on an allowlist; each with an action (block, hold, flag,
//! censor), the ground rule it enforces, a message for the author, and the groups it covers.

use std::sync::{Arc, LazyLock};

use diesel::prelude::*;
use regex::{Regex, RegexBuilder};

use crate::db::schema::moderation_rules;
use crate::db::{self, AnyConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Goes live; the matching words are replaced.
    Censor,
    /// Goes live; moderators are asked to look.
    Flag,
    /// Waits for a moderator.
    Hold,
    /// Not posted; the author sees why, with their text kept.
    Block,
}

impl Action {
    pub const ALL: [(&'static str, &'static str); 4] = [
        ("block", "Block: not posted, the author is told why"),
        ("hold", "Hold for a moderator"),
        ("flag", "Post, and ask moderators to look"),
        ("censor", "Post with the words removed"),
    ];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "block" => Some(Action::Block),
            "hold" => Some(Action::Hold),
            "flag" => Some(Action::Flag),
            "censor" => Some(Action::Censor),
            _ => None,
        }
    }
}

pub const KINDS: [(&str, &str); 4] = [
    ("phrase", "A word or phrase (any case)"),
    ("regex", "A regular expression (any case)"),
    ("shouting", "Shouting: mostly capitals (no pattern)"),
    ("links", "Links to sites other than these (pattern: allowed domains, comma-separated)"),
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_rules)]
pub struct Rule {
    pub id: i64,
    pub kind: String,
    pub pattern: String,
    pub action: String,
    pub ground_rule: String,
    pub message: String,
    pub group_ids: String,
    pub newcomers_only: bool,
    pub enabled: bool,
}

impl Rule {
    pub fn applies_to(&self, group_id: i64) -> bool {
        self.group_ids.trim().is_empty() || self.group_ids.split(',').any(|g| g.trim().parse() == Ok(group_id))
    }
}

/// A rule that matched: where (character offsets into the checked text) and what to do.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule_id: i64,
    pub action: Action,
    pub ground_rule: String,
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// Compiles a phrase or regex rule. Phrases match whole words, in any case.
pub fn compile(kind: &str, pattern: &str) -> Result<Regex, String> {
    let source = match kind {
        "phrase" => format!(r"(?-u:\b){}(?-u:\b)", regex::escape(pattern.trim())),
        "regex" => pattern.to_owned(),
        _ => return Err(format!("{kind} rules have no pattern to compile")),
    };
    RegexBuilder::new(&source)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("That pattern is not a valid regular expression: {e}"))
}

/// Compiled rules, by kind and pattern. `screen` checks every post's title and body twice
/// (before and after censoring); compiling each rule once per process, not per check, keeps
/// that off the hot path. Patterns come only from admins, so the map stays small.
/// Shared, not cloned: a cloned `Regex` starts with an empty search cache and rebuilds its
/// lazy DFA on every check (an eighth of a reply's CPU, BENCHMARKS.md).
static COMPILED: LazyLock<std::sync::Mutex<RegexCache>> = LazyLock::new(Default::default);

/// Compiled rule patterns by (kind, pattern).
type RegexCache = std::collections::HashMap<(String, String), Arc<Regex>>;

fn compiled(kind: &str, pattern: &str) -> Option<Arc<Regex>> {
    let key = (kind.to_owned(), pattern.to_owned());
    let mut cache = COMPILED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(re) = cache.get(&key) {
        return Some(re.clone());
    }
    // Patterns are checked when saved; one that no longer compiles is skipped.
    let re = Arc::new(compile(kind, pattern).ok()?);
    cache.insert(key, Arc::clone(&re));
    Some(re)
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| super::detect::regex(r"(?i)\b(?:https?://|www\.)([a-z0-9.\-]+)[^\s<>()]*"));

fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// Mostly capitals: at least 20 letters, over 70 % of them upper-case.
pub fn is_shouting(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 20 && letters.iter().filter(|c| c.is_uppercase()).count() * 10 > letters.len() * 7
}

/// Runs the rules that cover `group_id` over `text`. `newcomer`: the author has fewer than
/// three approved posts (rules marked newcomers-only apply only then).
pub fn check(rules: &[Rule], text: &str, group_id: i64, newcomer: bool) -> Vec<Hit> {
    let mut hits = Vec::new();
    for rule in rules.iter().filter(|r| r.enabled && r.applies_to(group_id) && (!r.newcomers_only || newcomer)) {
        let Some(action) = Action::parse(&rule.action) else { continue };
        let hit = |start: usize, end: usize| Hit {
            rule_id: rule.id,
            action,
            ground_rule: rule.ground_rule.clone(),
            message: rule.message.clone(),
            start,
            end,
        };
        match rule.kind.as_str() {
            "shouting" => {
                if is_shouting(text) {
                    hits.push(hit(0, 0));
                }
            }
            "links" => {
                let allowed: Vec<String> =
                    rule.pattern.split(',').map(|d| d.trim().to_lowercase()).filter(|d| !d.is_empty()).collect();
                for caps in URL.captures_iter(text) {
                    let (Some(whole), Some(host)) = (caps.get(0), caps.get(1)) else { continue };
                    let host = host.as_str().to_lowercase();
                    let host = host.trim_start_matches("www.");
                    let ok = allowed.iter().any(|d| host == d || host.ends_with(&format!(".{d}")));
                    if !ok {
                        hits.push(hit(char_offset(text, whole.start()), char_offset(text, whole.end())));
                    }
                }
            }
            kind => {
                let Some(re) = compiled(kind, &rule.pattern) else { continue };
                for m in re.find_iter(text).filter(|m| !m.is_empty()) {
                    hits.push(hit(char_offset(text, m.start()), char_offset(text, m.end())));
                }
            }
        }
    }
    hits
}

/// Replaces the censored stretches of `text` (character offsets) with "[removed]".
pub fn censor(text: &str, hits: &[Hit]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<(usize, usize)> =
        hits.iter().filter(|h| h.action == Action::Censor && h.end > h.start).map(|h| (h.start, h.end)).collect();
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        out.extend(&chars[at..start]);
        out.push_str("[removed]");
        at = end;
    }
    out.extend(&chars[at.min(chars.len())..]);
    out
}

pub fn enabled(conn: &mut AnyConnection) -> QueryResult<Vec<Rule>> {
    moderation_rules::table
        .filter(moderation_rules::enabled.eq(true))
        .order(moderation_rules::id)
        .select(Rule::as_select())
        .load(conn)
}

pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Rule>> {
    moderation_rules::table.order(moderation_rules::id).select(Rule::as_select()).load(conn)
}

/// A rule as an admin writes it.
#[derive(Debug, Clone, Default)]
pub struct RuleFields {
    pub kind: String,
    pub pattern: String,
    pub action: String,
    pub ground_rule: String,
    pub message: String,
    pub group_ids: String,
    pub newcomers_only: bool,
}

impl RuleFields {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !KINDS.iter().any(|(k, _)| *k == self.kind) {
            out.push(("kind", "Choose what the rule looks for.".to_owned()));
        } else if matches!(self.kind.as_str(), "phrase" | "regex") {
            if self.pattern.trim().is_empty() {
                out.push(("pattern", "Write the word, phrase or pattern to look for.".to_owned()));
            } else {
                match compile(&self.kind, &self.pattern) {
                    Err(why) => out.push(("pattern", why)),
                    Ok(re) if re.is_match("") => out.push((
                        "pattern",
                        "That pattern matches empty text, so it would catch every post. Make it more specific."
                            .to_owned(),
                    )),
                    Ok(_) => {}
                }
            }
        }
        if Action::parse(&self.action).is_none() {
            out.push(("action", "Choose what happens to a post that matches.".to_owned()));
        }
        if super::ground_rule_title(&self.ground_rule).is_none() {
            out.push(("ground_rule", "Choose the ground rule this enforces.".to_owned()));
        }
        if self.message.trim().is_empty() || self.message.chars().count() > 500 {
            out.push(("message", "Write what the author is told (up to 500 characters).".to_owned()));
        }
        out
    }
}

pub fn create(conn: &mut AnyConnection, f: &RuleFields) -> QueryResult<()> {
    diesel::insert_into(moderation_rules::table)
        .values((
            moderation_rules::kind.eq(&f.kind),
            moderation_rules::pattern.eq(f.pattern.trim()),
            moderation_rules::action.eq(&f.action),
            moderation_rules::ground_rule.eq(&f.ground_rule),
            moderation_rules::message.eq(f.message.trim()),
            moderation_rules::group_ids.eq(&f.group_ids),
            moderation_rules::newcomers_only.eq(f.newcomers_only),
            moderation_rules::created_at.eq(db::now()),
        ))
        .execute(conn)
        .map(drop)
}

pub fn set_enabled(conn: &mut AnyConnection, id: i64, enabled: bool) -> QueryResult<usize> {
    diesel::update(moderation_rules::table.find(id)).set(moderation_rules::enabled.eq(enabled)).execute(conn)
}

/// The default set a new forum starts with.
pub fn defaults() -> Vec<RuleFields> {
    let rule =
        |kind: &str, pattern: &str, action: &str, ground_rule: &str, message: &str, newcomers_only: bool| RuleFields {
            kind: kind.into(),
            pattern: pattern.into(),
            action: action.into(),
            ground_rule: ground_rule.into(),
            message: message.into(),
            group_ids: String::new(),
            newcomers_only,
        };
    vec![
        rule(
            "regex",
            r"\b(f+u+c+k+ (off|you)|piss off|shut (the f\w* )?up,? you|(you|u) (stupid|silly|fat|ugly|pathetic) \w+|(you'?re|ur|you are) (an? )?(idiot|moron|cow|bitch|loser|joke)|go (and )?die|kys|kill yourself)\b",
            "block",
            "be-respectful",
            "Please disagree with ideas, never attack people. Change the words aimed at another person and post again.",
            false,
        ),
        rule(
            "regex",
            r"\b(n[i1]gg(er|a)s?|f[a4]gg?[o0]ts?|r[e3]t[a4]rds?|sp[a4]stics?|tr[a4]nn(y|ies)|p[a4]kis?|ch[i1]nks?|k[i1]kes?|wogs?|gypp?os?|sp[i1]cs?|dykes?)\b",
            "block",
            "no-derogatory-or-defamatory-content",
            "That word demeans people for who they are, and is not allowed here. Please take it out.",
            false,
        ),
        rule(
            "regex",
            r"\b(c+u+n+t+s?|motherf\w*)\b",
            "censor",
            "be-respectful",
            "Some strong language was removed from your post.",
            false,
        ),
        rule(
            "shouting",
            "",
            "flag",
            "be-respectful",
            "Writing mostly in capitals can read as shouting. That's fine if it's easier for you — a moderator may check in.",
            false,
        ),
        rule(
            "links",
            "nhs.uk, nhs.scot, nhs.wales, hscni.net, macmillan.org.uk, breastcancernow.org, cancerresearchuk.org, gov.uk, maggies.org, samaritans.org",
            "hold",
            "no-spam",
            "Links from new members are checked by a moderator first, to keep out spam. Thank you for waiting.",
            true,
        ),
        rule(
            "regex",
            r"\b(buy now|order now|discount code|promo code|use (my )?code|dm me for|message me for prices|my (online )?shop|click (the )?link in my|earn (money|£|\$)|work from home|free trial|limited offer)\b",
            "hold",
            "no-spam",
            "Selling and promotion are not allowed. A moderator will look at your post.",
            false,
        ),
        rule(
            "regex",
            r"\b(cures? (for )?cancer|cancer cure|cured (my|her|his) cancer|miracle (cure|treatment)|(alkaline|apricot kernels?|laetrile|b17|cannabis oil|black salve|essiac|gerson|mms|chlorine dioxide) (cures?|kills|shrinks|treats)|instead of (chemo|radiotherapy|surgery))\b",
            "hold",
            "be-helpful",
            "Claims about cures are read by a moderator (and, where they can, a clinician) before they appear, so nobody is misled.",
            false,
        ),
    ]
}

/// Seeds the default rules into an empty table.
pub fn seed_defaults(conn: &mut AnyConnection) -> QueryResult<bool> {
    let existing: i64 = moderation_rules::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(false);
    }
    for r in defaults() {
        create(conn, &r)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<Rule> {
        defaults()
            .into_iter()
            .enumerate()
            .map(|(i, f)| Rule {
                id: i as i64,
                kind: f.kind,
                pattern: f.pattern,
                action: f.action,
                ground_rule: f.ground_rule,
                message: f.message,
                group_ids: f.group_ids,
                newcomers_only: f.newcomers_only,
                enabled: true,
            })
            .collect()
    }

    fn actions(text: &str, newcomer: bool) -> Vec<Action> {
        check(&rules(), text, 1, newcomer).into_iter().map(|h| h.action).collect()
    }

    #[test]
    fn the_default_rules_catch_what_they_should_and_leave_the_rest() {
        assert_eq!(actions("you stupid cow, nobody asked you", false), [Action::Block]);
        assert_eq!(actions("I AM SO ANGRY WITH THE HOSPITAL TODAY THEY LOST MY BLOODS", false), [Action::Flag]);
        assert_eq!(actions("see https://spam.example/pills for more", true), [Action::Hold]);
        assert!(actions("see https://www.nhs.uk/conditions/breast-cancer/", true).is_empty());
        assert!(actions("see https://spam.example/pills", false).is_empty(), "links rule is for newcomers only");
        assert_eq!(actions("apricot kernels cure it, skip chemo", false), [Action::Hold]);
        assert_eq!(actions("Use my code SAVE20 at checkout", false), [Action::Hold]);
        assert!(
            actions("This fucking chemo. 3 cycles of FEC-T down, grade 2, I'm so tired of it all.", false).is_empty()
        );
        assert!(actions("Scanned it myself; tamoxifen 20mg. Ask your breast care nurse.", false).is_empty());
    }

    #[test]
    fn censoring_replaces_only_the_words() {
        let text = "what a cunt of a day";
        let hits = check(&rules(), text, 1, false);
        assert_eq!(censor(text, &hits), "what a [removed] of a day");
    }

    #[test]
    fn rules_can_be_limited_to_groups() {
        let mut r = rules();
        r.iter_mut().for_each(|r| r.group_ids = "2, 3".into());
        assert!(check(&r, "you stupid cow", 1, false).is_empty());
        assert!(!check(&r, "you stupid cow", 3, false).is_empty());
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        let f = RuleFields {
            kind: "regex".into(),
            pattern: "(unclosed".into(),
            action: "hold".into(),
            ground_rule: "no-spam".into(),
            message: "x".into(),
            ..RuleFields::default()
        };
        assert!(f.problems().iter().any(|(field, why)| *field == "pattern" && why.contains("not a valid")));
        let empty = RuleFields { pattern: "x?".into(), ..f };
        assert!(empty.problems().iter().any(|(field, why)| *field == "pattern" && why.contains("empty text")));
    }
}
