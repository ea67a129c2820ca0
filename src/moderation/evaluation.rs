//! Measures the confidentiality detectors against a labelled corpus: precision, recall and F1
//! per type and overall, and the share of clean posts that would be flagged.
//!
//! Corpus files are JSON lines `{"id": …, "text": …}` where personal information is marked
//! inline as `[[TYPE:surface]]`; the markup is stripped to get the plain text and the gold spans.

use std::collections::BTreeMap;

use super::detect::{Allow, Span, SpanType, detect};

/// One labelled post: the plain text and its gold spans (character offsets).
#[derive(Debug, Clone)]
pub struct Labelled {
    pub id: String,
    pub text: String,
    pub gold: Vec<Span>,
}

/// Parses `[[TYPE:surface]]` markup.
pub fn parse_markup(id: &str, marked: &str) -> Result<Labelled, String> {
    let mut text = String::with_capacity(marked.len());
    let mut gold = Vec::new();
    let mut chars = 0usize;
    let mut rest = marked;
    while let Some(open) = rest.find("[[") {
        let before = &rest[..open];
        text.push_str(before);
        chars += before.chars().count();
        let after = &rest[open + 2..];
        let close = after.find("]]").ok_or_else(|| format!("{id}: unclosed [["))?;
        let inner = &after[..close];
        let (kind, surface) = inner.split_once(':').ok_or_else(|| format!("{id}: no TYPE: in [[{inner}]]"))?;
        let kind = SpanType::parse(kind).ok_or_else(|| format!("{id}: unknown type {kind}"))?;
        let length = surface.chars().count();
        gold.push(Span { start: chars, end: chars + length, kind });
        text.push_str(surface);
        chars += length;
        rest = &after[close + 2..];
    }
    text.push_str(rest);
    Ok(Labelled { id: id.to_owned(), text, gold })
}

/// Reads a corpus file (JSON lines with markup).
pub fn load(jsonl: &str) -> Result<Vec<Labelled>, String> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: String,
        text: String,
    }
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            let line: Line = serde_json::from_str(l).map_err(|e| format!("line {}: {e}", n + 1))?;
            parse_markup(&line.id, &line.text)
        })
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// A mistake, for looking at what went wrong.
#[derive(Debug, Clone)]
pub struct Miss {
    pub id: String,
    pub kind: SpanType,
    pub surface: String,
    /// "missed" (in gold, not found) or "extra" (found, not in gold).
    pub what: &'static str,
}

#[derive(Debug, Default)]
pub struct Report {
    pub per_type: BTreeMap<SpanType, Counts>,
    pub overall: Counts,
    pub posts: usize,
    pub clean_posts: usize,
    pub clean_flagged: usize,
    pub misses: Vec<Miss>,
}

impl Report {
    pub fn clean_flagged_share(&self) -> f64 {
        if self.clean_posts == 0 { 0.0 } else { self.clean_flagged as f64 / self.clean_posts as f64 }
    }

    /// The table printed by the evaluation command.
    /// The targets from the moderation issue: F1 ≥ 0.90 for every type, ≤ 5 % of clean posts flagged.
    pub fn meets_targets(&self) -> bool {
        self.per_type.values().all(|c| c.f1() >= 0.90) && self.clean_flagged_share() <= 0.05
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<16} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6}\n",
            "type", "tp", "fp", "fn", "precision", "recall", "F1"
        );
        let row = |name: &str, c: &Counts| {
            format!(
                "{:<16} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3}\n",
                name,
                c.true_pos,
                c.false_pos,
                c.false_neg,
                c.precision(),
                c.recall(),
                c.f1()
            )
        };
        for kind in SpanType::ALL {
            out.push_str(&row(kind.as_str(), self.per_type.get(&kind).unwrap_or(&Counts::default())));
        }
        out.push_str(&row("OVERALL", &self.overall));
        out.push_str(&format!(
            "posts: {}  clean posts: {}  clean posts flagged: {} ({:.1} %)\n",
            self.posts,
            self.clean_posts,
            self.clean_flagged,
            100.0 * self.clean_flagged_share()
        ));
        out
    }
}

/// Scores the detectors on `corpus`. A found span counts only if type, start and end all match.
pub fn evaluate(corpus: &[Labelled], allow: &Allow) -> Report {
    let mut report = Report { posts: corpus.len(), ..Report::default() };
    for post in corpus {
        let found = detect(&post.text, allow);
        let chars: Vec<char> = post.text.chars().collect();
        let surface = |s: &Span| chars[s.start..s.end].iter().collect::<String>();
        if post.gold.is_empty() {
            report.clean_posts += 1;
            if !found.is_empty() {
                report.clean_flagged += 1;
            }
        }
        for kind in SpanType::ALL {
            let counts = report.per_type.entry(kind).or_default();
            let gold: Vec<&Span> = post.gold.iter().filter(|s| s.kind == kind).collect();
            let got: Vec<&Span> = found.iter().filter(|s| s.kind == kind).collect();
            for g in &gold {
                if got.iter().any(|f| f.start == g.start && f.end == g.end) {
                    counts.true_pos += 1;
                } else {
                    counts.false_neg += 1;
                    report.misses.push(Miss { id: post.id.clone(), kind, surface: surface(g), what: "missed" });
                }
            }
            for f in &got {
                if !gold.iter().any(|g| f.start == g.start && f.end == g.end) {
                    counts.false_pos += 1;
                    report.misses.push(Miss { id: post.id.clone(), kind, surface: surface(f), what: "extra" });
                }
            }
        }
    }
    for c in report.per_type.values() {
        report.overall.true_pos += c.true_pos;
        report.overall.false_pos += c.false_pos;
        report.overall.false_neg += c.false_neg;
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text_and_character_spans() {
        let post = parse_markup("x", "Hi 😊 my NHS no is [[NHS_NUMBER:943 476 5919]] ok").unwrap();
        assert_eq!(post.text, "Hi 😊 my NHS no is 943 476 5919 ok");
        assert_eq!(post.gold, vec![Span { start: 18, end: 30, kind: SpanType::NhsNumber }]);
        assert!(parse_markup("y", "[[NOPE:x]]").is_err());
        assert!(parse_markup("z", "[[PHONE:0161").is_err());
    }

    /// Guards the figures in the README: the corpora in tests/data/pii must keep meeting the
    /// targets (F1 >= 0.90 per type, <= 5 % of clean posts flagged).
    #[test]
    fn the_labelled_corpora_meet_the_targets() {
        for (name, text) in [
            ("part-a", include_str!("../../tests/data/pii/part-a.jsonl")),
            ("part-b", include_str!("../../tests/data/pii/part-b.jsonl")),
            ("heldout", include_str!("../../tests/data/pii/heldout.jsonl")),
        ] {
            let corpus = load(text).unwrap();
            assert!(corpus.len() >= 100, "{name}");
            let report = evaluate(&corpus, &Allow::with_default_helplines());
            assert!(report.meets_targets(), "{name}:\n{}", report.table());
        }
    }

    #[test]
    fn scoring_counts_exact_matches_only() {
        let corpus = vec![
            parse_markup("a", "call [[PHONE:07700 900123]] or write to [[EMAIL:a@example.org]]").unwrap(),
            parse_markup("b", "Samaritans 116 123, 3 cycles of FEC-T").unwrap(),
        ];
        let report = evaluate(&corpus, &Allow::with_default_helplines());
        assert_eq!(report.overall.true_pos, 2);
        assert_eq!(report.overall.false_pos, 0);
        assert_eq!(report.clean_posts, 1);
        assert_eq!(report.clean_flagged, 0);
    }
}
