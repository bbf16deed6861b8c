//! Retrains the shipped named-entity model from the shipped open data and writes
//! `data/ner/model.bin`, then scores it on the held-out GUM news sample:
//!
//!     cargo run --release -p readout-extract --example train_ner
//!
//! Training is deterministic: the same data gives the same weights. Options (for
//! experiments only): `--epochs N`, `--data a,b` (names of `data/ner/train-*.txt`;
//! a name given twice counts twice),
//! `--out FILE`, `--prune W`, `--dir DATA_DIR` (another folder of training files),
//! `--seed N` (another training order; the shipped model's is the default).

use std::path::{Path, PathBuf};

use readout_extract::ner::{self, bio_to_labels, spans, Model, TrainingDoc};

/// Reads a `token TAG` file (`#doc` lines between documents, blank lines between sentences).
fn read(path: &Path) -> Vec<TrainingDoc> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs = Vec::new();
    let mut words: Vec<Vec<String>> = Vec::new();
    let mut tags: Vec<Vec<String>> = Vec::new();
    let mut sentence: (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let flush_sentence =
        |s: &mut (Vec<String>, Vec<String>), w: &mut Vec<Vec<String>>, t: &mut Vec<Vec<String>>| {
            if !s.0.is_empty() {
                w.push(std::mem::take(&mut s.0));
                t.push(std::mem::take(&mut s.1));
            }
        };
    let flush_doc =
        |w: &mut Vec<Vec<String>>, t: &mut Vec<Vec<String>>, docs: &mut Vec<TrainingDoc>| {
            if !w.is_empty() {
                let labels = t
                    .iter()
                    .map(|s| bio_to_labels(&s.iter().map(String::as_str).collect::<Vec<_>>()))
                    .collect();
                docs.push(TrainingDoc {
                    words: std::mem::take(w),
                    labels,
                });
                t.clear();
            }
        };
    for line in text.lines() {
        if line == "#doc" {
            flush_sentence(&mut sentence, &mut words, &mut tags);
            flush_doc(&mut words, &mut tags, &mut docs);
        } else if line.trim().is_empty() {
            flush_sentence(&mut sentence, &mut words, &mut tags);
        } else if let Some((word, tag)) = line.rsplit_once(' ') {
            sentence.0.push(word.to_owned());
            sentence.1.push(tag.to_owned());
        }
    }
    flush_sentence(&mut sentence, &mut words, &mut tags);
    flush_doc(&mut words, &mut tags, &mut docs);
    docs
}

/// Exact-span micro F1 (and per type) of a model on documents.
fn evaluate(model: &Model, docs: &[TrainingDoc]) -> (f64, [f64; 3]) {
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    let mut per = [[0usize; 3]; 3];
    for doc in docs {
        let words: Vec<Vec<&str>> = doc
            .words
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        let predicted = ner::tag_with(model, &words);
        for (p, g) in predicted.iter().zip(&doc.labels) {
            let (ps, gs) = (spans(p), spans(g));
            for s in &ps {
                per[s.2][1] += 1;
                if gs.contains(s) {
                    tp += 1;
                    per[s.2][0] += 1;
                }
            }
            for s in &gs {
                per[s.2][2] += 1;
            }
            np += ps.len();
            ng += gs.len();
        }
    }
    let f = |a: usize, b: usize, c: usize| {
        if b + c == 0 {
            0.0
        } else {
            2.0 * a as f64 / (b + c) as f64
        }
    };
    (
        f(tp, np, ng),
        [0, 1, 2].map(|t| f(per[t][0], per[t][1], per[t][2])),
    )
}

fn main() {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/ner");
    let mut epochs = 12usize;
    // GUM and UNER EWT count twice, and so do the written sentences (measured over
    // six training orders, ARCHITECTURE.md: issue 15, eighth round).
    let mut sets = "gum,gum,ewt,ewt,wikinews,ngec,synthetic,synthetic".to_owned();
    let mut out = None;
    let mut prune = 0.05f32;
    let mut seed = ner::DEFAULT_SEED;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1)) {
            ("--epochs", Some(v)) => epochs = v.parse().expect("--epochs N"),
            ("--data", Some(v)) => sets = v.clone(),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--prune", Some(v)) => prune = v.parse().expect("--prune W"),
            ("--dir", Some(v)) => dir = PathBuf::from(v),
            ("--seed", Some(v)) => seed = v.parse().expect("--seed N"),
            _ => panic!(
                "usage: train_ner [--epochs N] [--data gum,gum,ewt,ewt,wikinews,ngec,synthetic,synthetic] [--out FILE] [--prune W] [--dir DATA_DIR] [--seed N]"
            ),
        }
    }
    let out = out.unwrap_or_else(|| dir.join("model.bin"));
    let mut docs = Vec::new();
    for set in sets.split(',') {
        let set_docs = read(&dir.join(format!("train-{set}.txt")));
        eprintln!("{set}: {} documents", set_docs.len());
        docs.extend(set_docs);
    }
    let test = read(&dir.join("test-gum-news.txt"));
    let report = |epoch: usize, error: f64| {
        eprintln!("epoch {}: token error rate {error:.4}", epoch + 1);
    };
    // First pass, on all the data.
    let model = ner::train_with(&docs, epochs, seed, report);
    let bytes = model.to_bytes(prune);
    let first = Model::from_bytes(&bytes).expect("the written model parses");
    let (f1, per) = evaluate(&first, &test);
    std::fs::write(&out, &bytes).expect("writing the model");
    println!(
        "wrote {} ({} bytes, {} features); held-out GUM news span F1 {f1:.3} (PER {:.3}, ORG {:.3}, LOC {:.3})",
        out.display(),
        bytes.len(),
        first.len(),
        per[0],
        per[1],
        per[2]
    );
}
