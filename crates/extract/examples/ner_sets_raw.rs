//! Development aid: the tagger alone (no entity resolution) scored like
//! `ner_sets.py` — per document of N sentences, the set of distinct (mention, type).
//!     cargo run --release -p readout-extract --example ner_sets_raw -- FILE.iob [N]
//! (`NER_MODEL=path` scores another model file than the shipped one; `NER_DUMP=dir`
//! writes each document's predicted mentions there as `dNNNN.json`, the file names
//! and format `ner_sets.py score` reads.)
use std::collections::HashSet;

use readout_extract::ner::{spans, tag_with, Model, TYPES};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read_to_string(&args[0]).expect("file");
    let per_doc: usize = args.get(1).map_or(10, |n| n.parse().expect("N"));
    let model_path = std::env::var("NER_MODEL")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner/model.bin").to_owned());
    let model =
        Model::from_bytes(&std::fs::read(&model_path).expect("model")).expect("model parses");
    let mut sentences: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            if !sentences.last().unwrap().is_empty() {
                sentences.push(Vec::new());
            }
            continue;
        }
        if line.starts_with('#') || line.starts_with("-DOCSTART-") {
            continue;
        }
        let parts: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else {
            line.split_whitespace().collect()
        };
        let (tok, tag) = if parts.len() >= 3 && parts[0].chars().all(|c| c.is_ascii_digit()) {
            (parts[1], parts[2])
        } else {
            (parts[0], parts[parts.len() - 1])
        };
        sentences
            .last_mut()
            .unwrap()
            .push((tok.to_owned(), tag.to_owned()));
    }
    sentences.retain(|s| !s.is_empty());
    let map = |t: &str| match t {
        "PER" | "PERSON" => Some("PER"),
        "ORG" => Some("ORG"),
        "LOC" | "GPE" => Some("LOC"),
        _ => None,
    };
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    let mut per = [[0usize; 3]; 3];
    let dump = std::env::var("NER_DUMP").ok();
    for (doc_index, chunk) in sentences.chunks(per_doc).enumerate() {
        let words: Vec<Vec<&str>> = chunk
            .iter()
            .map(|s| s.iter().map(|(w, _)| w.as_str()).collect())
            .collect();
        let mut gold: HashSet<(String, &str)> = HashSet::new();
        for s in chunk {
            let mut cur: Vec<&str> = Vec::new();
            let mut typ: Option<&str> = None;
            for (tok, tag) in s.iter().chain([&("".to_owned(), "O".to_owned())]) {
                let kind = (tag.starts_with("B-") || tag.starts_with("I-")).then(|| &tag[2..]);
                if !cur.is_empty() && (tag.starts_with("B-") || kind != typ || tag == "O") {
                    if let Some(t) = typ.and_then(map) {
                        gold.insert((cur.join(" "), t));
                    }
                    cur.clear();
                    typ = None;
                }
                if let Some(k) = kind {
                    cur.push(tok);
                    typ = Some(k);
                }
            }
        }
        let labels = tag_with(&model, &words);
        let mut pred: HashSet<(String, &str)> = HashSet::new();
        for (s, l) in words.iter().zip(&labels) {
            for (a, b, t) in spans(l) {
                pred.insert((s[a..b].join(" "), TYPES[t]));
            }
        }
        if let Some(dir) = &dump {
            let mut entities: Vec<String> = pred
                .iter()
                .map(|(m, t)| {
                    let t = if *t == "PER" { "PERSON" } else { t };
                    format!("{{\"name\":{m:?},\"type\":\"{t}\"}}")
                })
                .collect();
            entities.sort();
            std::fs::write(
                format!("{dir}/d{doc_index:04}.json"),
                format!("{{\"entities\":[{}]}}", entities.join(",")),
            )
            .expect("writing a prediction");
        }
        tp += pred.intersection(&gold).count();
        np += pred.len();
        ng += gold.len();
        for (k, t) in TYPES.iter().enumerate() {
            let g: HashSet<_> = gold.iter().filter(|x| x.1 == *t).collect();
            let p: HashSet<_> = pred.iter().filter(|x| x.1 == *t).collect();
            per[k][0] += g.intersection(&p).count();
            per[k][1] += p.len();
            per[k][2] += g.len();
        }
    }
    let f = |a: usize, b: usize, c: usize| 2.0 * a as f64 / (b + c).max(1) as f64;
    println!(
        "raw tagger: P {:.3} R {:.3} F1 {:.3}  PER {:.3} ORG {:.3} LOC {:.3}",
        tp as f64 / np.max(1) as f64,
        tp as f64 / ng.max(1) as f64,
        f(tp, np, ng),
        f(per[0][0], per[0][1], per[0][2]),
        f(per[1][0], per[1][1], per[1][2]),
        f(per[2][0], per[2][1], per[2][2])
    );
}
