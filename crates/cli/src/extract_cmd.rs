//! `readout extract` and `readout eval`: the extractor on files, and its score
//! against gold annotations.

use std::path::{Path, PathBuf};

use crate::score::Tally;
use anyhow::{bail, Context, Result};
use readout_extract::gold::{to_gold, GoldDoc};
use readout_extract::{analyze, Ymd};

/// Extracts one article file into the gold schema.
pub fn extract_file(path: &Path, published: Option<Ymd>) -> Result<GoldDoc> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    // Malformed UTF-8 is replaced, not refused: an article is still worth reading.
    let text = String::from_utf8_lossy(&bytes);
    let analysis = analyze(&text, published);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let published_text = published.map(Ymd::format);
    Ok(to_gold(&analysis, &name, published_text.as_deref()))
}

/// Parses `--published`.
pub fn parse_published(value: Option<&str>) -> Result<Option<Ymd>> {
    match value {
        None => Ok(None),
        Some(text) => match Ymd::parse(text) {
            Some(date) => Ok(Some(date)),
            None => bail!("--published: expected YYYY-MM-DD, got {text:?}"),
        },
    }
}

/// `readout extract --out-dir DIR FILE...`.
pub fn run_extract(out_dir: &Path, files: &[PathBuf], published: Option<Ymd>) -> Result<()> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    for file in files {
        let doc = extract_file(file, published)?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "article".into());
        let out = out_dir.join(format!("{stem}.json"));
        let json = serde_json::to_string_pretty(&doc)?;
        std::fs::write(&out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
        eprintln!(
            "{} -> {} ({} entities, {} quotes, {} events)",
            file.display(),
            out.display(),
            doc.entities.len(),
            doc.quotes.len(),
            doc.events.len()
        );
    }
    Ok(())
}

/// Reads one gold (or predicted) document.
pub fn read_gold(path: &Path) -> Result<GoldDoc> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The gold files (`*.json`) of a directory, sorted.
pub fn gold_files(gold_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(gold_dir)
        .with_context(|| format!("reading {}", gold_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    if names.is_empty() {
        bail!("no gold files in {}", gold_dir.display());
    }
    Ok(names)
}

/// Scores predictions against gold: each `gold_dir/<name>.json` against
/// `pred_dir/<name>.json`, or, without `pred_dir`, against a fresh extraction of
/// `articles_dir/<name>.txt`.
pub fn evaluate(gold_dir: &Path, articles_dir: &Path, pred_dir: Option<&Path>) -> Result<Tally> {
    let mut tally = Tally::default();
    for gold_path in gold_files(gold_dir)? {
        let gold = read_gold(&gold_path)?;
        let stem = gold_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let predicted = match pred_dir {
            Some(dir) => {
                let path = dir.join(format!("{stem}.json"));
                if path.exists() {
                    read_gold(&path)?
                } else {
                    GoldDoc {
                        doc: stem.clone(),
                        headline: String::new(),
                        published: None,
                        entities: vec![],
                        quotes: vec![],
                        events: vec![],
                    }
                }
            }
            None => extract_file(&articles_dir.join(format!("{stem}.txt")), None)?,
        };
        tally.add(&gold, &predicted);
    }
    Ok(tally)
}
