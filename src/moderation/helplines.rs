//! The helplines list admins keep at `/admin/helplines`: every number on it may appear in a post
//! (it is not personal information), and the author of an urgent post is shown, at once, the
//! ones that match what they wrote — Samaritans for a crisis, the domestic abuse helpline for
//! abuse, the chemotherapy line for a medical emergency.

use diesel::prelude::*;

use super::safeguarding::UrgentKind;
use crate::db::schema::helplines;
use crate::db::{self, AnyConnection};

#[derive(Debug, Clone, Queryable)]
pub struct Helpline {
    pub id: i64,
    pub name: String,
    /// As people write it ("116 123"); may be empty (e.g. "the number on your alert card").
    pub number: String,
    pub note: String,
    /// The urgent kinds it is offered for, comma-separated.
    pub kinds: String,
    pub position: i32,
}

impl Helpline {
    pub fn serves(&self, kind: UrgentKind) -> bool {
        self.kinds.split(',').any(|k| k.trim() == kind.as_str())
    }

    /// "Samaritans: 116 123 (free, any time, day or night)".
    pub fn line(&self) -> String {
        let mut line = self.name.clone();
        if !self.number.is_empty() {
            line.push_str(&format!(": {}", self.number));
        }
        if !self.note.is_empty() {
            line.push_str(&format!(" ({})", self.note));
        }
        line
    }
}

/// The list in the order admins gave it (served by `helplines_position`).
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Helpline>> {
    helplines::table
        .order((helplines::position.asc(), helplines::id.asc()))
        .select((
            helplines::id,
            helplines::name,
            helplines::number,
            helplines::note,
            helplines::kinds,
            helplines::position,
        ))
        .load(conn)
}

/// Every number on the list, as digits, for the confidentiality detectors' allowlist.
pub fn digits(list: &[Helpline]) -> Vec<String> {
    list.iter()
        .map(|h| h.number.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| !d.is_empty())
        .collect()
}

/// What the author of an urgent post reads at once: kind words, then the matching lines.
pub fn help_for(list: &[Helpline], kind: UrgentKind) -> String {
    let opening = match kind {
        UrgentKind::Abuse => "You deserve to be safe. If you are in danger now, please call 999.",
        UrgentKind::MedicalEmergency => {
            "What you describe can be serious and needs a doctor now: please do not wait for replies here."
        }
        UrgentKind::SomeoneElse => "Thank you for looking out for someone. If they are in danger now, call 999.",
        _ => "We are glad you wrote. If you are in danger or might act on these thoughts, please call 999 now.",
    };
    let lines: Vec<String> = list.iter().filter(|h| h.serves(kind)).map(Helpline::line).collect();
    let mut text = opening.to_owned();
    if !lines.is_empty() {
        text.push_str(" You can also contact: ");
        text.push_str(&lines.join("; "));
        text.push('.');
    }
    text.push_str(" A moderator will read your post very soon.");
    text
}

#[derive(Debug, Clone, Default)]
pub struct HelplineFields {
    pub name: String,
    pub number: String,
    pub note: String,
    pub kinds: Vec<String>,
    pub position: i32,
}

impl HelplineFields {
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let name = self.name.trim().chars().count();
        if name == 0 || name > 100 {
            out.push(("name", "Give the helpline's name (up to 100 characters)."));
        }
        let number = self.number.trim();
        if number.chars().count() > 30
            || !number.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '+')
            || (!number.is_empty() && !number.chars().any(|c| c.is_ascii_digit()))
        {
            out.push(("number", "Write the number with digits and spaces only, e.g. 116 123 (or leave it empty)."));
        }
        if self.note.trim().chars().count() > 200 {
            out.push(("note", "Keep the note under 200 characters."));
        }
        if self.kinds.iter().any(|k| UrgentKind::parse(k).is_none()) {
            out.push(("kinds", "Choose from the listed kinds of urgent post."));
        }
        out
    }
}

pub fn create(conn: &mut AnyConnection, f: &HelplineFields) -> QueryResult<i64> {
    diesel::insert_into(helplines::table)
        .values((
            helplines::name.eq(f.name.trim()),
            helplines::number.eq(f.number.trim()),
            helplines::note.eq(f.note.trim()),
            helplines::kinds.eq(f.kinds.join(",")),
            helplines::position.eq(f.position),
            helplines::created_at.eq(db::now()),
        ))
        .returning(helplines::id)
        .get_result(conn)
}

pub fn update(conn: &mut AnyConnection, id: i64, f: &HelplineFields) -> QueryResult<bool> {
    diesel::update(helplines::table.find(id))
        .set((
            helplines::name.eq(f.name.trim()),
            helplines::number.eq(f.number.trim()),
            helplines::note.eq(f.note.trim()),
            helplines::kinds.eq(f.kinds.join(",")),
            helplines::position.eq(f.position),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(helplines::table.find(id)).execute(conn).map(|n| n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, number: &str, kinds: &str) -> Helpline {
        Helpline {
            id: 1,
            name: name.into(),
            number: number.into(),
            note: String::new(),
            kinds: kinds.into(),
            position: 1,
        }
    }

    #[test]
    fn help_matches_the_kind_of_crisis() {
        let list = [
            line("Samaritans", "116 123", "suicide,self_harm"),
            line("National Domestic Abuse Helpline", "0808 2000 247", "abuse"),
            line("Breast Cancer Now", "0808 800 6000", ""),
        ];
        let crisis = help_for(&list, UrgentKind::Suicide);
        assert!(crisis.contains("Samaritans: 116 123") && !crisis.contains("Abuse"), "{crisis}");
        let abuse = help_for(&list, UrgentKind::Abuse);
        assert!(abuse.contains("0808 2000 247") && !abuse.contains("Samaritans"), "{abuse}");
        assert_eq!(digits(&list), ["116123", "08082000247", "08088006000"]);
    }

    #[test]
    fn numbers_and_kinds_are_checked() {
        let ok = HelplineFields {
            name: "Shout".into(),
            number: "85258".into(),
            kinds: vec!["suicide".into()],
            ..Default::default()
        };
        assert!(ok.problems().is_empty());
        let bad = HelplineFields {
            name: "".into(),
            number: "call us".into(),
            kinds: vec!["bored".into()],
            ..Default::default()
        };
        assert_eq!(bad.problems().len(), 3);
    }
}
