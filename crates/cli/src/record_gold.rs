//! An article's stored record (GetArticle with ARTICLE_VIEW_FULL) rendered in
//! the gold schema, so what the services stored is scored and compared exactly
//! as `readout extract`'s output is. Entity ids are kebab-case display names,
//! as the extractor's own ids are.

use readout_extract::gold::{kebab, GoldDoc, GoldEntity, GoldEvent, GoldQuote};
use readout_proto::v1::{
    Article, ArticleRecord, EntityType, EventStatus, EventType, ParticipantRole,
};

/// The suffix of an enum value's name after its prefix, in the gold spelling.
fn enum_suffix<'a>(name: &'a str, prefix: &str) -> &'a str {
    name.strip_prefix(prefix).unwrap_or(name)
}

fn entity_type(value: i32) -> String {
    let name = EntityType::try_from(value)
        .unwrap_or(EntityType::Unspecified)
        .as_str_name();
    enum_suffix(name, "ENTITY_TYPE_").to_owned()
}

/// Renders `record`, stored from `article`, as the gold document `doc`.
pub fn record_to_gold(article: &Article, record: &ArticleRecord, doc: &str) -> GoldDoc {
    let entities = record
        .entities
        .iter()
        .filter_map(|entry| {
            let entity = entry.entity.as_ref()?;
            let mut mentions: Vec<String> = Vec::new();
            // The name as written, as `readout extract` lists it (titles are
            // roles, kept in the mention's `full_text`).
            for mention in &entry.mentions {
                if !mentions.contains(&mention.text) {
                    mentions.push(mention.text.clone());
                }
            }
            let entity_type = entity_type(entity.r#type);
            let affiliation = matches!(entity_type.as_str(), "PERSON" | "ORG")
                .then(|| kebab(&entity.affiliation_display_name))
                .filter(|id| !id.is_empty());
            Some(GoldEntity {
                id: kebab(&entity.display_name),
                name: entity.display_name.clone(),
                entity_type,
                mentions,
                roles: entry.roles.clone(),
                affiliation,
            })
        })
        .collect();
    let non_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    let quotes = record
        .quotes
        .iter()
        .map(|quote| GoldQuote {
            text: quote.text.clone(),
            speaker: non_empty(&quote.speaker_display_name).map(|name| kebab(&name)),
            speaker_text: non_empty(&quote.speaker_text),
            cue: non_empty(&quote.cue),
            partial: quote.partial,
        })
        .collect();
    let events = record
        .events
        .iter()
        .map(|event| {
            let date = event.date.clone().unwrap_or_default();
            let with_role = |role: ParticipantRole| {
                event
                    .participants
                    .iter()
                    .filter(|participant| participant.role == role as i32)
                    .map(|participant| kebab(&participant.display_name))
                    .collect::<Vec<_>>()
            };
            GoldEvent {
                event_type: enum_suffix(
                    EventType::try_from(event.r#type)
                        .unwrap_or(EventType::Unspecified)
                        .as_str_name(),
                    "EVENT_TYPE_",
                )
                .to_owned(),
                mode: non_empty(&event.plover_mode),
                participants: event
                    .participants
                    .iter()
                    .map(|participant| kebab(&participant.display_name))
                    .collect(),
                source: with_role(ParticipantRole::Source),
                target: with_role(ParticipantRole::Target),
                // Rounded as `readout extract` prints it.
                confidence: Some((event.confidence as f32 * 1000.0).round() / 1000.0),
                place: non_empty(&event.place_display_name).map(|name| kebab(&name)),
                date: non_empty(&date.value),
                date_text: non_empty(&date.text),
                status: enum_suffix(
                    EventStatus::try_from(event.status)
                        .unwrap_or(EventStatus::Unspecified)
                        .as_str_name(),
                    "EVENT_STATUS_",
                )
                .to_lowercase(),
                evidence: event
                    .sources
                    .first()
                    .map(|source| source.evidence.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    GoldDoc {
        doc: doc.to_owned(),
        headline: article.title.clone(),
        published: non_empty(&article.published_date),
        entities,
        quotes,
        events,
    }
}
