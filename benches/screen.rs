//! How long the screening checks take on realistic posts (target: <= 0.2 ms per 1 KB post on
//! one core). Run with `cargo bench --bench screen`.
//!
//! The posts are built from the labelled corpus: real forum-style text with names, numbers,
//! doses and dates, cut to about 1 KB and 10 KB.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use forum::moderation::detect::Allow;
use forum::moderation::{assess, evaluation};

/// Corpus text concatenated and cut to about `bytes` bytes (on a character boundary).
fn post_of(bytes: usize) -> String {
    let corpus = evaluation::load(include_str!("../tests/data/pii/part-a.jsonl")).expect("corpus parses");
    let mut text = String::new();
    for post in corpus.iter().cycle() {
        if text.len() >= bytes {
            break;
        }
        text.push_str(&post.text);
        text.push_str("\n\n");
    }
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

fn screening(c: &mut Criterion) {
    let allow = Allow::with_default_helplines();
    let mut group = c.benchmark_group("assess");
    for (name, bytes) in [("1KB", 1024), ("10KB", 10 * 1024)] {
        let post = post_of(bytes);
        group.throughput(Throughput::Bytes(post.len() as u64));
        group.bench_function(name, |b| b.iter(|| assess(black_box(&post), &allow)));
    }
    group.finish();
}

criterion_group!(benches, screening);
criterion_main!(benches);
