//! Evaluates the confidentiality detectors on labelled corpus files.
//!
//!     cargo run --release --example evaluate_detectors -- tests/data/pii/part-a.jsonl tests/data/pii/part-b.jsonl
//!
//! Prints precision, recall and F1 per type and overall, and the share of clean posts flagged.
//! `--misses` also lists every missed and extra span. Exits 1 when a target is missed.

use forum::moderation::detect::Allow;
use forum::moderation::evaluation::{evaluate, load};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_misses = args.iter().any(|a| a == "--misses");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        eprintln!("usage: evaluate_detectors [--misses] CORPUS.jsonl...");
        return std::process::ExitCode::from(2);
    }
    let mut corpus = Vec::new();
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {file}: {e}");
                return std::process::ExitCode::from(2);
            }
        };
        match load(&text) {
            Ok(posts) => corpus.extend(posts),
            Err(e) => {
                eprintln!("{file}: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let report = evaluate(&corpus, &Allow::with_default_helplines());
    if show_misses {
        for m in &report.misses {
            println!("{:<6} {:<8} {:<16} {:?}", m.id, m.what, m.kind.as_str(), m.surface);
        }
        println!();
    }
    print!("{}", report.table());
    let met = report.meets_targets();
    println!(
        "targets (F1 >= 0.90 for every type, clean posts flagged <= 5 %): {}",
        if met { "met" } else { "NOT met" }
    );
    if met { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
}
