//! From an entity-service annotation and the article text to the rows the
//! worker stores: the extractor's quote and event logic runs over the entities
//! the registry resolved. Pure: no I/O.

use std::collections::HashMap;

use readout_extract::entities::{DocEntities, DocEntity, DocMention};
use readout_extract::offsets::CharOffsets;
use readout_extract::text::segment;
use readout_extract::{analyze_with_entities, EntityKind, Span, Ymd};
use readout_proto::v1::{AnnotateTextResponse, EntityType};
use readout_store::results::{NewEvent, NewMention, NewQuote};
use uuid::Uuid;

/// The rows one article produces.
#[derive(Clone, Debug, Default)]
pub struct ArticleResults {
    /// Mentions.
    pub mentions: Vec<NewMention>,
    /// Quotes.
    pub quotes: Vec<NewQuote>,
    /// Events.
    pub events: Vec<NewEvent>,
}

fn kind(entity_type: i32) -> EntityKind {
    match EntityType::try_from(entity_type).unwrap_or(EntityType::Unspecified) {
        EntityType::Person => EntityKind::Person,
        EntityType::Org => EntityKind::Org,
        EntityType::Loc => EntityKind::Loc,
        EntityType::EventName => EntityKind::EventName,
        EntityType::Gpe | EntityType::Unspecified => EntityKind::Gpe,
    }
}

/// Runs quote and event extraction on `text` over the annotated entities.
pub fn extract(
    text: &str,
    published: Option<Ymd>,
    annotation: &AnnotateTextResponse,
) -> ArticleResults {
    let document = segment(text);
    let offsets = CharOffsets::new(text);
    let mut entities = DocEntities::default();
    let mut registry_ids: Vec<Uuid> = Vec::new();
    let mut index_of: HashMap<Uuid, usize> = HashMap::new();
    for annotated in &annotation.entities {
        let Some(entity) = &annotated.entity else {
            continue;
        };
        let Some(id) = entity
            .name
            .strip_prefix("entities/")
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            continue;
        };
        let index = *index_of.entry(id).or_insert_with(|| {
            entities.entities.push(DocEntity {
                name: entity.display_name.clone(),
                kind: kind(entity.r#type),
                roles: Some(annotated.role.clone())
                    .filter(|r| !r.is_empty())
                    .into_iter()
                    .collect(),
                affiliation: Some(annotated.affiliation.clone()).filter(|a| !a.is_empty()),
            });
            registry_ids.push(id);
            registry_ids.len() - 1
        });
        for mention in &annotated.mentions {
            let start = offsets.byte_of(mention.start_offset.max(0) as usize);
            let end = offsets.byte_of(mention.end_offset.max(0) as usize);
            if start >= end {
                continue;
            }
            let span = Span::new(start, end);
            let sentence = document
                .sentences
                .partition_point(|s| s.span.end <= start)
                .min(document.sentences.len().saturating_sub(1));
            entities.mentions.push(DocMention {
                span,
                full_span: span,
                entity: index,
                sentence,
            });
        }
    }
    entities
        .mentions
        .sort_by_key(|m| (m.span.start, m.span.end));
    let analysis = analyze_with_entities(document, entities, published);
    let char_of = |byte: usize| offsets.char_of(byte) as i32;
    let mentions = analysis
        .entities
        .mentions
        .iter()
        .map(|m| NewMention {
            entity_id: registry_ids[m.entity],
            start: char_of(m.span.start),
            end: char_of(m.span.end),
            text: m.span.of(text).to_owned(),
        })
        .collect();
    let quotes = analysis
        .quotes
        .iter()
        .map(|q| NewQuote {
            text: q.span.of(text).to_owned(),
            speaker_id: q.speaker.map(|e| registry_ids[e]),
            speaker_text: q
                .speaker_span
                .map(|s| s.of(text).to_owned())
                .unwrap_or_default(),
            cue: q
                .cue_span
                .map(|s| s.of(text).to_owned())
                .unwrap_or_default(),
            partial: q.partial,
            confidence: q.confidence,
            start: char_of(q.span.start),
            end: char_of(q.span.end),
        })
        .collect();
    let events = analysis
        .events
        .iter()
        .map(|e| NewEvent {
            event_type: e.event_type.as_str().to_owned(),
            mode: e.mode.unwrap_or_default().to_owned(),
            participants: e.participants.iter().map(|&p| registry_ids[p]).collect(),
            place_id: e.place.map(|p| registry_ids[p]),
            date_value: e.date.clone(),
            date_precision: match e.precision {
                Some(readout_extract::dates::Precision::Day) => "day",
                Some(readout_extract::dates::Precision::Month) => "month",
                Some(readout_extract::dates::Precision::Year) => "year",
                None => "",
            }
            .to_owned(),
            date_text: e
                .date_span
                .map(|s| s.of(text).to_owned())
                .unwrap_or_default(),
            status: e.status.as_str().to_owned(),
            confidence: e.confidence,
            evidence: e.evidence.of(text).to_owned(),
            start: char_of(e.evidence.start),
            end: char_of(e.evidence.end),
        })
        .collect();
    ArticleResults {
        mentions,
        quotes,
        events,
    }
}
