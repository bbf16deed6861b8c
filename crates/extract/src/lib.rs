//! Pure extraction logic for Readout: article text in; entities, quotes and
//! events out. No I/O, no async, no allocation-heavy models: everything here is
//! deterministic rules over general word lists shipped in `data/`, so it can be
//! tested, fuzzed and benchmarked alone.
//!
//! The pipeline: [`text::segment`] (boilerplate, captions, sentences) →
//! [`entities::recognize`] → [`quotes::extract`] and [`events::extract`].
//! [`gold`] renders the result in the gold-annotation JSON schema.

pub mod cues;
pub mod dates;
pub mod entities;
pub mod events;
pub(crate) mod gender;
pub mod gold;
pub mod lexicon;
pub mod ner;
pub mod offsets;
pub mod quotes;
pub mod registry;
pub mod text;
pub mod tokens;

pub use dates::Ymd;
pub use entities::{DocEntities, DocEntity, DocMention};
pub use events::FoundEvent;
pub use lexicon::EntityKind;
pub use ner::warm_up;
pub use quotes::FoundQuote;
pub use text::{Document, Span};

/// Everything extracted from one article.
#[derive(Clone, Debug)]
pub struct Analysis<'a> {
    /// The segmented article.
    pub document: Document<'a>,
    /// Its entities and mentions.
    pub entities: DocEntities,
    /// Its quotes.
    pub quotes: Vec<FoundQuote>,
    /// Its events.
    pub events: Vec<FoundEvent>,
}

/// Runs the whole pipeline on one article. `published` anchors relative dates.
pub fn analyze(text: &str, published: Option<Ymd>) -> Analysis<'_> {
    let document = text::segment(text);
    let mut entities = entities::recognize(&document);
    quotes::propose_speakers(&document, &mut entities);
    analyze_with_entities(document, entities, published)
}

/// Runs quote and event extraction over entities recognised elsewhere (the
/// entity service), so the ingest worker and the CLI share one code path.
pub fn analyze_with_entities<'a>(
    document: Document<'a>,
    entities: DocEntities,
    published: Option<Ymd>,
) -> Analysis<'a> {
    let quotes = quotes::extract(&document, &entities);
    let mut entities = entities;
    let events = events::extract(&document, &mut entities, published);
    Analysis {
        document,
        entities,
        quotes,
        events,
    }
}

/// The headline: the first content line, or empty.
pub fn headline<'a>(document: &Document<'a>) -> &'a str {
    document
        .blocks
        .iter()
        .find(|block| block.kind == text::BlockKind::Headline)
        .map_or("", |block| block.span.of(document.text))
}
