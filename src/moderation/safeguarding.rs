//! Safeguarding: does a post show a present risk a moderator must act on now? Urgent posts go
//! to the top of the queue, alert moderators, and show the author where to get help at once.
//!
//! In a cancer forum death is an everyday subject, so this looks for *signals of present risk*
//! (intent, plans, means, goodbyes, danger at home, an emergency happening now), sentence by
//! sentence, and discounts what is negated, over, hypothetical or a figure of speech.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrgentKind {
    Suicide,
    SelfHarm,
    PlanOrMeans,
    Abuse,
    MedicalEmergency,
    SomeoneElse,
}

impl UrgentKind {
    pub const ALL: [UrgentKind; 6] = [
        UrgentKind::Suicide,
        UrgentKind::SelfHarm,
        UrgentKind::PlanOrMeans,
        UrgentKind::Abuse,
        UrgentKind::MedicalEmergency,
        UrgentKind::SomeoneElse,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// In words, for admins and moderators.
    pub fn describe(self) -> &'static str {
        match self {
            UrgentKind::Suicide => "suicidal thoughts or intent",
            UrgentKind::SelfHarm => "self-harm",
            UrgentKind::PlanOrMeans => "a plan or means",
            UrgentKind::Abuse => "abuse or violence at home",
            UrgentKind::MedicalEmergency => "a medical emergency",
            UrgentKind::SomeoneElse => "another member at risk",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UrgentKind::Suicide => "suicide",
            UrgentKind::SelfHarm => "self_harm",
            UrgentKind::PlanOrMeans => "plan_or_means",
            UrgentKind::Abuse => "abuse",
            UrgentKind::MedicalEmergency => "medical_emergency",
            UrgentKind::SomeoneElse => "someone_else",
        }
    }
}

/// Why a post is urgent: its most pressing kind and every signal that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urgency {
    pub kind: UrgentKind,
    pub signals: Vec<&'static str>,
}

struct Signal {
    name: &'static str,
    kind: UrgentKind,
    pattern: Regex,
}

fn signal(name: &'static str, kind: UrgentKind, pattern: &str) -> Signal {
    Signal { name, kind, pattern: super::detect::regex(pattern) }
}

static SIGNALS: LazyLock<Vec<Signal>> = LazyLock::new(|| {
    use UrgentKind::*;
    vec![
        signal(
            "intent to die by suicide",
            Suicide,
            r"\b(kill|killing) myself\b|\b(end|ending|take|taking) my (own )?life\b|\bend it all\b|\bsuicidal\b|\bcommit suicide\b",
        ),
        signal(
            "wish to be dead",
            Suicide,
            r"\b(want|wanna|wish|wishing) (to be|i was|i were|i wasn'?t|i weren'?t) (dead|gone|here)\b|\bwant to die\b|\bready to die\b|\bdon'?t want to (be here|live|wake up)\b|\bno (reason|point) (to|in) (live|living|go on|going on|carry on|carrying on)\b|\bcan'?t (go on|do this any ?more|take (it|this) any ?more)\b",
        ),
        signal(
            "feeling a burden",
            Suicide,
            r"\bbetter off without me\b|\b(i am|i'?m) (just )?a burden\b|\bburden (to|on) (everyone|them|my family)\b",
        ),
        signal(
            "saying goodbye",
            Suicide,
            r"\b(this is )?(my )?goodbye (to )?(everyone|all|you all)\b|\bsaying (my )?goodbyes\b|\bwon'?t be (around|here) (much longer|after|tomorrow|by)\b|\bthis will be my last post\b",
        ),
        signal(
            "giving things away",
            Suicide,
            r"\bgiv(e|en|ing) (all )?(my|away my) (things|stuff|belongings|possessions|jewellery) away\b|\bgiving (my )?(things|stuff|belongings) away\b",
        ),
        signal(
            "self-harm now",
            SelfHarm,
            r"\b(cut|cutting|burn|burning|hurt|hurting|harm|harming) myself\b|\bself[- ]?harm(ing)?\b",
        ),
        signal(
            "plan, date or means",
            PlanOrMeans,
            r"\b(saved|saving|stockpil\w*|hoard\w*|collected|collecting) (up )?(my |all my )?(tablets|pills|meds|medication|morphine|oramorph)\b|\b(take|taking|took) (an |all my )?overdose\b|\b(take|taking|swallow) all (my|the) (tablets|pills)\b|\b(bought|got) (a )?(rope|ligature)\b|\bwritten (my )?(letters|notes?) to\b|\b(tablets|pills|meds|medication|morphine)\b.*\b(saved|saving|stockpiled|hoarded|hidden|hiding) (them|it)\b|\btonight'?s the night\b|\b(i'?ve|i have) (made|got) a plan\b|\bplanned (how|when)\b",
        ),
        signal(
            "danger at home",
            Abuse,
            r"\b(he|she|my (husband|partner|boyfriend|girlfriend|wife|son|ex)) (hits|hit|beats|beat|kicks|kicked|punched|punches|strangled|chokes|choked|threatens|threatened) me\b|\bthreatened to (kill|hurt) me\b|\b(scared|frightened|afraid) (of|to go home to) (him|her|my (husband|partner|boyfriend|son|ex))\b|\bnot safe at home\b|\bhe'?ll (hurt|kill) me\b",
        ),
        signal(
            "fever on treatment",
            MedicalEmergency,
            r"\b(temp|temperature|fever) (of |is |was |at |reading )?(3[89]|4[01])(\.\d)?\b|\b(3[89]|4[01])(\.\d)? ?(°c|degrees|c)\b|\b(shivering|shaking|rigors?) (and|with) (a )?(high )?(temp|temperature|fever)\b|\bhigh (temp|temperature|fever)\b",
        ),
        signal(
            "cannot breathe",
            MedicalEmergency,
            r"\b(can'?t|cannot|can not|struggling to|hard to|unable to) (breathe|catch my breath)\b|\bgasping for (breath|air)\b",
        ),
        signal(
            "chest pain now",
            MedicalEmergency,
            r"\b(chest pains?|crushing pain in my chest|pain in my chest)\b|\bcoughing (up )?blood\b|\b(collapsed|passed out|fainted)\b|\bface (is )?droop\w*|\bcan'?t (feel|move) my (arm|leg|legs|arms)\b",
        ),
        signal(
            "another member at risk",
            SomeoneElse,
            r"\b(she|he|they)('?s| is| are| was)? (going to|gonna|planning to|talking about|said (she|he|they)'?(d| would| will)?) (kill (herself|himself|themselves)|end (her|his|their) (own )?life|take (her|his|their) (own )?life|take an overdose)\b|\bworried (about|for) \w+.{0,40}(suicid|goodbye|end it)",
        ),
    ]
});

/// Phrases that, in the same sentence, say a signal is not a present risk.
static DISCOUNTS: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(concat!(
        r"\b(not|never|no longer|nor) (feeling |been |ever )?(suicidal|going to|want to (die|kill)|planning)\b",
        r"|\bi'?m not (suicidal|going to|planning)\b|\bdon'?t (want|plan) to (kill|end|die|hurt)\b",
        r"|\bused to\b|\byears ago\b|\bwhen i was (young|younger|a teenager|at school|\d+)\b|\bin the past\b",
        r"|\b(if|what if|would it be|is it normal|is it|are there|what are|how do|how long|signs of|symptoms of|leaflet|policy|debate|law|bill|campaign|documentary|article|film|book)\b.*\?",
        r"|\bassisted dying\b|\bdignitas\b|\b(hospice|dnacpr|dnr|palliative|end of life|will|funeral)\b.*\b(plan|planned|planning|wrote|written|sorted)\b",
        r"|\bjoke|joking|lol\b|\bha ?ha\b|\bdying to\b|\bto die for\b|\bkilling me\b"
    ))
});

/// The first sentence-level signals of present risk, if any.
pub fn assess(text: &str) -> Option<Urgency> {
    let lower = text.to_lowercase().replace(['’', '‘'], "'");
    // Most posts carry no signal at all: one pass per pattern over the whole text says so,
    // and only the patterns that fired are looked at sentence by sentence.
    let candidates: Vec<&Signal> = SIGNALS.iter().filter(|s| s.pattern.is_match(&lower)).collect();
    if candidates.is_empty() {
        return None;
    }
    let mut signals: Vec<(&'static str, UrgentKind)> = Vec::new();
    for sentence in lower.split(['.', '!', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let discounted = DISCOUNTS.is_match(sentence);
        for s in &candidates {
            if s.pattern.is_match(sentence) && !discounted && !signals.iter().any(|(n, _)| *n == s.name) {
                signals.push((s.name, s.kind));
            }
        }
    }
    // The most pressing kind leads: a plan outranks intent, intent outranks the rest.
    let rank = |k: UrgentKind| match k {
        UrgentKind::PlanOrMeans => 0,
        UrgentKind::Suicide => 1,
        UrgentKind::SelfHarm => 2,
        UrgentKind::MedicalEmergency => 3,
        UrgentKind::Abuse => 4,
        UrgentKind::SomeoneElse => 5,
    };
    let kind = signals.iter().map(|(_, k)| *k).min_by_key(|k| rank(*k))?;
    Some(Urgency { kind, signals: signals.into_iter().map(|(n, _)| n).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<UrgentKind> {
        assess(text).map(|u| u.kind)
    }

    #[test]
    fn present_risk_is_urgent() {
        assert_eq!(
            kind("I can't do this anymore. Everyone would be better off without me."),
            Some(UrgentKind::Suicide)
        );
        assert_eq!(kind("I've stopped my tablets and saved them up."), Some(UrgentKind::PlanOrMeans));
        assert_eq!(kind("I've been cutting myself again tonight"), Some(UrgentKind::SelfHarm));
        assert_eq!(
            kind("Day 8 after chemo and my temperature is 38.4, shivering. Is this normal?"),
            Some(UrgentKind::MedicalEmergency)
        );
        assert_eq!(kind("He hits me when he's been drinking and I'm scared to go home."), Some(UrgentKind::Abuse));
        assert_eq!(
            kind("Worried about Jan, she said she's going to end her life tonight"),
            Some(UrgentKind::SomeoneElse)
        );
    }

    #[test]
    fn the_frank_talk_of_a_cancer_forum_is_not() {
        for text in [
            "This chemo is killing me lol, dying to know my results.",
            "We've planned the funeral and my hospice place is sorted. I'm at peace with dying.",
            "I'm not suicidal, just so tired and fed up.",
            "I self-harmed years ago when I was a teenager; I'm OK now.",
            "What are the signs of neutropenic sepsis?",
            "My DNACPR form is signed and my will is written.",
            "Grieving my friend from this group, she died last week.",
        ] {
            assert_eq!(kind(text), None, "{text}");
        }
    }
}
