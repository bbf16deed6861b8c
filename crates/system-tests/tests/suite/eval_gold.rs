//! The extractor's quality on the seed gold set (copied in `seeds/gold`), so
//! the tests pass without `../shared` and fail on a collapse of any metric.

use std::path::PathBuf;

#[test]
fn seed_scores_stay_above_the_floor() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tally = readout::extract_cmd::evaluate(&root.join("seeds/gold"), &root.join("seeds"), None)
        .unwrap();
    let scores = tally.scores();
    println!("{}", tally.report());
    // Floors a little under the measured numbers: a regression fails the suite.
    assert!(scores.quote_f1 >= 0.95, "quote F1 {:.3}", scores.quote_f1);
    assert!(
        scores.quote_speaker_e2e >= 0.70,
        "speaker e2e {:.3}",
        scores.quote_speaker_e2e
    );
    assert!(
        scores.entity_f1 >= 0.85,
        "entity F1 {:.3}",
        scores.entity_f1
    );
    assert!(
        scores.person_recall >= 0.95,
        "person recall {:.3}",
        scores.person_recall
    );
    assert!(scores.event_f1 >= 0.75, "event F1 {:.3}", scores.event_f1);
    assert!(
        scores.date_acc >= 0.75,
        "date accuracy {:.3}",
        scores.date_acc
    );
}
