//! Annotation: the extractor's in-text entities resolved against the registry.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use readout_extract::entities::recognize;
use readout_extract::lexicon::{Known, LEXICON};
use readout_extract::offsets::CharOffsets;
use readout_extract::text::segment;
use readout_extract::EntityKind;
use readout_store::entities::{name_key, EntityCandidate};

/// One recognised entity with its mentions, before registry resolution.
#[derive(Clone, Debug)]
pub struct Recognised {
    /// What to resolve.
    pub candidate: EntityCandidate,
    /// The title seen in this text.
    pub role: Option<String>,
    /// The affiliated country's display name.
    pub affiliation: Option<String>,
    /// Mentions as (text, start, end) in code points.
    pub mentions: Vec<(String, i32, i32)>,
}

fn stored_kind(kind: EntityKind) -> &'static str {
    kind.as_str()
}

/// Recognises the entities of `text` (pure; CPU only).
pub fn recognise(text: &str) -> Vec<Recognised> {
    let document = segment(text);
    let entities = recognize(&document);
    let offsets = CharOffsets::new(text);
    let mut mentions_of: BTreeMap<usize, Vec<(String, i32, i32)>> = BTreeMap::new();
    for mention in &entities.mentions {
        mentions_of.entry(mention.entity).or_default().push((
            mention.span.of(text).to_owned(),
            offsets.char_of(mention.span.start) as i32,
            offsets.char_of(mention.span.end) as i32,
        ));
    }
    let mut recognised = Vec::new();
    for (index, entity) in entities.entities.iter().enumerate() {
        let Some(mentions) = mentions_of.remove(&index) else {
            continue;
        };
        let mut aliases: Vec<String> = Vec::new();
        for (surface, ..) in &mentions {
            if surface != &entity.name && !aliases.contains(surface) {
                aliases.push(surface.clone());
            }
        }
        // Places lie in their country (from the gazetteer), so the registry can
        // tell that Bali and Indonesia agree while Bali and San Francisco do not.
        let affiliation = entity
            .affiliation
            .clone()
            .or_else(|| place_country(&entity.name, entity.kind))
            .filter(|country| country != &entity.name);
        recognised.push(Recognised {
            candidate: EntityCandidate {
                display_name: entity.name.clone(),
                entity_type: stored_kind(entity.kind).to_owned(),
                canonical_key: name_key(&entity.name),
                aliases,
                role: entity.roles.first().cloned(),
                affiliation: affiliation
                    .as_ref()
                    .map(|country| (country.clone(), name_key(country))),
                mention_count: mentions.len() as i64,
            },
            role: entity.roles.first().cloned(),
            affiliation,
            mentions,
        });
    }
    recognised
}

/// The date roles are recorded at when the caller gives none.
pub fn default_seen_date() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The country a known place lies in, from the gazetteer.
fn place_country(name: &str, kind: EntityKind) -> Option<String> {
    if !matches!(kind, EntityKind::Gpe | EntityKind::Loc) {
        return None;
    }
    LEXICON.lookup(name)?.iter().find_map(|known| match known {
        Known::Place {
            country: Some(country),
            is_country: false,
            ..
        } => Some(country.clone()),
        _ => None,
    })
}
