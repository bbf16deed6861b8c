//! Conversions between registry records and `readout.v1` messages.

use readout_proto::v1;
use readout_server::request::resource_name;
use readout_store::entities::EntityRecord;
use readout_store::kinds::EntityType;

/// The API's spelling of an entity type.
pub fn entity_type(stored: EntityType) -> v1::EntityType {
    match stored {
        EntityType::Person => v1::EntityType::Person,
        EntityType::Org => v1::EntityType::Org,
        EntityType::Gpe => v1::EntityType::Gpe,
        EntityType::Loc => v1::EntityType::Loc,
        EntityType::EventName => v1::EntityType::EventName,
    }
}

/// The entity type an API value names, `None` for unspecified.
pub fn stored_type(entity_type: v1::EntityType) -> Option<EntityType> {
    match entity_type {
        v1::EntityType::Person => Some(EntityType::Person),
        v1::EntityType::Org => Some(EntityType::Org),
        v1::EntityType::Gpe => Some(EntityType::Gpe),
        v1::EntityType::Loc => Some(EntityType::Loc),
        v1::EntityType::EventName => Some(EntityType::EventName),
        v1::EntityType::Unspecified => None,
    }
}

/// A registry record as a proto entity.
pub fn entity(record: &EntityRecord) -> v1::Entity {
    v1::Entity {
        name: resource_name("entities", record.id),
        display_name: record.display_name.clone(),
        r#type: entity_type(record.entity_type) as i32,
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

/// A curation record as the API shows it.
pub fn curation_record(record: &readout_store::access::CurationRecord) -> v1::CurationRecord {
    v1::CurationRecord {
        name: format!("curationRecords/{}", record.id),
        create_time: record
            .at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        principal: record.principal.clone(),
        method: record.method.clone(),
        request_json: record.request.to_string(),
        outcome: record.outcome.clone(),
    }
}
