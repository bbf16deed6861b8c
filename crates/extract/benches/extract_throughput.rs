//! Extraction throughput on the seed articles, one core: the whole pipeline
//! (segmentation, entities, quotes, events) over `seeds/*.txt`, repeated.
//! Run with `cargo bench -p readout-extract`; prints words per second.

use std::time::{Duration, Instant};

fn main() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let mut texts: Vec<String> = std::fs::read_dir(&seeds)
        .expect("seeds directory")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .map(|path| std::fs::read_to_string(path).expect("seed text"))
        .collect();
    texts.sort();
    let words_per_pass: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    // Warm up (lexicon parsing happens once, on first use).
    for text in &texts {
        std::hint::black_box(readout_extract::analyze(text, None));
    }
    let mut samples = Vec::new();
    let (cpu_started, mut words_total) = (thread_cpu_seconds(), 0usize);
    for _ in 0..7 {
        let started = Instant::now();
        let mut passes = 0usize;
        while started.elapsed() < Duration::from_millis(700) {
            for text in &texts {
                std::hint::black_box(readout_extract::analyze(text, None));
            }
            passes += 1;
        }
        let elapsed = started.elapsed().as_secs_f64();
        samples.push((passes * words_per_pass) as f64 / elapsed);
        words_total += passes * words_per_pass;
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = samples[samples.len() / 2];
    println!(
        "extract_throughput: {} seed articles, {} words per pass; median {:.0} words/s on one core (min {:.0}, max {:.0}, 7 samples of 0.7 s)",
        texts.len(),
        words_per_pass,
        median,
        samples[0],
        samples[samples.len() - 1]
    );
    // Per second of this thread's own CPU time: the figure that holds on a
    // machine other processes share (wall-clock samples count their time too).
    if let (Some(before), Some(after)) = (cpu_started, thread_cpu_seconds()) {
        println!(
            "extract_throughput: {:.0} words per CPU second ({} words in {:.2} CPU s)",
            words_total as f64 / (after - before),
            words_total,
            after - before
        );
    }
}

/// This thread's user plus system CPU time in seconds, from /proc (Linux).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) end with ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
