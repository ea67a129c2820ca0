//! The stricter rule for verified clinicians: a clinician describing someone they cared for,
//! with a detail that could identify them (when, their age, where they live, what they do),
//! is held for a moderator. "A lady I scanned this morning" or "my patient, 43, from Salford"
//! may be recognised by the patient or her neighbours, even with no name at all.
//!
//! A case reference alone ("my patients often ask…") is fine, and so is a detail alone.

use std::sync::LazyLock;

use regex::Regex;

use super::detect::regex;

/// Someone the clinician cared for.
static CASE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:(?:my|our)\s+(?:patient|client)s?\b|one\s+of\s+(?:my|our)\s+(?:patient|client)s\b|a\s+(?:patient|client)\s+(?:of\s+(?:mine|ours)|I|we)\b|(?:a|the|this|one)\s+(?:lady|woman|man|gentleman|girl|boy|patient|client|mum|mother|dad|father|young\s+(?:woman|man|mum))\s+(?:I|we)(?:'ve|\s+have)?\s+(?:just\s+)?(?:scanned|saw|seen|treated|examined|imaged|x-rayed|biopsied|operated\s+on|referred|reported\s+on|looked\s+after|nursed|met|had\s+in)\b)",
    )
});

/// A detail that narrows "a patient" down to a person.
static DETAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:this\s+(?:morning|afternoon|evening|week)|today|yesterday|tonight|last\s+(?:night|week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|aged?\s+\d{1,3}|\d{1,3}[\s-]*(?:years?[\s-]*old|yo|y/o)|,\s*\d{2}\s*,|(?:from|in|lives\s+in|near)\s+(?-i:[A-Z][a-z]{2,})|(?:who\s+is|works\s+as|she's|he's)\s+an?\s+[a-z]+(?:er|or|ist|ian|nurse|teacher|doctor)\b|(?:her|his)\s+(?:husband|wife|partner|daughter|son|twins?|kids)\b)",
    )
});

/// How far from the case reference a detail still describes the same person (characters).
const WINDOW: usize = 160;

/// The stretch from the case reference to its identifying detail, as character offsets.
pub fn find(text: &str) -> Option<(usize, usize)> {
    for case in CASE.find_iter(text) {
        let from = floor_char(text, case.start().saturating_sub(WINDOW));
        let to = ceil_char(text, (case.end() + WINDOW).min(text.len()));
        let nearby = &text[from..to];
        // Every detail near the reference, so a moderator's redaction takes them all.
        let details: Vec<(usize, usize)> = DETAIL
            .find_iter(nearby)
            .map(|d| (from + d.start(), from + d.end()))
            .filter(|&(s, e)| !(s >= case.start() && e <= case.end()))
            .collect();
        if let (Some(first), Some(last)) = (details.first(), details.last()) {
            let start = case.start().min(first.0);
            let end = case.end().max(last.1);
            return Some((text[..start].chars().count(), text[..end].chars().count()));
        }
    }
    None
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn a_case_with_an_identifying_detail_is_found() {
        for text in [
            "A lady I scanned this morning had the same question about compression.",
            "My patient, 43, from Salford asked me whether it would hurt.",
            "I had a young mum I treated last week who was terrified of the machine.",
            "One of my patients is a teacher in Leeds and she kept working throughout.",
            "A patient of mine, aged 67, told me the cold cap really helped.",
        ] {
            assert!(find(text).is_some(), "{text}");
        }
    }

    #[test]
    fn general_experience_and_details_alone_are_not_case_discussion() {
        for text in [
            "My patients often ask whether the scan will hurt: it is uncomfortable but quick.",
            "My patients often ask about scans in general, and about the results letter.",
            "Most women find the compression lasts only a few seconds.",
            "I scanned my first patient twenty years ago and I still love the job.",
            "Hi Angie, the clinic in Leeds opens at 8 this morning.",
            "Radiotherapy usually takes 15 sessions over three weeks.",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn the_span_covers_the_reference_and_the_detail_in_characters() {
        let text = "Ça va. My patient, 43, from Salford was fine.";
        let (start, end) = find(text).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let span: String = chars[start..end].iter().collect();
        assert!(span.starts_with("My patient") && span.ends_with("Salford"), "{span}");
    }
}
