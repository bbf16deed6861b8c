//! From what the extractor found to registry candidates: the text's entities
//! for the read-only `AnnotateText`, and the ingest worker's found entities for
//! `ResolveEntities`. Pure: CPU only.

use readout_extract::entities::recognize;
use readout_extract::offsets::CharOffsets;
use readout_extract::registry::{entries, RegistryEntry};
use readout_extract::text::segment;
use readout_store::entities::{name_key, EntityCandidate};
use readout_store::kinds::EntityType;

/// One recognised entity of a text with its mentions.
#[derive(Clone, Debug)]
pub struct Recognised {
    /// What to look up.
    pub candidate: EntityCandidate,
    /// Mentions as (text, text with attached titles when longer, start, end),
    /// offsets in code points.
    pub mentions: Vec<(String, String, i32, i32)>,
}

/// The registry candidate of one found entity.
pub fn candidate(
    display_name: &str,
    entity_type: EntityType,
    aliases: Vec<String>,
    roles: Vec<String>,
    affiliation: Option<String>,
) -> EntityCandidate {
    EntityCandidate {
        display_name: display_name.to_owned(),
        entity_type,
        canonical_key: name_key(display_name),
        aliases,
        roles,
        affiliation: affiliation.map(|country| {
            let key = name_key(&country);
            (country, key)
        }),
    }
}

fn candidate_of(entry: RegistryEntry) -> EntityCandidate {
    candidate(
        &entry.name,
        entry.kind,
        entry.aliases,
        entry.roles,
        entry.affiliation,
    )
}

/// Recognises the entities of `text` as the ingest worker's extractor does.
pub fn recognise(text: &str) -> Vec<Recognised> {
    let document = segment(text);
    let entities = recognize(&document);
    let offsets = CharOffsets::new(text);
    let mut mentions: Vec<Vec<(String, String, i32, i32)>> =
        vec![Vec::new(); entities.entities.len()];
    for mention in &entities.mentions {
        mentions[mention.entity].push((
            mention.span.of(text).to_owned(),
            if mention.full_span != mention.span {
                mention.full_span.of(text).to_owned()
            } else {
                String::new()
            },
            offsets.char_of(mention.span.start) as i32,
            offsets.char_of(mention.span.end) as i32,
        ));
    }
    entries(&entities, text)
        .into_iter()
        .zip(mentions)
        .filter(|(_, mentions)| !mentions.is_empty())
        .map(|(entry, mentions)| Recognised {
            candidate: candidate_of(entry),
            mentions,
        })
        .collect()
}
