//! Trains the event-type classifier (`data/event_classifier.tsv`) from JSON
//! lines `{"label": "ACCUSE", "text": "...", "group": "..."}` on stdin, as
//! written by `scripts/build-event-data` from the building part of the NGEC
//! synthetic stories. With `--cv`, prints a five-fold cross-validation (folds by
//! `group`, the story's headline template) instead of writing weights.
//!
//!     cargo run --release -p readout-extract --example train_event_classifier -- OUT.tsv [--cv]

use std::io::BufRead;

use readout_extract::events::classifier::{features, Features, Model, Settings};
use readout_extract::events::EventType;
use readout_extract::text::segment;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The training settings: the defaults, or EPOCHS, MIN_COUNT, L2, DROPOUT,
/// SHARED_SLOTS (0/1), TRIGGER_TABLE (0/1) and SEED (the shuffle's) from the environment (for
/// choosing them on the grouped cross-validation, `scripts/score-ngec cv`).
fn settings() -> Settings {
    let d = Settings::default();
    let float = |name: &str, default: f32| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    Settings {
        epochs: setting("EPOCHS", d.epochs),
        min_count: setting("MIN_COUNT", d.min_count),
        l2: float("L2", d.l2),
        dropout: setting("DROPOUT", d.dropout as usize) as u64,
        shared: setting("SHARED_SLOTS", usize::from(d.shared)) == 1,
        trigger_table: setting("TRIGGER_TABLE", usize::from(d.trigger_table)) == 1,
        seed: setting("SEED", d.seed as usize) as u64,
    }
}

fn main() {
    if let Ok(path) = std::env::var("EVENT_VERBS") {
        let verbs = std::fs::read_to_string(&path).expect("reading EVENT_VERBS");
        readout_extract::events::lexicon::use_verbs(verbs);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cv = args.iter().any(|a| a == "--cv");
    let out = args.iter().find(|a| !a.starts_with("--")).cloned();
    let mut examples: Vec<(Features, EventType, String)> = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("reading stdin");
        let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        let label =
            EventType::parse(value["label"].as_str().unwrap_or("")).expect("a PLOVER label");
        let text = value["text"].as_str().unwrap_or("");
        let document = segment(text);
        let mut f = features(&document);
        // EVENT_FEATURES=head,trigger picks feature groups (for experiments).
        if let Ok(groups) = std::env::var("EVENT_FEATURES") {
            if !groups.contains("head") {
                f.head_words.clear();
            }
            if !groups.contains("trigger") {
                f.triggers.clear();
            }
            if groups.contains("nobody") {
                f.triggers.retain(|t| !t.starts_with('b'));
            }
            if groups.contains("nolead") {
                f.triggers.retain(|t| !t.starts_with('l'));
            }
        }
        examples.push((f, label, value["group"].as_str().unwrap_or("").to_owned()));
    }
    if cv {
        let mut groups: Vec<&String> = examples.iter().map(|e| &e.2).collect();
        groups.sort();
        groups.dedup();
        let fold_of = |g: &String| groups.binary_search(&g).unwrap_or(0) * 7 % 5;
        let mut confusion = [[0usize; 16]; 16];
        for fold in 0..5 {
            let train: Vec<(Features, EventType)> = examples
                .iter()
                .filter(|e| fold_of(&e.2) != fold)
                .map(|e| (e.0.clone(), e.1))
                .collect();
            let model = Model::train(&train, &settings());
            // FOLD_WEIGHTS=PREFIX writes each fold's model (PREFIX0.tsv ...) to
            // cross-validate the whole extractor on the building part.
            if let Ok(prefix) = std::env::var("FOLD_WEIGHTS") {
                std::fs::write(format!("{prefix}{fold}.tsv"), model.render("# fold\n"))
                    .expect("writing fold weights");
            }
            for example in examples.iter().filter(|e| fold_of(&e.2) == fold) {
                let p = model.probabilities(&example.0);
                let best = (0..16).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
                confusion[example.1.index()][best] += 1;
                if std::env::var("SHOW_ERRORS").is_ok() && best != example.1.index() {
                    eprintln!(
                        "{} → {} | {} | {:?}",
                        example.1.as_str(),
                        EventType::ALL[best].as_str(),
                        example.2,
                        example.0.triggers
                    );
                }
            }
        }
        let total: usize = confusion.iter().flatten().sum();
        let right: usize = (0..16).map(|k| confusion[k][k]).sum();
        let mut recalls = Vec::new();
        for (k, row) in confusion.iter().enumerate() {
            let n: usize = row.iter().sum();
            if n > 0 {
                recalls.push(row[k] as f32 / n as f32);
            }
            println!(
                "{:<10} {:>4} {:.2}",
                EventType::ALL[k].as_str(),
                n,
                row[k] as f32 / n.max(1) as f32
            );
        }
        println!(
            "accuracy {:.3} macro recall {:.3}",
            right as f32 / total as f32,
            recalls.iter().sum::<f32>() / recalls.len() as f32
        );
        return;
    }
    let train: Vec<(Features, EventType)> = examples.into_iter().map(|e| (e.0, e.1)).collect();
    let model = Model::train(&train, &settings());
    let header =
        "# Event-type classifier weights: kind<TAB>feature<TAB>16 weights in PLOVER order\n\
# (AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN\n\
# PROTEST SANCTION MOBILIZE COERCE ASSAULT). Trained by scripts/build-event-data on the\n\
# building part of the NGEC synthetic stories (gpt_synthetic_events_2023-10-19_19.csv,\n\
# MIT licence, Andy Halterman); the held-out part (scripts/ngec_split.py) is never used.\n";
    let text = model.render(header);
    match out {
        Some(path) => std::fs::write(path, text).expect("writing the weights"),
        None => print!("{text}"),
    }
}
