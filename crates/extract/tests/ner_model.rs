//! The shipped NER model scores on a held-out open sample: two GUM news documents
//! (Wikinews, CC BY 2.5; annotations CC BY 4.0) that were never used for training,
//! committed in `data/ner/test-gum-news.txt`. A broken or mismatched model file fails.

use readout_extract::ner::{bio_to_labels, spans, tag_document};

const SAMPLE: &str = include_str!("../data/ner/test-gum-news.txt");

#[test]
fn shipped_model_scores_on_held_out_gum_news() {
    readout_extract::warm_up();
    let mut documents: Vec<Vec<(Vec<&str>, Vec<&str>)>> = Vec::new();
    let mut sentence: (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for line in SAMPLE.lines().chain([""]) {
        if line == "#doc" {
            documents.push(Vec::new());
        } else if line.trim().is_empty() {
            if !sentence.0.is_empty() {
                documents
                    .last_mut()
                    .expect("a #doc line first")
                    .push(std::mem::take(&mut sentence));
            }
        } else if let Some((word, tag)) = line.rsplit_once(' ') {
            sentence.0.push(word);
            sentence.1.push(tag);
        }
    }
    let (mut tp, mut predicted, mut gold) = (0usize, 0usize, 0usize);
    for document in &documents {
        let words: Vec<Vec<&str>> = document.iter().map(|(w, _)| w.clone()).collect();
        let labels = tag_document(&words);
        for ((_, tags), found) in document.iter().zip(&labels) {
            let expected = spans(&bio_to_labels(tags));
            let found = spans(found);
            tp += found.iter().filter(|s| expected.contains(s)).count();
            predicted += found.len();
            gold += expected.len();
        }
    }
    assert_eq!(documents.len(), 2);
    assert!(gold > 50, "the sample has {gold} entity mentions");
    let f1 = 2.0 * tp as f64 / (predicted + gold) as f64;
    // The shipped model scores 0.709 (exact spans, GUM's own conventions).
    assert!(
        f1 >= 0.55,
        "span F1 {f1:.3} on the held-out GUM news sample"
    );
}

#[test]
fn pipeline_finds_people_places_and_organisations() {
    let text = "Talks resume\n\nAngela Merkel met officials of the World Health Organization in Geneva on Monday. Merkel said the talks went well.\n";
    let analysis = readout_extract::analyze(text, None);
    let names: Vec<(&str, &str)> = analysis
        .entities
        .entities
        .iter()
        .map(|e| (e.name.as_str(), e.kind.as_str()))
        .collect();
    assert!(names.contains(&("Angela Merkel", "PERSON")), "{names:?}");
    assert!(names.contains(&("Geneva", "GPE")), "{names:?}");
    assert!(
        names
            .iter()
            .any(|(n, k)| n.contains("World Health Organization") && *k == "ORG"),
        "{names:?}"
    );
}

/// Organisation head words, a capitalised "The" inside a sentence, and a "the"
/// that starts another name.
#[test]
fn organisations_around_the_tagger() {
    let text = "Crash inquiry\n\nThe city announced on Twitter the Federal Aviation Administration would investigate. Her brother wrote for The Washington Post in 1969 and later taught at the Cleveland Institute of Music.\n";
    let analysis = readout_extract::analyze(text, None);
    let names: Vec<(&str, &str)> = analysis
        .entities
        .entities
        .iter()
        .map(|e| (e.name.as_str(), e.kind.as_str()))
        .collect();
    assert!(
        names.contains(&("Federal Aviation Administration", "ORG")),
        "{names:?}"
    );
    assert!(!names.iter().any(|(n, _)| n.contains(" the ")), "{names:?}");
    assert!(names.contains(&("The Washington Post", "ORG")), "{names:?}");
    assert!(
        names.contains(&("Cleveland Institute of Music", "ORG")),
        "{names:?}"
    );
}
