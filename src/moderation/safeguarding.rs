//! Safeguarding: does a post show a present risk a moderator must act on now? Urgent posts go
//! to the top of the queue, alert moderators, and show the author where to get help at once.
//!
//! In a cancer forum death is an everyday subject, so this looks for *signals of present risk*
//! (intent, plans, means, goodbyes, danger at home, an emergency happening now), sentence by
//! sentence, and discounts what is negated, over, hypothetical or a figure of speech.

use std::sync::LazyLock;

use regex::Regex;

use super::safeguarding_model::MODEL;
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
    pub signals: Vec<String>,
}

impl Urgency {
    /// A plan, a date or means gathered (the kind that outranks all others): such a post waits
    /// for a moderator instead of going live, so the details are not in front of readers.
    pub fn names_a_plan(&self) -> bool {
        self.kind == UrgentKind::PlanOrMeans
    }
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
            r"\b(want|wanna|wish|wishing) (to be|i was|i were|i wasn'?t|i weren'?t) (dead|gone|here)\b|\bwant to die\b|\bready to die\b|\bdon'?t want to (be here|live|wake up)\b|\bno (reason|point) (to|in) (live|living|go on|going on|carry on|carrying on)\b",
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
            r"\b(cut|cutting|burn|burning|hurt|hurting|harm|harming) myself\b|\bself[- ]?harm(ing|ed)? (again|tonight|now|today)\b",
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
            r"\b(chest pains?|crushing pain in my chest|pain in my chest)\b|\bcough(ed|ing) (up )?blood\b|\b(collapsed|passed out|fainted)\b|\bface (is )?droop\w*|\bcan'?t (feel|move) my (arm|leg|legs|arms)\b",
        ),
        signal(
            "no wish to exist",
            Suicide,
            r"\b(don'?t|do not) want to (be alive|exist|carry on|go on)\b|\ball i want is (to not exist|not to exist|for it (all )?to (stop|end))\b|\bnot (being|be) here any ?more\b|\bthinking (about|of) (ending things|ending it|suicide|not being here|how i'?d do it)\b|\bthink about how i'?d do it\b|\b(thinking|thought) about suicide\b|\bthe only thing i'?m looking forward to is it (all )?(stopping|ending)\b",
        ),
        signal(
            "nobody would miss me",
            Suicide,
            r"\b(no one|nobody|the world|everyone)('s| is)? (would|will|won'?t|wouldn'?t)( even)? (notice|miss me|care)\b|\bnot miss me\b|\bstop(ped)? being a (problem|burden)\b|\b(happier|easier) without me\b|\b(can'?t|don'?t|cannot) see (any|the) (point|reason) (in|to|of) (carrying on|going on|living|staying|stay|being here)\b|\bno reason to (stay|carry on|go on|live)\b",
        ),
        signal(
            "a goodbye by choice",
            Suicide,
            r"\bnot going to be (here|around) (for|by|at|on)\b|\bchoosing to stop\b|\bdon'?t (try to|come) find me\b|\bwon'?t be (posting|on here) (again|any ?more)\b|\b(this is )?my (very )?last (post|message)\b|\bgoing to (go and )?be with (her|him|them|my (wife|husband|twin|sister|brother|mum|dad|son|daughter)) (soon|now|tonight)?\b|\bi'?m going to go and be with\b|\bso (it|this) won'?t come as a shock\b|\bi mean it this time\b|\bdon'?t want to fight (any ?more|anymore)\b",
        ),
        signal(
            "a place, a day or the means",
            PlanOrMeans,
            r"\bnot for the pain\b|\b(i'?ve|i have) got (enough|what i need|everything i need)\b|\beverything i need\b|\b(tablets|pills|meds|insulin|morphine|paracetamol|oramorph)\b.{0,50}\b(lined up|counting them|in my (coat|bag|pocket)|hidden|hid them|put by|keeping (some )?back)\b|\b(lined up|counting) (the |my |all )?(tablets|pills)\b|\b(i have|i'?ve got|i'?ve made) a plan\b|\b(going|go) (up |back )?to the (bridge|cliffs?|railway|tracks|multi-storey|river)\b|\bwon'?t be coming (back|down|home)\b|\bnot planning on (checking out|coming back|coming home)\b|\b(written|wrote|left) (my|a|the) (note|letters?)\b|\bknow what i'?m doing with them\b|\bso nobody gets suspicious\b|\btrain times\b|\btop of the (multi-storey|car park)\b|\btaken the lot\b|\bkeeping them instead\b",
        ),
        signal(
            "settling affairs",
            Suicide,
            r"\b(getting|got|put(ting)?) (everything|things|my affairs) in order\b|\bso (no one|nobody|they|my family|the kids) (has|have|won'?t have) to (deal|sort)\b|\bsorting (things|everything) out so\b",
        ),
        signal(
            "a chosen day",
            PlanOrMeans,
            r"\b(picked|chosen|set) (the|a) (day|date)\b|\ba plan and a date\b|\bit'?ll be this (monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)\b",
        ),
        signal(
            "hurting myself on purpose",
            SelfHarm,
            r"\bon purpose\b|\bi want(ed)? it to hurt\b|\b(till?|until) it (bleeds|bled|hurts|went raw|blisters)\b|\b(blade|razor|razor blades|lighter|straighteners|safety pin)\b.{0,40}\b(wrist|arm|ready|out|again|tonight)\b|\b(started|start|need to|going to) cut(ting)?\b|\bcut(ting)? again\b|\bpunishing myself\b|\bmaking myself sick\b|\bbanging my head\b|\burge to\b.{0,20}\b(self[- ]?harm|harm|cut|hurt|burn)\b|\b(punching|hitting|burning|cutting|scratching|scalding) my own\b",
        ),
        signal(
            "violence or control at home",
            Abuse,
            r"\b(he|she|my (husband|partner|boyfriend|girlfriend|wife|son|brother|dad|stepdad|ex|father))( has|'s)? (just )?(hit|slapped|slapping|shoved|pushed|grabbed|kicked|threw|thrown|twisted|punched|strangled|choked|locked|hidden|taken|taking) (me|my|a chair|the door|her)\b|\b(won'?t|doesn'?t|will not) let me (leave|go out|out|go)( the house)?\s*([.,!;]|$)|\bnot allowed out\b|\b(locked|hiding) (in|myself in) (the|my) (bathroom|bedroom|room)\b|\bi'?m hiding\b|\bbanging on the door\b|\b(scared|frightened|afraid|too scared) to (go|drive) home\b|\b(he|she)'?(ll|d)? (break|burn|finish|put me in)\b|\bput me in hospital\b|\bscreaming at (me|my mum|my dad)\b|\bsomething smash\w*\b|\bwith me in it\b",
        ),
        signal(
            "emergency symptoms now",
            MedicalEmergency,
            r"\bsuddenly (really |very )?confused\b|\b(very |really )?confus(ed|d)\b.{0,60}\b(chemo|hot|temp|shaking|words)\b|\bdoesn'?t know what day\b|\b(can'?t|cannot) feel my (feet|legs|arms?|hands)\b|\blegs?\b.{0,40}\b(weak and numb|numb|gone from under|given way|gave way)\b|\b(can'?t|cannot) (stand|walk|get up)\b|\bwet myself\b|\bstruggling to walk\b|\b(lips|tongue|throat)\b.{0,40}\b(swollen|swelling|tight)\b|\bshaking so much\b|\bchest feels like\b|\bpain in the middle of my chest\b|\b(out of breath|breathless)\b|\bworst headache\b|\bseeing double\b|\bspeech went\b|\b(words|speech) (are|is) not coming\b|\bjerking on its own\b|\b(temp|temperature)('s| is| of)? (3[89]|4[01])(\.\d)?\b|\b(feel|feeling) cold and clammy\b|\b(temp|temperature|thermometer)\b.{0,40}\b(3[89]|4[01])\.\d\b|\bit'?s (3[89]|4[01])\.\d\b",
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
        r"\b(not|never|no longer|nor) (feeling |been |ever )?(suicidal|want to (die|kill))\b",
        r"|\bi'?m not (suicidal|going to do anything)\b|\bdon'?t (want|plan) to (kill|end|die|hurt)\b",
        r"|\bused to\b|\byears ago\b|\bwhen i was (young|younger|a teenager|at school|\d+)\b|\bin the past\b",
        r"|\b(if|what if|would it be|is it normal|is it|are there|what are|how do|how long|signs of|symptoms of|leaflet|policy|debate|law|bill|campaign|documentary|article|film|book)\b.*\?",
        r"|\bassisted dying\b|\bdignitas\b|\b(hospice|dnacpr|dnr|palliative|end of life|will|funeral)\b.*\b(plan|planned|planning|wrote|written|sorted)\b",
        r"|\bjoke|joking|lol\b|\bha ?ha\b|\bdying to\b|\bto die for\b|\bkilling me\b",
        r"|\b(not|isn'?t|no|never) (breathless|out of breath|confused|feverish|in pain)\b"
    ))
});

/// A post that frames a crisis as over ("two years ago", "therapy helped", "I'm in a better
/// place now"): its risk sentences count only if they also say *now*.
static OVER: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(years?|months) ago\b|\bback in (19|20)\d\d\b|\bin (19|20)\d\d\b|\bwhen i was (young|younger|a teenager|at school|\d+)\b|\bused to\b|\b(therapy|counselling|medication|the crisis team|my gp) (really )?helped\b|\b(i'?m|i am) (in a )?(much )?(better|safe|good) (place|now)\b|\b(doing|feeling) (much |so much |a lot )?better\b|\blooking back\b|\bthat was (then|the worst)\b|\bi got (through|help)\b|\bi'?m still here\b|\bbeen (clean|free) (of|from)\b|\ball (fine|good|ok) now\b|\bhome now\b|\bthat was in\b|\bthat was (19|20)\d\d\b|\bwhen i was first\b|\bended up\b|\blast cycle\b|\bhad the rest\b|\bhaven'?t done it since\b|\bsince then\b",
    )
});

/// Words that put a risk sentence in the present.
static NOW: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(now|tonight|today|again|right now|this (morning|afternoon|evening|week)|at the moment|currently|keep|keeps|going to|gonna|tomorrow)\b",
    )
});

/// Another member named (an @handle, "from this group", "my friend on here") …
static MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"@\w+|\b(from|in|on) (this|the|our) (group|forum|site|chat|thread|zoom|meet-up|lounge|section|board)\b|\bour member\b|\b(my )?friend on here\b|\bone of the (partners|members|daughters|husbands|mums)\b|\bfrom the \w+ (chat|zoom|thread|group|meet-up)\b",
    )
});

/// … and a risk described in the third person.
static THIRD_PERSON_RISK: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(hurt|hurting|cut|cutting|burn|burning|kill|killing) (herself|himself|themselves)\b|\b(hit|hurt|threatened|locked in|beat) (her|him)\b|\b(she|he|they)('s| is| has| was| had| said| says| sounded| posted| messaged| wrote)?\b.{0,90}\b(goodbye|overdose|pills|tablets|knife|blade|bridge|river|multi-storey|numb|temperature|temp'?s|shivering|confused|threatened|hit her|hit him|locked (her|him) in|at peace|jewellery|a bother|better off without|wanting to be here|want to come back|the lot|taking all|not answering|stopped replying|giving .{0,20} away|given .{0,20} away|so no one has to)\b",
    )
});

/// A post about dying from the disease: goodbyes, giving things away and a chosen day are legacy
/// work there — unless the author says the cancer is not the reason.
static TERMINAL: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(secondaries|mets|metastatic|stage 4|stage iv|hospice|palliative|end of life|weeks to months|months rather than years|prognosis is (poor|short|weeks|months)|stop (chemo|treatment)|stopping (chemo|treatment)|no more treatment|terminal)\b",
    )
});
static NOT_TERMINAL: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(it'?s|its) not (the cancer|that)\b|\bnot (because of|about) the cancer\b|\bprognosis is (excellent|good|great)\b|\bgood prognosis\b|\b(only|just) stage [1-3]\b|\bstage (1|2|one|two)\b|\bned\b|\bin remission\b|\bno evidence of disease\b|\bnot the oncologist'?s\b",
    )
});
/// Signals that terminal illness explains.
const LEGACY: [&str; 6] = [
    "saying goodbye",
    "giving things away",
    "a goodbye by choice",
    "a chosen day",
    "wish to be dead",
    "settling affairs",
];

/// A passive wish to be dead balanced by a wish to live, or an explicit "not suicidal".
static BALANCED: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\bi'?m not (going to|gonna) do anything\b|\bi'?d never (leave|do|act)\b|\bnot suicidal\b|\bi'?m safe\b|\bno (plans?|intention) to\b|\bwouldn'?t (act on|do) (it|anything)\b",
    )
});
/// Laughter: "he'll kill me if I buy another wig 😂" is not a threat.
static LAUGHING: LazyLock<Regex> =
    LazyLock::new(|| super::detect::regex(r"😂|🤣|😆|😅|\blol\b|\bhaha\w*\b|\bbless him\b|\bbless her\b"));
/// Someone else in the post for a threat at home to come from.
static SOMEONE_AT_HOME: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(he|him|his|she|her|husband|partner|boyfriend|girlfriend|wife|son|daughter|brother|sister|dad|stepdad|ex|father|mother|mum|they)\b",
    )
});
/// A death, not a risk: a member who died is grief.
static DIED: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(r"(\b(she|he|they)|@\w+) (has |have )?(died|passed away)\b|\bher funeral\b|\brip\b")
});

/// Symptoms are an emergency whenever they are happening now, even in a question ("is this
/// normal?"); only a sentence wholly in the past, or a denial, sets them aside.
static SYMPTOMS_DENIED: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(r"\b(not|isn'?t|no|never|wasn'?t) (breathless|out of breath|confused|feverish|in pain)\b")
});
static PAST_VERBS: LazyLock<Regex> =
    LazyLock::new(|| super::detect::regex(r"\b(had|was|were|ended up|rang|went|got|took|once)\b"));
static PRESENT: LazyLock<Regex> = LazyLock::new(|| {
    super::detect::regex(
        r"\b(is|am|i'?m|it'?s|feels?|have|has|keeps?|now|tonight|today|this (morning|afternoon|evening)|since|started|getting|can'?t)\b",
    )
});

/// What the hand-written rules found in a post: the signals of present risk that survived their
/// discounts, and the context around them. They are the model's strongest features and the
/// first reasons moderators read.
#[derive(Debug, Clone, Default)]
pub struct Cues {
    pub signals: Vec<(&'static str, UrgentKind)>,
    /// Signals that matched somewhere but were set aside (negated, over, explained).
    pub set_aside: Vec<&'static str>,
    pub context: Vec<&'static str>,
}

impl Cues {
    /// As model features.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.signals.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.extend(self.signals.iter().map(|(_, k)| format!("kind {}", k.as_str())));
        names.extend(self.set_aside.iter().map(|n| format!("set aside: {n}")));
        names.extend(self.context.iter().map(|c| format!("context: {c}")));
        names
    }
}

/// The rules: sentence-level signals of present risk, discounted for negation, crises that are
/// over, terminal illness, laughter and the rest.
pub fn cues(text: &str) -> Cues {
    let lower = text.to_lowercase().replace(['’', '‘'], "'");
    let mut cues = Cues::default();
    let over = OVER.is_match(&lower);
    let legacy = TERMINAL.is_match(&lower) && !NOT_TERMINAL.is_match(&lower);
    let balanced = BALANCED.is_match(&lower);
    let laughing = LAUGHING.is_match(&lower);
    let at_home = SOMEONE_AT_HOME.is_match(&lower);
    let member = MEMBER.is_match(&lower);
    let died = DIED.is_match(&lower);
    for (on, name) in [
        (over, "a crisis that is over"),
        (legacy, "terminal illness"),
        (balanced, "a wish to live"),
        (laughing, "laughter"),
        (member, "another member"),
        (died, "a death"),
    ] {
        if on {
            cues.context.push(name);
        }
    }
    if member && THIRD_PERSON_RISK.is_match(&lower) && !died {
        cues.signals.push(("another named member at risk", UrgentKind::SomeoneElse));
    }
    // Most posts carry no signal at all: one pass per pattern over the whole text says so,
    // and only the patterns that fired are looked at sentence by sentence.
    let candidates: Vec<&Signal> = SIGNALS.iter().filter(|s| s.pattern.is_match(&lower)).collect();
    if candidates.is_empty() {
        return cues;
    }
    for sentence in lower.split(['.', '!', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let discounted = DISCOUNTS.is_match(sentence) || (over && !NOW.is_match(sentence));
        let symptoms_set_aside =
            SYMPTOMS_DENIED.is_match(sentence) || (PAST_VERBS.is_match(sentence) && !PRESENT.is_match(sentence));
        for s in &candidates {
            if !s.pattern.is_match(sentence) || cues.signals.iter().any(|(n, _)| *n == s.name) {
                continue;
            }
            let discounted = if s.kind == UrgentKind::MedicalEmergency { symptoms_set_aside } else { discounted };
            let explained = match s.kind {
                _ if LEGACY.contains(&s.name) && legacy => true,
                UrgentKind::Suicide if balanced => true,
                UrgentKind::Abuse => laughing || !at_home,
                _ => false,
            };
            if discounted || explained {
                if !cues.set_aside.contains(&s.name) {
                    cues.set_aside.push(s.name);
                }
            } else {
                cues.signals.push((s.name, s.kind));
            }
        }
    }
    cues.set_aside.retain(|n| !cues.signals.iter().any(|(s, _)| s == n));
    cues
}

/// Does the post show a present risk? The rules' cues and the post's words go to the model
/// (`safeguarding_model`), which decides; the signals are the rules that fired and the
/// features that weighed most.
pub fn assess(text: &str) -> Option<Urgency> {
    let cues = cues(text);
    let verdict = MODEL.judge(text, &cues.names());
    // A plan, a date or means the rules can point to makes the post urgent whatever the model
    // weighs, and leads: it is the kind that keeps the post off the page until a moderator has
    // seen it.
    let plan = cues.signals.iter().any(|(_, k)| *k == UrgentKind::PlanOrMeans);
    let kind = if plan { Some(UrgentKind::PlanOrMeans) } else { verdict.kind }?;
    let mut signals: Vec<String> = cues.signals.iter().map(|(n, _)| (*n).to_owned()).collect();
    for reason in verdict.reasons {
        if !signals.contains(&reason) {
            signals.push(reason);
        }
    }
    Some(Urgency { kind, signals })
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

    #[test]
    fn context_in_the_post_decides_what_the_same_words_mean() {
        // A goodbye with a known prognosis is legacy work; the same goodbye "not because of the
        // cancer" is a crisis.
        let legacy = "My mets have spread and the hospice team are lovely. I've been giving my things away to the grandchildren.";
        assert_eq!(kind(legacy), None);
        let crisis = "I'm in remission, it's not the cancer. I've been giving my things away this week.";
        assert_eq!(kind(crisis), Some(UrgentKind::Suicide));
        // A crisis that is over; a laugh; a member who has died.
        assert_eq!(kind("Years ago I stockpiled tablets. Therapy helped and I'm in a much better place now."), None);
        assert_eq!(kind("He'll break my neck if I buy another wig 😂"), None);
        assert_eq!(kind("@RosieR died on Sunday. Her last post said she'd be at peace soon."), None);
        // Another member, named, at risk now.
        assert_eq!(
            kind("Can a moderator check on @BlueSky? She said she has taken all her tablets and is not answering."),
            Some(UrgentKind::SomeoneElse)
        );
    }
}
