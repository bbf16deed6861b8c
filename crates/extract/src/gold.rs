//! The gold-annotation JSON schema (`seeds/gold/README`), and rendering an
//! [`Analysis`] into it. Entity ids are this system's own (kebab-case names).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lexicon::EntityKind;
use crate::Analysis;

/// One article in the gold schema.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GoldDoc {
    /// The article file name.
    pub doc: String,
    /// The headline as in the text.
    pub headline: String,
    /// Publication date, if the text states it.
    pub published: Option<String>,
    /// Entities.
    pub entities: Vec<GoldEntity>,
    /// Quotes.
    pub quotes: Vec<GoldQuote>,
    /// Events.
    pub events: Vec<GoldEvent>,
}

/// An entity.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GoldEntity {
    /// Kebab-case id.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// PERSON, ORG, GPE, LOC or EVENT_NAME.
    #[serde(rename = "type")]
    pub entity_type: String,
    /// Distinct surface forms.
    pub mentions: Vec<String>,
    /// Titles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Country id.
    #[serde(default)]
    pub affiliation: Option<String>,
}

/// A quote.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GoldQuote {
    /// The words inside the marks.
    pub text: String,
    /// Speaker entity id.
    pub speaker: Option<String>,
    /// Words naming the speaker.
    pub speaker_text: Option<String>,
    /// Cue.
    pub cue: Option<String>,
    /// Partial.
    #[serde(default)]
    pub partial: bool,
}

/// An event.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GoldEvent {
    /// PLOVER type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// CONSULT mode.
    pub mode: Option<String>,
    /// Participant ids.
    pub participants: Vec<String>,
    /// Ids of who acts (PLOVER's actor); peers of a meeting are all sources.
    #[serde(default)]
    pub source: Vec<String>,
    /// Ids of whom the act is aimed at (PLOVER's recipient).
    #[serde(default)]
    pub target: Vec<String>,
    /// Place id.
    pub place: Option<String>,
    /// Date.
    pub date: Option<String>,
    /// Date words.
    pub date_text: Option<String>,
    /// Status.
    pub status: String,
    /// Evidence sentence.
    pub evidence: String,
    /// The extractor's confidence (not part of hand annotations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

/// Kebab-case id of a name: "Xi Jinping" → "xi-jinping".
pub fn kebab(name: &str) -> String {
    let mut id = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if !id.ends_with('-') && !id.is_empty() && !matches!(c, '.' | '\'' | '\u{2019}') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// Renders an analysis in the gold schema.
pub fn to_gold(analysis: &Analysis<'_>, doc: &str, published: Option<&str>) -> GoldDoc {
    let text = analysis.document.text;
    let entities = &analysis.entities;
    let ids: Vec<String> = entities.entities.iter().map(|e| kebab(&e.name)).collect();
    let mut surface: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for mention in &entities.mentions {
        let forms = surface.entry(mention.entity).or_default();
        // The name as written; titles and nationality words before it are
        // roles and affiliation, not part of the name.
        let form = mention.span.of(text).to_owned();
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    // Ids are names: entities whose names give one id ("RENO" and "Reno")
    // are rendered as one, the first, with the surface forms of all.
    let mut first_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut merged: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (index, id) in ids.iter().enumerate() {
        let Some(forms) = surface.get(&index) else {
            continue;
        };
        let first = *first_of.entry(id.as_str()).or_insert(index);
        let into = merged.entry(first).or_default();
        for form in forms {
            if !into.contains(form) {
                into.push(form.clone());
            }
        }
    }
    let gold_entities = entities
        .entities
        .iter()
        .enumerate()
        .filter(|(index, _)| merged.contains_key(index))
        .map(|(index, entity)| GoldEntity {
            id: ids[index].clone(),
            name: entity.name.clone(),
            entity_type: entity.kind.as_str().to_owned(),
            mentions: merged.get(&index).cloned().unwrap_or_default(),
            roles: entity.roles.clone(),
            affiliation: match entity.kind {
                EntityKind::Person | EntityKind::Org => entity.affiliation.as_deref().map(kebab),
                _ => None,
            },
        })
        .collect();
    let quotes = analysis
        .quotes
        .iter()
        .map(|quote| GoldQuote {
            text: quote.span.of(text).to_owned(),
            speaker: quote.speaker.map(|entity| ids[entity].clone()),
            speaker_text: quote.speaker_span.map(|span| span.of(text).to_owned()),
            cue: quote.cue_span.map(|span| span.of(text).to_owned()),
            partial: quote.partial,
        })
        .collect();
    let events = analysis
        .events
        .iter()
        .map(|event| GoldEvent {
            event_type: event.event_type.as_str().to_owned(),
            mode: event.mode.map(str::to_owned),
            participants: event.participants.iter().map(|&p| ids[p].clone()).collect(),
            source: event.source.iter().map(|&p| ids[p].clone()).collect(),
            target: event.target.iter().map(|&p| ids[p].clone()).collect(),
            place: event.place.map(|p| ids[p].clone()),
            date: (!event.date.is_empty()).then(|| event.date.clone()),
            date_text: event.date_span.map(|span| span.of(text).to_owned()),
            status: event.status.as_str().to_owned(),
            evidence: event.evidence.of(text).to_owned(),
            confidence: Some((event.confidence * 1000.0).round() / 1000.0),
        })
        .collect();
    GoldDoc {
        doc: doc.to_owned(),
        headline: crate::headline(&analysis.document).to_owned(),
        published: published.map(str::to_owned),
        entities: gold_entities,
        quotes,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids() {
        assert_eq!(kebab("Xi Jinping"), "xi-jinping");
        assert_eq!(kebab("U.S."), "us");
        assert_eq!(kebab("Prayut Chan-o-cha"), "prayut-chan-o-cha");
        assert_eq!(kebab("People's Republic"), "peoples-republic");
    }
}
