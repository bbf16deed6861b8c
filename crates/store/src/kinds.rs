//! The closed vocabularies the store keeps in CHECK-constrained text columns,
//! as enums from the store boundary on. Each enum's stored spelling is written
//! here and nowhere else: rows are read as text and converted once
//! ([`Stored::from_stored`]), and filters and inserts bind [`Stored::stored`].
//! The services map these enums to the API's with exhaustive `match`es.
//!
//! The enums are the extractor's own (`readout_extract`), so what the
//! extractor finds, what the store keeps and what the API answers share one
//! vocabulary; [`ParticipantRole`] is the store's (the extractor keeps sources
//! and targets as lists).

pub use readout_extract::dates::Precision;
pub use readout_extract::events::{EventType, Status as EventStatus};
pub use readout_extract::EntityKind as EntityType;

use crate::StoreError;

/// The part a participant plays in an event (`event_participants.role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParticipantRole {
    /// Who acts (PLOVER's actor); peers of a meeting between equals are all sources.
    Source,
    /// Whom the act is aimed at (PLOVER's recipient).
    Target,
    /// Another actor named with the event.
    Other,
}

/// A closed vocabulary stored as text.
pub trait Stored: Copy + Sized + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// What the database stores for it.
    fn stored(self) -> &'static str;
    /// The value the database stores as `text`; an unknown spelling means
    /// the database and this binary disagree (a migration not applied).
    fn from_stored(text: &str) -> Result<Self, StoreError> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.stored() == text)
            .ok_or_else(|| {
                StoreError::Unrecognised(format!(
                    "{text:?} is not a {}",
                    std::any::type_name::<Self>()
                        .rsplit("::")
                        .next()
                        .unwrap_or("value")
                ))
            })
    }
}

impl Stored for EventType {
    const ALL: &'static [Self] = &EventType::ALL;
    fn stored(self) -> &'static str {
        self.as_str()
    }
}

impl Stored for EventStatus {
    const ALL: &'static [Self] = &[
        EventStatus::Occurred,
        EventStatus::Planned,
        EventStatus::Expected,
    ];
    fn stored(self) -> &'static str {
        self.as_str()
    }
}

impl Stored for Precision {
    const ALL: &'static [Self] = &[Precision::Day, Precision::Month, Precision::Year];
    fn stored(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

impl Stored for EntityType {
    const ALL: &'static [Self] = &[
        EntityType::Person,
        EntityType::Org,
        EntityType::Gpe,
        EntityType::Loc,
        EntityType::EventName,
    ];
    fn stored(self) -> &'static str {
        self.as_str()
    }
}

impl Stored for ParticipantRole {
    const ALL: &'static [Self] = &[
        ParticipantRole::Source,
        ParticipantRole::Target,
        ParticipantRole::Other,
    ];
    fn stored(self) -> &'static str {
        match self {
            ParticipantRole::Source => "source",
            ParticipantRole::Target => "target",
            ParticipantRole::Other => "other",
        }
    }
}

/// An optional precision as stored: empty for an unresolved date.
pub fn precision_from_stored(text: &str) -> Result<Option<Precision>, StoreError> {
    match text {
        "" => Ok(None),
        text => Precision::from_stored(text).map(Some),
    }
}

/// The stored spelling of an optional precision.
pub fn precision_stored(precision: Option<Precision>) -> &'static str {
    precision.map_or("", Stored::stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Stored + PartialEq + std::fmt::Debug>() {
        for value in T::ALL {
            assert_eq!(T::from_stored(value.stored()).unwrap(), *value);
        }
        assert!(T::from_stored("no such value").is_err());
    }

    #[test]
    fn every_value_round_trips_through_its_stored_spelling() {
        round_trips::<EventType>();
        round_trips::<EventStatus>();
        round_trips::<Precision>();
        round_trips::<EntityType>();
        round_trips::<ParticipantRole>();
        assert_eq!(precision_from_stored("").unwrap(), None);
        assert_eq!(precision_stored(Some(Precision::Month)), "month");
    }
}
