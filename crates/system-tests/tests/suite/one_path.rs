//! One extraction path: an article ingested alone through the real services,
//! read back with GetArticle's full view and rendered in the gold schema, is
//! exactly what `readout extract` reports for it (entity ids aside: the
//! rendering names entities by their display names, as the extractor does).
//! On the seeds and on open Wikinews articles nobody wrote rules for.

use std::path::PathBuf;

use readout::record_gold::record_to_gold;
use readout_extract::gold::{to_gold, GoldDoc};
use readout_extract::{analyze, Ymd};
use readout_proto::v1::{ArticleView, GetArticleRequest};

use crate::helpers::{seed_texts, spawn_app, texts_in};

fn wikinews_texts() -> Vec<(String, String)> {
    texts_in(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/wikinews"))
}

/// What must agree, in a comparable order.
#[derive(Debug, PartialEq)]
struct Comparable {
    entities: Vec<(String, String, Vec<String>, Vec<String>)>,
    quotes: Vec<readout_extract::gold::GoldQuote>,
    events: Vec<readout_extract::gold::GoldEvent>,
}

fn comparable(doc: &GoldDoc) -> Comparable {
    let mut entities: Vec<(String, String, Vec<String>, Vec<String>)> = doc
        .entities
        .iter()
        .map(|entity| {
            let mut mentions = entity.mentions.clone();
            mentions.sort();
            let mut roles = entity.roles.clone();
            roles.sort();
            (
                entity.name.clone(),
                entity.entity_type.clone(),
                mentions,
                roles,
            )
        })
        .collect();
    entities.sort();
    // Two events told by one sentence have no order between them.
    let mut events = doc.events.clone();
    events.sort_by_key(|event| serde_json::to_string(event).unwrap());
    Comparable {
        entities,
        quotes: doc.quotes.clone(),
        events,
    }
}

async fn stored_equals_extracted(name: &str, text: &str, published: &str) {
    let mut app = spawn_app(1).await;
    let (article, _) = app.submit(text, published).await;
    app.wait_processed(std::slice::from_ref(&article.name))
        .await;
    let response = app
        .ingest
        .get_article(GetArticleRequest {
            name: article.name.clone(),
            view: ArticleView::Full as i32,
        })
        .await
        .expect("get article")
        .into_inner();
    app.stop().await;
    let stored = record_to_gold(
        response.article.as_ref().expect("article"),
        response
            .record
            .as_ref()
            .expect("a full record once processed"),
        name,
    );
    let analysis = analyze(text, Ymd::parse(published));
    let extracted = to_gold(&analysis, name, Some(published).filter(|p| !p.is_empty()));
    let (stored, extracted) = (comparable(&stored), comparable(&extracted));
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|item| !b.contains(item)).cloned().collect()
    };
    let render = |c: &Comparable| -> Vec<String> {
        c.entities
            .iter()
            .map(|e| format!("{e:?}"))
            .chain(c.quotes.iter().map(|q| format!("{q:?}")))
            .chain(c.events.iter().map(|e| format!("{e:?}")))
            .collect()
    };
    let (stored_items, extracted_items) = (render(&stored), render(&extracted));
    assert!(
        stored == extracted,
        "{name} ({published:?}): the stored record differs from `readout extract`\n\
         only stored: {:#?}\nonly extracted: {:#?}",
        only(&stored_items, &extracted_items),
        only(&extracted_items, &stored_items)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stored_seed_records_equal_the_extractor_output() {
    for (name, text) in seed_texts() {
        // Undated, as `readout eval` scores them; and dated, so roles are compared too.
        stored_equals_extracted(&name, &text, "").await;
        stored_equals_extracted(&name, &text, "2023-11-15").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn stored_wikinews_records_equal_the_extractor_output() {
    let texts = wikinews_texts();
    assert_eq!(texts.len(), 12);
    for (name, text) in texts {
        stored_equals_extracted(&name, &text, "").await;
    }
}
