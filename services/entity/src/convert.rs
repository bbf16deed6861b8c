//! Conversions between registry records and `readout.v1` messages.

use readout_proto::v1;
use readout_server::request::resource_name;
use readout_store::entities::EntityRecord;

/// The proto enum of a stored entity type.
pub fn entity_type(stored: &str) -> v1::EntityType {
    match stored {
        "PERSON" => v1::EntityType::Person,
        "ORG" => v1::EntityType::Org,
        "GPE" => v1::EntityType::Gpe,
        "LOC" => v1::EntityType::Loc,
        "EVENT_NAME" => v1::EntityType::EventName,
        _ => v1::EntityType::Unspecified,
    }
}

/// The stored spelling of a proto entity type, `None` for unspecified.
pub fn stored_type(entity_type: v1::EntityType) -> Option<&'static str> {
    match entity_type {
        v1::EntityType::Person => Some("PERSON"),
        v1::EntityType::Org => Some("ORG"),
        v1::EntityType::Gpe => Some("GPE"),
        v1::EntityType::Loc => Some("LOC"),
        v1::EntityType::EventName => Some("EVENT_NAME"),
        v1::EntityType::Unspecified => None,
    }
}

/// A registry record as a proto entity.
pub fn entity(record: &EntityRecord) -> v1::Entity {
    v1::Entity {
        name: resource_name("entities", record.id),
        display_name: record.display_name.clone(),
        r#type: entity_type(&record.entity_type) as i32,
        aliases: record.aliases.clone(),
        roles: record
            .roles
            .iter()
            .map(|role| v1::Role {
                title: role.title.clone(),
                seen_date: role
                    .seen_date
                    .map(|date| date.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                article: role
                    .article_id
                    .map(|id| resource_name("articles", id))
                    .unwrap_or_default(),
            })
            .collect(),
        affiliation: record
            .affiliation
            .as_ref()
            .map(|(id, _)| resource_name("entities", *id))
            .unwrap_or_default(),
        affiliation_display_name: record
            .affiliation
            .as_ref()
            .map(|(_, name)| name.clone())
            .unwrap_or_default(),
        mention_count: record.mention_count,
    }
}
