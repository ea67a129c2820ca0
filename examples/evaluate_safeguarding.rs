//! Evaluates the safeguarding check on labelled corpus files.
//!
//!     cargo run --release --example evaluate_safeguarding -- tests/data/safeguarding/heldout.jsonl
//!
//! Prints recall per urgent kind, false alarms per not-urgent kind, precision and F1, and the
//! time per 1 KB of text. `--misses` lists every missed post and false alarm with the signals
//! that fired. Exits 1 when a target is missed.

use forum::moderation::safeguarding_eval::{evaluate, load};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_misses = args.iter().any(|a| a == "--misses");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        eprintln!("usage: evaluate_safeguarding [--misses] CORPUS.jsonl...");
        return std::process::ExitCode::from(2);
    }
    let mut corpus = Vec::new();
    for file in &files {
        match std::fs::read_to_string(file).map_err(|e| e.to_string()).and_then(|t| load(&t)) {
            Ok(cases) => corpus.extend(cases),
            Err(e) => {
                eprintln!("{file}: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let report = evaluate(&corpus);
    if show_misses {
        for m in &report.misses {
            println!("{:<6} {:<12} {:<18} {:?}", m.id, m.what, m.kind, m.signals);
        }
        println!();
    }
    print!("{}", report.table());
    // Speed: the whole corpus, repeated, per kilobyte of text.
    let bytes: usize = corpus.iter().map(|c| c.text.len()).sum();
    let started = std::time::Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        for case in &corpus {
            std::hint::black_box(forum::moderation::safeguarding::assess(std::hint::black_box(&case.text)));
        }
    }
    let per_kb = started.elapsed().as_secs_f64() * 1000.0 / (rounds * bytes) as f64 * 1024.0;
    println!("speed: {per_kb:.4} ms per 1 KB ({} posts, {bytes} bytes, {rounds} rounds)", corpus.len());
    if report.meets_targets() { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
}
