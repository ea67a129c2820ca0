//! Display names that would pass for a professional or for staff. A badge comes only from a
//! verification record, but a name such as "Dr Jones" or "Moderator Sue" would do a badge's
//! work without one, so such names are refused to members without the matching role.

/// What a name claims to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// A clinician, or a verified person: allowed with a valid badge.
    Professional,
    /// Someone who runs the forum: allowed for moderators and admins.
    Staff,
}

/// Whole words (after folding look-alike letters) that claim a role.
const PROFESSIONAL_WORDS: &[&str] = &[
    "dr",
    "doc",
    "doctor",
    "nurse",
    "sister",
    "matron",
    "prof",
    "professor",
    "consultant",
    "surgeon",
    "oncologist",
    "radiographer",
    "mammographer",
    "radiologist",
    "gp",
    "physician",
    "midwife",
    "rn",
    "rgn",
    "bcn",
    "cns",
    "verified",
    "mbbs",
    "frcr",
    "frcs",
];
const STAFF_WORDS: &[&str] =
    &["mod", "mods", "moderator", "admin", "administrator", "staff", "official", "nhs", "helpdesk", "sysop"];

/// Long words that claim a role even inside another word ("TheRealDoctor", "verifiedmammographer").
const PROFESSIONAL_INSIDE: &[&str] = &[
    "doctor",
    "surgeon",
    "oncologist",
    "radiographer",
    "mammographer",
    "radiologist",
    "physician",
    "midwife",
    "professor",
    "verified",
    "consultant",
];
const STAFF_INSIDE: &[&str] = &["moderator", "administrator", "official"];

/// Letters from other scripts that look like Latin ones, and digits people use for letters.
fn fold(c: char) -> char {
    match c {
        'а' | 'А' | 'α' | 'Α' | '4' | '@' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ε' | 'Ε' | '3' => 'e',
        'һ' | 'н' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' | '1' | '!' | '|' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'п' | 'η' | 'Ν' => 'n',
        'о' | 'О' | 'ο' | 'Ο' | '0' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'г' | 'Г' => 'r',
        'ѕ' | 'Ѕ' | '5' | '$' => 's',
        'т' | 'Т' | 'τ' | 'Τ' | '7' => 't',
        'υ' | 'ս' => 'u',
        'ν' => 'v',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'γ' | 'Υ' => 'y',
        'ᴢ' | 'Ζ' => 'z',
        other => other,
    }
}

/// The role a display name claims, if any.
pub fn claim(name: &str) -> Option<Claim> {
    // Words: split at anything but letters, and where a capital follows a small letter
    // ("DrSmith"), then fold look-alikes and case.
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        let letter = c.is_alphanumeric() || fold(c) != c;
        if !letter {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase();
        current.extend(fold(c).to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    let joined: String = words.concat();
    let is_word = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let inside = |list: &[&str]| list.iter().any(|w| joined.contains(w));
    // "Drsmith", "nursejo": the title run into the name.
    let run_in = words.iter().any(|w| {
        let after_dr = w.strip_prefix("dr").and_then(|rest| rest.chars().next());
        after_dr.is_some_and(|c| c.is_alphabetic() && !"aeiouy".contains(c))
            || (w.starts_with("nurse") && !w.starts_with("nurser"))
    });
    if is_word(STAFF_WORDS) || inside(STAFF_INSIDE) {
        Some(Claim::Staff)
    } else if is_word(PROFESSIONAL_WORDS) || inside(PROFESSIONAL_INSIDE) || run_in {
        Some(Claim::Professional)
    } else {
        None
    }
}

/// Why the name is refused to someone with these roles, in words for them; `None` if they may
/// use it.
pub fn refusal(name: &str, clinician: bool, staff: bool) -> Option<&'static str> {
    match claim(name)? {
        Claim::Professional if !clinician => Some(
            "Choose a name without a professional title or role (such as Dr, Nurse or mammographer): verified professionals show a badge instead.",
        ),
        Claim::Staff if !staff => {
            Some("Choose a name that does not sound like the forum's staff (such as moderator, admin or official).")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_roles_are_caught_however_they_are_written() {
        for name in [
            "Dr Jones",
            "dr. jones",
            "DrJones",
            "drjones",
            "Nurse Kate",
            "nursekate",
            "Kate the mammographer",
            "TheRealDoctor",
            "Verified Radiographer",
            "Sister Mary",
            "Prof Ann",
            "Ann GP",
            "Dг Jones",
            "D0ctor Who",
        ] {
            assert_eq!(claim(name), Some(Claim::Professional), "{name}");
        }
        for name in ["Moderator Sue", "forum_admin", "NHS Helper", "Official Team", "m0d jo", "mod-squad"] {
            assert_eq!(claim(name), Some(Claim::Staff), "{name}");
        }
    }

    #[test]
    fn ordinary_pseudonyms_pass() {
        for name in [
            "Pink Tulip",
            "Drew",
            "Andrea",
            "Dreamer",
            "Nursery Rhyme",
            "Badminton Fan",
            "Modest Mouse",
            "Sunflower 72",
            "Hope",
            "Dry Humour",
            "Jo Docherty",
        ] {
            assert_eq!(claim(name), None, "{name}");
        }
    }

    #[test]
    fn the_matching_role_may_use_the_name() {
        assert!(refusal("Dr Jones", false, false).is_some());
        assert!(refusal("Dr Jones", true, false).is_none());
        assert!(refusal("Moderator Sue", true, false).is_some());
        assert!(refusal("Moderator Sue", false, true).is_none());
        assert!(refusal("Pink Tulip", false, false).is_none());
    }
}
