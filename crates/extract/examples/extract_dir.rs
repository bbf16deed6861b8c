//! The extractor alone, without the services' dependencies: writes
//! `OUT_DIR/<stem>.json` in the gold schema for every article file, as
//! `readout extract` does. Quick to build, for measuring extraction changes:
//!
//!     cargo run --release -p readout-extract --example extract_dir -- OUT_DIR FILE...
//!
//! `EVENT_WEIGHTS=FILE` uses those event-classifier weights instead of the
//! shipped ones (`scripts/cv-ngec`); `NER_MODEL=FILE` uses that entity tagger
//! (a `train_ner --out FILE` model) instead of the shipped one.

use std::path::Path;

use readout_extract::analyze;
use readout_extract::gold::to_gold;

fn main() {
    if let Ok(path) = std::env::var("EVENT_VERBS") {
        let verbs = std::fs::read_to_string(&path).expect("reading EVENT_VERBS");
        readout_extract::events::lexicon::use_verbs(verbs);
    }
    let mut args = std::env::args().skip(1);
    let Some(out_dir) = args.next() else {
        eprintln!("usage: extract_dir OUT_DIR FILE...");
        std::process::exit(2);
    };
    if let Ok(path) = std::env::var("EVENT_WEIGHTS") {
        let weights = std::fs::read_to_string(&path).expect("reading EVENT_WEIGHTS");
        readout_extract::events::classifier::use_model(
            readout_extract::events::classifier::Model::parse(&weights),
        );
    }
    if let Ok(path) = std::env::var("NER_MODEL") {
        let bytes = std::fs::read(&path).expect("reading NER_MODEL");
        let model = readout_extract::ner::Model::from_bytes(&bytes).expect("NER_MODEL parses");
        readout_extract::ner::use_model(model);
    }
    let out_dir = Path::new(&out_dir);
    std::fs::create_dir_all(out_dir).expect("creating the output directory");
    for file in args {
        let path = Path::new(&file);
        let bytes = std::fs::read(path).expect("reading an article");
        let text = String::from_utf8_lossy(&bytes);
        let analysis = analyze(&text, None);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc = to_gold(&analysis, &name, None);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let json = serde_json::to_string_pretty(&doc).expect("serialising");
        std::fs::write(out_dir.join(format!("{stem}.json")), json + "\n").expect("writing");
    }
}
