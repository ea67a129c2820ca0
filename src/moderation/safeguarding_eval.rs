//! Measures the safeguarding check against a labelled corpus: recall per urgent kind, false
//! alarms per not-urgent kind, and precision, recall and F1 overall.
//!
//! Corpus files are JSON lines `{"id", "text", "urgent": bool, "kind"}`: for urgent posts `kind`
//! is the urgent kind (`suicide`, …), for the others what the post is instead (`dying`, `grief`,
//! `figure_of_speech`, …); an optional `pair` ties two posts that share words across the lanes.

use std::collections::BTreeMap;

use super::safeguarding::{UrgentKind, assess};

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Case {
    pub id: String,
    pub text: String,
    pub urgent: bool,
    pub kind: String,
}

pub fn load(jsonl: &str) -> Result<Vec<Case>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            let case: Case = serde_json::from_str(l).map_err(|e| format!("line {}: {e}", n + 1))?;
            if case.urgent && UrgentKind::parse(&case.kind).is_none() {
                return Err(format!("line {}: {} is not an urgent kind", n + 1, case.kind));
            }
            Ok(case)
        })
        .collect()
}

/// Counts for one kind: how many posts, how many the check called urgent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub posts: usize,
    pub flagged: usize,
}

impl Tally {
    pub fn share(&self) -> f64 {
        if self.posts == 0 { 0.0 } else { self.flagged as f64 / self.posts as f64 }
    }
}

/// A post the check got wrong.
#[derive(Debug, Clone)]
pub struct Miss {
    pub id: String,
    pub kind: String,
    /// "missed" (urgent, not flagged) or "false alarm".
    pub what: &'static str,
    pub signals: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub urgent: BTreeMap<String, Tally>,
    pub not_urgent: BTreeMap<String, Tally>,
    pub misses: Vec<Miss>,
}

pub const RECALL_TARGET: f64 = 0.95;
pub const FALSE_ALARM_TARGET: f64 = 0.05;
pub const FALSE_ALARM_PER_KIND_TARGET: f64 = 0.10;

impl Report {
    fn sum(map: &BTreeMap<String, Tally>) -> Tally {
        map.values().fold(Tally::default(), |a, t| Tally { posts: a.posts + t.posts, flagged: a.flagged + t.flagged })
    }

    pub fn recall(&self) -> f64 {
        Self::sum(&self.urgent).share()
    }

    pub fn false_alarm_rate(&self) -> f64 {
        Self::sum(&self.not_urgent).share()
    }

    pub fn precision(&self) -> f64 {
        let (hits, alarms) = (Self::sum(&self.urgent).flagged, Self::sum(&self.not_urgent).flagged);
        if hits + alarms == 0 { 0.0 } else { hits as f64 / (hits + alarms) as f64 }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    pub fn meets_targets(&self) -> bool {
        self.recall() >= RECALL_TARGET
            && self.false_alarm_rate() <= FALSE_ALARM_TARGET
            && self.not_urgent.values().all(|t| t.share() <= FALSE_ALARM_PER_KIND_TARGET)
    }

    pub fn table(&self) -> String {
        let mut out = String::from("urgent kind          posts  recall\n");
        for (kind, t) in &self.urgent {
            out.push_str(&format!("{kind:<20} {:>5}  {:.3}\n", t.posts, t.share()));
        }
        out.push_str("\nnot urgent           posts  false alarms\n");
        for (kind, t) in &self.not_urgent {
            out.push_str(&format!("{kind:<20} {:>5}  {:.3}\n", t.posts, t.share()));
        }
        out.push_str(&format!(
            "\noverall: recall {:.3}, false alarms {:.3}, precision {:.3}, F1 {:.3}\n",
            self.recall(),
            self.false_alarm_rate(),
            self.precision(),
            self.f1()
        ));
        out
    }
}

pub fn evaluate(corpus: &[Case]) -> Report {
    let mut report = Report::default();
    for case in corpus {
        let found = assess(&case.text);
        let lane = if case.urgent { &mut report.urgent } else { &mut report.not_urgent };
        let tally = lane.entry(case.kind.clone()).or_default();
        tally.posts += 1;
        if found.is_some() {
            tally.flagged += 1;
        }
        if found.is_some() != case.urgent {
            report.misses.push(Miss {
                id: case.id.clone(),
                kind: case.kind.clone(),
                what: if case.urgent { "missed" } else { "false alarm" },
                signals: found.map(|u| u.signals).unwrap_or_default(),
            });
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(files: &[&str]) -> Vec<Case> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/safeguarding");
        files.iter().flat_map(|f| load(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()).collect()
    }

    #[test]
    fn every_corpus_covers_every_kind_in_both_lanes() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/safeguarding/train");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| format!("train/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        assert!(files.len() >= 10, "one file per writer");
        files.extend(["heldout.jsonl".to_owned(), "heldout2.jsonl".to_owned()]);
        for file in &files {
            let report = evaluate(&corpus(&[file]));
            assert_eq!(report.urgent.len(), 6, "{file}: every urgent kind");
            assert_eq!(report.not_urgent.len(), 10, "{file}: every not-urgent kind");
        }
    }

    /// The held-out posts were written apart from the training corpus and never trained on: the
    /// shipped model must meet the issue's targets on them. Retraining that breaks this fails here.
    #[test]
    fn the_shipped_model_meets_the_targets_on_held_out_posts() {
        let report = evaluate(&corpus(&["heldout.jsonl", "heldout2.jsonl"]));
        assert!(report.recall() >= RECALL_TARGET, "{}", report.table());
        assert!(report.false_alarm_rate() <= FALSE_ALARM_TARGET, "{}", report.table());
        for (kind, tally) in &report.not_urgent {
            assert!(tally.share() <= FALSE_ALARM_PER_KIND_TARGET, "{kind}: {}", report.table());
        }
    }

    #[test]
    fn scores_count_lanes_separately() {
        let corpus = load(concat!(
            r#"{"id":"a","text":"I have saved up my tablets and tonight is the night.","urgent":true,"kind":"plan_or_means"}"#,
            "\n",
            r#"{"id":"b","text":"This chemo is killing me, ha.","urgent":false,"kind":"figure_of_speech"}"#,
        ))
        .unwrap();
        let report = evaluate(&corpus);
        assert_eq!(report.recall(), 1.0);
        assert_eq!(report.false_alarm_rate(), 0.0);
        assert_eq!(report.f1(), 1.0);
    }
}
