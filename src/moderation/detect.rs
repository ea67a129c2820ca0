//! Confidentiality detectors: find what could identify a patient (NHS and hospital numbers,
//! names, dates of birth, phone numbers, email and street addresses, postcodes) and return
//! typed spans in character offsets. Pure functions; no I/O.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::names;

/// The kinds of personal information we look for (names as in DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SpanType {
    NhsNumber,
    HospitalNumber,
    Person,
    DateOfBirth,
    Phone,
    Email,
    Postcode,
    Address,
}

impl SpanType {
    pub const ALL: [SpanType; 8] = [
        SpanType::NhsNumber,
        SpanType::HospitalNumber,
        SpanType::Person,
        SpanType::DateOfBirth,
        SpanType::Phone,
        SpanType::Email,
        SpanType::Postcode,
        SpanType::Address,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpanType::NhsNumber => "NHS_NUMBER",
            SpanType::HospitalNumber => "HOSPITAL_NUMBER",
            SpanType::Person => "PERSON",
            SpanType::DateOfBirth => "DATE_OF_BIRTH",
            SpanType::Phone => "PHONE",
            SpanType::Email => "EMAIL",
            SpanType::Postcode => "POSTCODE",
            SpanType::Address => "ADDRESS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// What it is, in words for the author ("This looks like …").
    pub fn describe(self) -> &'static str {
        match self {
            SpanType::NhsNumber => "an NHS number",
            SpanType::HospitalNumber => "a hospital number",
            SpanType::Person => "someone's full name",
            SpanType::DateOfBirth => "a date of birth",
            SpanType::Phone => "a phone number",
            SpanType::Email => "an email address",
            SpanType::Postcode => "a postcode",
            SpanType::Address => "a street address",
        }
    }
}

/// A stretch of the text that looks like personal information. Offsets count characters
/// (Unicode scalar values), not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub kind: SpanType,
}

/// What the detectors may ignore.
#[derive(Debug, Clone, Default)]
pub struct Allow {
    /// Public helplines, as digits only (e.g. "116123"): never personal.
    pub helplines: Vec<String>,
    /// Members' display names, lower-case: pseudonyms, not personal information.
    pub display_names: Vec<String>,
}

/// The helplines allowed with no database at hand (`forum check`); in the app, the list admins
/// keep at `/admin/helplines` (seeded with these) is added.
pub const DEFAULT_HELPLINES: &[&str] = &[
    "116123",      // Samaritans
    "111",         // NHS 111
    "999",         // emergency
    "112",         // emergency
    "08088006000", // Breast Cancer Now
    "08088080000", // Macmillan
    "08001111",    // Childline
    "08002000247", // National Domestic Abuse Helpline
    "0800585858",  // CALM
    "08000684141", // HOPELINEUK
    "03001000200", // NHS 24 (Scotland) older number form
];

impl Allow {
    pub fn with_default_helplines() -> Self {
        Allow { helplines: DEFAULT_HELPLINES.iter().map(|s| (*s).to_owned()).collect(), display_names: Vec::new() }
    }
}

/// A span in byte offsets, before conversion.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    kind: SpanType,
}

/// Finds personal information in `text`. Spans are sorted and never overlap.
pub fn detect(text: &str, allow: &Allow) -> Vec<Span> {
    let mut found: Vec<Found> = Vec::new();
    // Order matters: an earlier, more specific detector claims its stretch first.
    emails(text, &mut found);
    hospital_numbers(text, &mut found);
    hospital_numbers_second_look(text, &mut found);
    dates_of_birth(text, &mut found);
    nhs_numbers(text, &mut found);
    phones(text, allow, &mut found);
    addresses(text, &mut found);
    postcodes(text, &mut found);
    people(text, allow, &mut found);
    found.sort_by_key(|f| (f.start, f.end));
    to_char_offsets(text, &found)
}

fn overlaps(found: &[Found], start: usize, end: usize) -> bool {
    found.iter().any(|f| f.start < end && start < f.end)
}

fn push(found: &mut Vec<Found>, start: usize, end: usize, kind: SpanType) {
    if start < end && !overlaps(found, start, end) {
        found.push(Found { start, end, kind });
    }
}

fn to_char_offsets(text: &str, found: &[Found]) -> Vec<Span> {
    let mut out = Vec::with_capacity(found.len());
    let mut chars_before = 0;
    let mut byte_pos = 0;
    for f in found {
        chars_before += text[byte_pos..f.start].chars().count();
        let length = text[f.start..f.end].chars().count();
        out.push(Span { start: chars_before, end: chars_before + length, kind: f.kind });
        chars_before += length;
        byte_pos = f.end;
    }
    out
}

/// The lower-cased text within `before` bytes before `at` (on a character boundary).
fn window_before(text: &str, at: usize, before: usize) -> String {
    let mut start = at.saturating_sub(before);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..at].to_lowercase()
}

fn window_after(text: &str, at: usize, after: usize) -> String {
    let mut end = (at + after).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[at..end].to_lowercase()
}

/// Compiles a built-in pattern. Word boundaries are ASCII ones: a Unicode `\b` makes the fast
/// DFA engines give up on any non-ASCII text (an emoji, a curly quote), which is ~10x slower.
pub(crate) fn regex(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).unwrap_or_else(|e| panic!("built-in pattern {pattern:?} is invalid: {e}"))
}

// ---- email ---------------------------------------------------------------------------------

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"));

fn emails(text: &str, found: &mut Vec<Found>) {
    for m in EMAIL.find_iter(text) {
        push(found, m.start(), m.end(), SpanType::Email);
    }
}

// ---- NHS numbers ---------------------------------------------------------------------------

static TEN_DIGITS: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:\d{3} \d{3} \d{4}|\d{3}-\d{3}-\d{4}|\d{10})\b"));

/// Words near a 10-digit number that say it is something else.
const NOT_NHS_CONTEXT: &[&str] = &[
    "isbn",
    "order",
    "tracking",
    "parcel",
    "invoice",
    "account",
    "ref",
    "booking",
    "serial",
    "barcode",
    "prescription",
    "receipt",
    "policy",
    "reference",
    "confirmation",
    "hospital",
    "mrn",
    "unit no",
    "case no",
];

/// True if the ten digits carry a valid NHS modulus-11 check digit.
pub fn nhs_check_digit_valid(digits: &[u8]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9].iter().zip((2..=10).rev()).map(|(d, w)| u32::from(*d) * w).sum();
    let check = match 11 - (sum % 11) {
        11 => 0,
        10 => return false,
        c => c,
    };
    u32::from(digits[9]) == check
}

fn nhs_numbers(text: &str, found: &mut Vec<Found>) {
    for m in TEN_DIGITS.find_iter(text) {
        let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
        if !nhs_check_digit_valid(&digits) {
            continue;
        }
        // Part of a longer run of digits ("1234 567 8901 23"): not ours.
        if text[m.end()..].starts_with([' ', '-']) && text[m.end() + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let before = window_before(text, m.start(), 60);
        let after = window_after(text, m.end(), 30);
        // The nearest label wins: "hospital no. 123… and my NHS no. 943…" is an NHS number.
        let nhs_at = before.rfind("nhs");
        let other_at = NOT_NHS_CONTEXT.iter().filter_map(|w| before.rfind(w)).max();
        let says_nhs = nhs_at.is_some_and(|n| other_at.is_none_or(|o| n > o)) || after.contains("nhs");
        let says_other = other_at.is_some_and(|o| nhs_at.is_none_or(|n| o > n));
        let grouped = m.as_str().len() > 10;
        // The NHS writes its numbers 3-3-4; plain ten digits need the context to say so.
        if (says_nhs || grouped) && !says_other {
            push(found, m.start(), m.end(), SpanType::NhsNumber);
        }
    }
}

// ---- hospital numbers ----------------------------------------------------------------------

static HOSPITAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        // What the number is called: "hospital number", "hosp no", "MRN", "unit no.", "PAS number"…
        r"(?i:\b(?P<label>(?:hospital|hosp\.?|unit|patient|case|medical\s+record|record|pas|mrn|m\.r\.n\.?)",
        r"(?:\s*(?:no\.?|number|num|id|#|ref))?))",
        // …then a few words at most, in the same sentence ("on her wristband is", "(it's")…
        r"(?P<filler>[^.?!\n\d]{0,30}?)",
        // …then the identifier: letters and at least four digits.
        r"(?P<id>(?i:[A-Z]{1,4})[ \-]?\d[\d \-]{2,11}\d|\d[\d \-]{3,11}\d)\b",
    ))
});

/// Words that make a label name an identifier rather than a place ("the hospital" is not one).
const IDENTIFIER_WORDS: &[&str] = &["no", "number", "num", "id", "#", "mrn", "m.r.n", "ref", "pas"];

fn hospital_numbers(text: &str, found: &mut Vec<Found>) {
    scan(&HOSPITAL, text, |caps| {
        let (Some(label_match), Some(filler), Some(id)) = (caps.name("label"), caps.name("filler"), caps.name("id"))
        else {
            return Ok(());
        };
        let resume = label_match.end();
        let label = label_match.as_str().to_lowercase();
        let named = label.split(|c: char| c.is_whitespace() || c == '.').any(|w| IDENTIFIER_WORDS.contains(&w))
            || label.starts_with("mrn")
            || label.starts_with("m.r.n");
        // The filler may not start a new thought that carries its own number ("and my NHS no.").
        let filler = filler.as_str().to_lowercase();
        if !named || filler.contains("nhs") || filler.contains(" and ") {
            return Err(resume);
        }
        // A lower-case word before a space is not a prefix: "is 40021877" is "40021877".
        let mut start = id.start();
        let id_text = id.as_str();
        if let Some((prefix, rest)) = id_text.split_once(' ')
            && prefix.chars().all(char::is_alphabetic)
            && !prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            start += prefix.len() + 1;
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(resume);
            }
        }
        let id_text = text[start..id.end()].trim_end_matches([' ', '-']);
        let digits = id_text.bytes().filter(u8::is_ascii_digit).count();
        if digits < 5 {
            return Err(resume);
        }
        push(found, start, start + id_text.len(), SpanType::HospitalNumber);
        Ok(())
    });
}

/// "Mine's MH0391177": letters then five or more digits, in a post that has just talked about
/// hospital numbers, is one even without a label right before it.
static CODE_LIKE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b[A-Z]{1,4}\d{5,10}\b"));

const HOSPITAL_TALK: &[&str] =
    &["hospital number", "hospital no", "hosp no", "mrn", "unit number", "unit no", "wristband"];

fn hospital_numbers_second_look(text: &str, found: &mut Vec<Found>) {
    for m in CODE_LIKE.find_iter(text) {
        let before = window_before(text, m.start(), 200);
        if HOSPITAL_TALK.iter().any(|w| before.contains(w)) {
            push(found, m.start(), m.end(), SpanType::HospitalNumber);
        }
    }
}

// ---- dates of birth ------------------------------------------------------------------------

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

static DOB: LazyLock<Regex> = LazyLock::new(|| {
    let date = format!(
        r"(?P<date>\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*(?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+(?:\d{{4}}|'?\d{{2}})|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    );
    regex(&format!(
        r"(?i)\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday(?:\s+is|\s+was)?|born(?:\s+on)?)(?P<filler>[^.?!\n\d]{{0,30}}?){date}"
    ))
});

/// Words between "DOB" and a date that say the date is about something else.
const OTHER_DATES: &[&str] = &[
    "appointment",
    "appt",
    "scan",
    "surgery",
    "operation",
    " op ",
    "result",
    "diagnos",
    "booked",
    "clinic",
    "chemo",
    "radio",
    "mammo",
    "biopsy",
    "dated",
    "due",
    "until",
    "since",
    "next",
    "last",
    "sent",
    "letter",
];

/// Any full date, for the second look below.
static ANY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*(?P<y4>\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+(?P<y2>\d{{4}}))\b"
    ))
});

/// The year of a date, if it is one a member could have been born in (adults, 1915 to 2010).
fn birth_year(caps: &regex::Captures<'_>) -> bool {
    let Some(year) = caps.name("y4").or_else(|| caps.name("y2")) else { return false };
    let Ok(mut y) = year.as_str().parse::<u32>() else { return false };
    if year.as_str().len() == 2 {
        y += if y > 20 { 1900 } else { 2000 };
    }
    (1915..=2010).contains(&y)
}

fn dates_of_birth(text: &str, found: &mut Vec<Found>) {
    second_look_for_birth_dates(text, found);
    for caps in DOB.captures_iter(text) {
        let (Some(filler), Some(date)) = (caps.name("filler"), caps.name("date")) else { continue };
        // "DOB … appointment on 14/03" must not turn the appointment into a birth date.
        let filler = filler.as_str().to_lowercase();
        if OTHER_DATES.iter().any(|w| filler.contains(w)) {
            continue;
        }
        push(found, date.start(), date.end(), SpanType::DateOfBirth);
    }
}

/// "They asked for my date of birth and NHS number. I gave them 03/11/1971": a date with a
/// birth year, in a post that talked about birth dates shortly before, is one — unless the words
/// right before it say it is an appointment or a diagnosis.
fn second_look_for_birth_dates(text: &str, found: &mut Vec<Found>) {
    for caps in ANY_DATE.captures_iter(text) {
        let Some(date) = caps.get(0) else { continue };
        if !birth_year(&caps) {
            continue;
        }
        let before = window_before(text, date.start(), 160);
        let talks_of_birth =
            ["dob", "d.o.b", "date of birth", "birth date", "birthday", "born"].iter().any(|w| before.contains(w));
        let near = window_before(text, date.start(), 30);
        if talks_of_birth && !OTHER_DATES.iter().any(|w| near.contains(w)) {
            push(found, date.start(), date.end(), SpanType::DateOfBirth);
        }
    }
}

// ---- phone numbers ---------------------------------------------------------------------------

static PHONE_START: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:\+44[\s\-]?(?:\(0\)[\s\-]?)?|\(0|\b0)\d"));

const NOT_PHONE_CONTEXT: &[&str] =
    &["isbn", "order", "tracking", "parcel", "invoice", "account", "ref", "booking", "serial"];

fn phones(text: &str, allow: &Allow, found: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    for m in PHONE_START.find_iter(text) {
        let start = m.start();
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'/') {
            continue;
        }
        // "1Z 999 AA1 01 2345 6784": after a token with digits in it, this is the tail of a code.
        let previous_token = text[..start].trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
        if text[..start].ends_with(' ') && previous_token.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        // Collect digit groups separated by single spaces, hyphens or brackets, up to 11 digits
        // (after turning +44 into 0).
        let international = text[start..].starts_with("+44");
        let mut digits = String::from(if international { "0" } else { "" });
        let mut pos = start + if international { 3 } else { 0 };
        let mut end = start;
        loop {
            // Skip one separator (or "(0)" after +44).
            let rest = &text[pos..];
            let skip = if rest.starts_with("(0)") && international && digits.len() == 1 {
                3
            } else if rest.starts_with([' ', '-', '(', ')']) {
                1
            } else {
                0
            };
            let group_start = pos + skip;
            let group: String = text[group_start..].chars().take_while(char::is_ascii_digit).collect();
            if group.is_empty() || digits.len() + group.len() > 11 {
                break;
            }
            digits.push_str(&group);
            pos = group_start + group.len();
            end = pos;
            if text[pos..].starts_with(')') {
                pos += 1;
                end = pos;
            }
        }
        if end <= start || bytes.get(end).is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let plausible = match digits.get(..2) {
            Some("07") => digits.len() == 11,
            Some("01" | "02" | "03" | "08" | "05") => digits.len() == 10 || digits.len() == 11,
            _ => false,
        };
        if !plausible || allow.helplines.contains(&digits) {
            continue;
        }
        let before = window_before(text, start, 40);
        if NOT_PHONE_CONTEXT.iter().any(|w| before.contains(w)) && !before.contains("phone") {
            continue;
        }
        // A trailing ')' belongs to the number only if it opened one.
        let span_text = &text[start..end];
        let end = if span_text.ends_with(')') && !span_text.contains('(') { end - 1 } else { end };
        push(found, start, end, SpanType::Phone);
    }
}

// ---- postcodes and addresses ---------------------------------------------------------------

static POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"));

fn postcodes(text: &str, found: &mut Vec<Found>) {
    for m in POSTCODE.find_iter(text) {
        let s = m.as_str();
        let letters: Vec<char> = s.chars().filter(char::is_ascii_alphabetic).collect();
        let all_upper = letters.iter().all(char::is_ascii_uppercase);
        let all_lower = letters.iter().all(char::is_ascii_lowercase);
        if !all_upper && !all_lower {
            continue;
        }
        // "m3 1st", "t2 2nd": a score and an ordinal, not a postcode.
        let inward = &s[s.len() - 3..];
        if !all_upper && ["st", "nd", "rd", "th"].iter().any(|o| inward.ends_with(o)) {
            continue;
        }
        if all_lower && !s.contains(' ') {
            continue;
        }
        push(found, m.start(), m.end(), SpanType::Postcode);
    }
}

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?:\bThe\s+[A-Z][a-z]+,\s+)?",
        r"\b(?:(?:Flat|flat|Apartment|Apt|Unit)\s+\d{1,4}[A-Za-z]?,?\s+)?",
        r"(?:\d{1,4}/)?\d{1,4}[A-Za-z]?,?\s+",
        r"(?:(?:[A-Z][a-z'’]+|[A-Z]{2,})\s+){1,3}",
        r"(?i:road|rd|street|st|avenue|ave|lane|ln|close|drive|way|crescent|cres|grove|place|terrace|",
        r"gardens|gdns|court|square|sq|hill|park|mews|row|walk|view|rise|parade|green|vale|",
        r"boulevard|croft|meadows?|fold|wynd|brae|gate|end|approach|chase|hollow)\b\.?",
    ))
});

/// Welsh street names put the street word first: "23 Heol y Nant", "4 Ffordd Las".
static WELSH_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b\d{1,4},?\s+(?:Heol|Ffordd|Stryd|Lôn|Lon|Rhodfa|Cilgant)\s+(?:(?:y|yr|[A-Z][a-z]+)\s+)?[A-Z][a-z]+")
});

fn addresses(text: &str, found: &mut Vec<Found>) {
    for m in WELSH_ADDRESS.find_iter(text) {
        push(found, m.start(), m.end(), SpanType::Address);
    }
    for m in ADDRESS.find_iter(text) {
        // "14:20, Fulham Road site": the number is a time.
        if text[..m.start()].ends_with(':') {
            continue;
        }
        let mut end = m.end();
        if text[..end].ends_with('.') {
            end -= 1;
        }
        // "2 St James's" is a hospital, not a street: the street word must come last.
        push(found, m.start(), end, SpanType::Address);
    }
}

// ---- people's names ------------------------------------------------------------------------

const NAME: &str = r"(?:Ma?c[A-Z][a-z]+|O['’][A-Z][a-z]+|[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)";

static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Sister|Nurse|Sr|Rev|Reverend|Dame|Sir|Lady|Lord)\.?\s+((?:[A-Z]\.\s*)?{NAME})(?:\s+({NAME}))?(?:\s+({NAME}))?"
    ))
});

static REPORTED: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i:\b(?:husband|wife|partner|mum|mother|dad|father|sister|brother|daughter|son|friend|neighbou?r|colleague|boss|aunt(?:ie)?|uncle|cousin|niece|nephew|grandma|grandad|granddad|grandmother|grandfather|nan|gran|fianc[ée]e?|consultant|surgeon|oncologist|radiologist|radiographer|mammographer|nurse|gp|doctor|registrar|physio|receptionist|anaesthetist|pharmacist|midwife|patient|lady|woman|man|called|named|name\s+is|name\s+was|by|from|with|see|saw|ask\s+for|manager|contact|ring|call|phone|text|email|thank|thanks\s+to|ask|dear|re:?|patient:?|name:?|i'?m|i\s+am|this\s+is)\b)(?:\s*,\s*|\s+)(?:(?i:is|was)\s+)?({NAME})\s+({NAME})"
    ))
});

/// Names in capitals, as on a wristband or a letter: "KAREN J BELLWOOD".
static CAPITAL_NAMES: LazyLock<Regex> = LazyLock::new(|| regex(r"\b([A-Z]{2,})\s+(?:[A-Z]\s+)?([A-Z][A-Z'\-]{1,})\b"));

static TWO_NAMES: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"\b({NAME})\s+({NAME})\b")));

fn is_display_name(candidate: &str, allow: &Allow) -> bool {
    let lower = candidate.to_lowercase();
    allow.display_names.contains(&lower)
}

/// Words after a name that make it the name of a place: "Sir Robert Ogden Centre", "Mary Seacole ward".
const PLACE_WORDS: &[&str] = &[
    "centre",
    "center",
    "hospital",
    "ward",
    "unit",
    "house",
    "building",
    "wing",
    "suite",
    "hospice",
    "clinic",
    "macmillan",
    "trust",
    "institute",
    "foundation",
    "road",
    "street",
    "lane",
    "avenue",
    "library",
    "school",
];

fn names_a_place(text: &str, end: usize) -> bool {
    let next = text[end..].split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric());
    PLACE_WORDS.contains(&next.to_lowercase().as_str())
}

/// Runs `re` over `text` like `captures_iter`, but when `accept` rejects a candidate the scan
/// resumes inside it (at the byte it returns), so a rejected "Ring Pauline" does not hide
/// "Pauline Fairbairn".
fn scan(re: &Regex, text: &str, mut accept: impl FnMut(&regex::Captures<'_>) -> Result<(), usize>) {
    let mut pos = 0;
    while pos < text.len() {
        let Some(caps) = re.captures_at(text, pos) else { break };
        let whole = caps.get(0).map_or(text.len(), |m| m.end());
        pos = match accept(&caps) {
            Ok(()) => whole,
            Err(resume) => resume.max(pos + 1),
        };
        while pos < text.len() && !text.is_char_boundary(pos) {
            pos += 1;
        }
    }
}

fn people(text: &str, allow: &Allow, found: &mut Vec<Found>) {
    scan(&TITLED, text, |caps| {
        let (Some(whole), Some(first)) = (caps.get(0), caps.get(1)) else { return Ok(()) };
        if names::is_not_surname(first.as_str()) {
            return Err(first.start());
        }
        // Extend over the further name words that really are names.
        let mut end = first.end();
        for part in [caps.get(2), caps.get(3)].into_iter().flatten() {
            if names::is_not_surname(part.as_str()) || !text[end..part.start()].trim().is_empty() {
                break;
            }
            end = part.end();
        }
        // "Dr Sarah", "Nurse Kelly": a title with only a first name does not identify anyone.
        let single = end == first.end() && !first.as_str().contains('.');
        if (single && names::is_first_name(first.as_str()))
            || is_display_name(&text[whole.start()..end], allow)
            || names_a_place(text, end)
        {
            return Err(first.start());
        }
        push(found, whole.start(), end, SpanType::Person);
        Ok(())
    });
    scan(&REPORTED, text, |caps| {
        let (Some(first), Some(last)) = (caps.get(1), caps.get(2)) else { return Ok(()) };
        if names::is_not_surname(first.as_str()) || names::is_not_surname(last.as_str()) {
            return Err(first.start());
        }
        let end = extend_name(text, last.end());
        if is_display_name(&text[first.start()..end], allow) || names_a_place(text, end) {
            return Err(first.start());
        }
        push(found, first.start(), end, SpanType::Person);
        Ok(())
    });
    scan(&CAPITAL_NAMES, text, |caps| {
        let (Some(first), Some(last)) = (caps.get(1), caps.get(2)) else { return Ok(()) };
        if !names::is_first_name(first.as_str()) || names::is_not_surname(last.as_str()) {
            return Err(last.start());
        }
        push(found, first.start(), last.end(), SpanType::Person);
        Ok(())
    });
    // A known first name followed by a surname-like word, anywhere: "Sarah Jones said…".
    scan(&TWO_NAMES, text, |caps| {
        let (Some(first), Some(last)) = (caps.get(1), caps.get(2)) else { return Ok(()) };
        if !names::is_first_name(first.as_str()) || names::is_not_surname(last.as_str()) {
            return Err(last.start());
        }
        let end = extend_name(text, last.end());
        if is_display_name(&text[first.start()..end], allow) || names_a_place(text, end) {
            return Err(last.start());
        }
        push(found, first.start(), end, SpanType::Person);
        Ok(())
    });
}

/// "Margaret Ann" + " Tulley": a middle name is followed by the surname.
fn extend_name(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    let Some(next) = rest.strip_prefix(' ') else { return end };
    let word: String = next.chars().take_while(|c| c.is_alphabetic() || *c == '-' || *c == '\'').collect();
    let capitalised =
        word.chars().next().is_some_and(char::is_uppercase) && word.chars().skip(1).any(char::is_lowercase);
    if capitalised && !names::is_not_surname(&word) && word.len() > 1 {
        let before: String = text[..end].chars().rev().take_while(|c| c.is_alphabetic()).collect();
        // Only after a middle name that is itself a first name ("Ann", "Louise").
        let middle: String = before.chars().rev().collect();
        if names::is_first_name(&middle) { end + 1 + word.len() } else { end }
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, SpanType)> {
        let chars: Vec<char> = text.chars().collect();
        detect(text, &Allow::with_default_helplines())
            .into_iter()
            .map(|s| (chars[s.start..s.end].iter().collect(), s.kind))
            .collect()
    }

    fn one(text: &str, surface: &str, kind: SpanType) {
        assert_eq!(kinds(text), vec![(surface.to_owned(), kind)], "in {text:?}");
    }

    fn none(text: &str) {
        assert_eq!(kinds(text), vec![], "in {text:?}");
    }

    #[test]
    fn nhs_numbers_need_a_valid_check_digit() {
        one("my NHS number is 943 476 5919 if needed", "943 476 5919", SpanType::NhsNumber);
        one("NHS no: 9434765919", "9434765919", SpanType::NhsNumber);
        none("NHS no: 943 476 5918"); // wrong check digit
        none("order number 9434765919 arrived"); // valid digits, but an order number
        none("ISBN 943 476 5919");
    }

    #[test]
    fn hospital_numbers_are_found_by_what_they_are_called() {
        one("my hospital number is RXH 4471203.", "RXH 4471203", SpanType::HospitalNumber);
        one("MRN: A1234567", "A1234567", SpanType::HospitalNumber);
        none("the hospital was busy, 3 cycles done");
    }

    #[test]
    fn only_birth_dates_are_dates_of_birth() {
        one("DOB 12/03/1968", "12/03/1968", SpanType::DateOfBirth);
        one("I was born on 3rd May 1971 in Leeds", "3rd May 1971", SpanType::DateOfBirth);
        none("my next appointment is 14/03/2025 at 10:40");
        none("born in 1968");
    }

    #[test]
    fn phone_numbers_but_not_helplines() {
        one("text me on 07700 900123 x", "07700 900123", SpanType::Phone);
        one("ring +44 7700 900123", "+44 7700 900123", SpanType::Phone);
        one("landline (0161) 496 0000 after six", "(0161) 496 0000", SpanType::Phone);
        none("Samaritans are on 116 123, or call NHS 111, or 999. Breast Cancer Now: 0808 800 6000");
    }

    #[test]
    fn emails_postcodes_and_addresses() {
        one("write to jane.doe73@example.com please", "jane.doe73@example.com", SpanType::Email);
        one("we live near LS1 4AP now", "LS1 4AP", SpanType::Postcode);
        none("my mammogram was M3 1st time round");
        one("come round to 14 Acacia Avenue any time", "14 Acacia Avenue", SpanType::Address);
        none("I had 3 cycles of FEC-T and 22mm grade 2");
    }

    #[test]
    fn names_with_titles_or_in_reporting_contexts_but_not_greetings() {
        one("I saw Mrs Jane Smith today", "Mrs Jane Smith", SpanType::Person);
        one("Dr Patel was lovely", "Dr Patel", SpanType::Person);
        one("my neighbour Sarah Jones had the same", "Sarah Jones", SpanType::Person);
        one("the consultant, David Brown, said it was fine", "David Brown", SpanType::Person);
        none("Hi Angie, thanks Mandy x");
        none("Dr Sarah was lovely");
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "😊 café — NHS 943 476 5919";
        let spans = detect(text, &Allow::default());
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[spans[0].start..spans[0].end].iter().collect::<String>(), "943 476 5919");
    }

    #[test]
    fn display_names_are_not_personal_information() {
        let allow = Allow { display_names: vec!["mr patel".into()], ..Allow::default() };
        assert!(detect("thanks Mr Patel for the advice", &allow).is_empty());
    }
}
