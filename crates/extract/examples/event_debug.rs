//! Prints, for each article file, the headline's lexicon reads, the
//! classifier's features and top types, and the events ranked (a debugging
//! aid): `cargo run --release -p readout-extract --example event_debug -- FILE...`.
use readout_extract::events::classifier;
use readout_extract::events::lexicon::read;

fn main() {
    if let Ok(path) = std::env::var("EVENT_VERBS") {
        let verbs = std::fs::read_to_string(&path).expect("reading EVENT_VERBS");
        readout_extract::events::lexicon::use_verbs(verbs);
    }
    if let Ok(path) = std::env::var("EVENT_WEIGHTS") {
        let weights = std::fs::read_to_string(&path).expect("reading EVENT_WEIGHTS");
        classifier::use_model(classifier::Model::parse(&weights));
    }
    for file in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&file).expect("readable file");
        let analysis = readout_extract::analyze(&text, None);
        println!("== {file}");
        for sentence in analysis.document.sentences.iter().take(3) {
            let lower = classifier::lower_tokens(&text, sentence.span);
            let found = read(&lower);
            print!("  {:?}\n    ", sentence.span.of(&text));
            for f in &found {
                print!(
                    "[{} {:?}{}{}{}{}{}] ",
                    lower[f.first..f.end].join(" "),
                    f.event_type,
                    if f.negated { " not" } else { "" },
                    if f.hypothetical { " modal" } else { "" },
                    if f.content_of.is_some() {
                        " content"
                    } else {
                        ""
                    },
                    if f.light { " light" } else { "" },
                    if f.noun { " noun" } else { "" },
                );
            }
            println!();
        }
        let features = classifier::features(&analysis.document);
        println!("  triggers {:?}", features.triggers);
        let p = classifier::probabilities_of(&features);
        let mut order: Vec<usize> = (0..p.len()).collect();
        order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
        print!("  p:");
        for &k in order.iter().take(4) {
            print!(
                " {:?} {:.2}",
                readout_extract::events::EventType::ALL[k],
                p[k]
            );
        }
        println!();
        let mut events: Vec<_> = analysis.events.iter().collect();
        events.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        for e in events.iter().take(5) {
            println!(
                "  ev {:?} {:.3} {:?}",
                e.event_type,
                e.confidence,
                e.trigger.map(|t| t.of(&text))
            );
        }
    }
}
