//! One article through the extractor, in process, and from its result to the
//! rows the worker stores once the registry has resolved its entities. This is
//! the same `readout_extract::analyze` that `readout extract` runs, so what
//! the services store is what the extractor is measured on. Pure: no I/O.

use readout_extract::events::anchor_date;
use readout_extract::offsets::CharOffsets;
use readout_extract::registry::{entries, RegistryEntry};
use readout_extract::{analyze, EntityKind, Ymd};
use readout_proto::v1::{EntityType, FoundEntity};
use readout_store::results::{NewEvent, NewMention, NewQuote};
use uuid::Uuid;

/// An analysed article: what to ask the registry to resolve, and its rows
/// with entities as indexes into [`Analysed::entities`].
#[derive(Clone, Debug, Default)]
pub struct Analysed {
    /// The entities to resolve, in the extractor's order.
    pub entities: Vec<RegistryEntry>,
    /// The day the article speaks from: its publication date, else the date
    /// its dateline or body gives (relative dates resolve against it, and its
    /// roles are recorded as seen then); `None` when the text gives none.
    pub anchor: Option<Ymd>,
    mentions: Vec<(usize, NewMention)>,
    quotes: Vec<(Option<usize>, NewQuote)>,
    events: Vec<(EventActors, NewEvent)>,
}

/// An event's actors as indexes into the article's entities.
#[derive(Clone, Debug, Default)]
struct EventActors {
    participants: Vec<usize>,
    sources: Vec<usize>,
    targets: Vec<usize>,
    place: Option<usize>,
}

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

/// The proto type of an extracted entity kind.
pub fn entity_type(kind: EntityKind) -> EntityType {
    match kind {
        EntityKind::Person => EntityType::Person,
        EntityKind::Org => EntityType::Org,
        EntityKind::Gpe => EntityType::Gpe,
        EntityKind::Loc => EntityType::Loc,
        EntityKind::EventName => EntityType::EventName,
    }
}

/// The found entities of an analysed article, as the resolver takes them.
pub fn found_entities(analysed: &Analysed) -> Vec<FoundEntity> {
    analysed
        .entities
        .iter()
        .map(|entry| FoundEntity {
            display_name: entry.name.clone(),
            r#type: entity_type(entry.kind) as i32,
            aliases: entry.aliases.clone(),
            roles: entry.roles.clone(),
            affiliation: entry.affiliation.clone().unwrap_or_default(),
        })
        .collect()
}

/// Runs the extractor on `text`; `published` anchors relative dates.
pub fn analyse(text: &str, published: Option<Ymd>) -> Analysed {
    let analysis = analyze(text, published);
    let offsets = CharOffsets::new(text);
    let char_of = |byte: usize| offsets.char_of(byte) as i32;
    let mentions = analysis
        .entities
        .mentions
        .iter()
        .map(|m| {
            (
                m.entity,
                NewMention {
                    entity_id: Uuid::nil(),
                    start: char_of(m.span.start),
                    end: char_of(m.span.end),
                    text: m.span.of(text).to_owned(),
                    full_text: if m.full_span != m.span {
                        m.full_span.of(text).to_owned()
                    } else {
                        String::new()
                    },
                },
            )
        })
        .collect();
    let quotes = analysis
        .quotes
        .iter()
        .map(|q| {
            (
                q.speaker,
                NewQuote {
                    text: q.span.of(text).to_owned(),
                    speaker_id: None,
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
                },
            )
        })
        .collect();
    let anchor = anchor_date(&analysis.document, published);
    let reported = anchor.map(Ymd::format).unwrap_or_default();
    let events = analysis
        .events
        .iter()
        .map(|e| {
            (
                EventActors {
                    participants: e.participants.clone(),
                    sources: e.source.clone(),
                    targets: e.target.clone(),
                    place: e.place,
                },
                NewEvent {
                    event_type: e.event_type,
                    mode: e.mode.unwrap_or_default().to_owned(),
                    participants: Vec::new(),
                    sources: Vec::new(),
                    targets: Vec::new(),
                    place_id: None,
                    date_value: e.date.clone(),
                    date_precision: e.precision,
                    date_text: e
                        .date_span
                        .map(|s| s.of(text).to_owned())
                        .unwrap_or_default(),
                    date_anchor: e.date_anchor.map(Ymd::format).unwrap_or_default(),
                    reported: reported.clone(),
                    status: e.status,
                    confidence: e.confidence,
                    evidence: e.evidence.of(text).to_owned(),
                    start: char_of(e.evidence.start),
                    end: char_of(e.evidence.end),
                },
            )
        })
        .collect();
    Analysed {
        entities: entries(&analysis.entities, text),
        anchor,
        mentions,
        quotes,
        events,
    }
}

impl Analysed {
    /// The rows to store, with `ids[i]` the registry entity of `entities[i]`.
    pub fn rows(&self, ids: &[Uuid]) -> ArticleResults {
        let id = |index: usize| ids[index];
        // Two of the article's entities may be one registry entity.
        let unique_ids = |indexes: &[usize]| {
            indexes
                .iter()
                .fold(Vec::new(), |mut unique: Vec<Uuid>, &index| {
                    if !unique.contains(&id(index)) {
                        unique.push(id(index));
                    }
                    unique
                })
        };
        ArticleResults {
            mentions: self
                .mentions
                .iter()
                .map(|(entity, mention)| NewMention {
                    entity_id: id(*entity),
                    ..mention.clone()
                })
                .collect(),
            quotes: self
                .quotes
                .iter()
                .map(|(speaker, quote)| NewQuote {
                    speaker_id: speaker.map(id),
                    ..quote.clone()
                })
                .collect(),
            events: self
                .events
                .iter()
                .map(|(actors, event)| NewEvent {
                    participants: unique_ids(&actors.participants),
                    sources: unique_ids(&actors.sources),
                    targets: unique_ids(&actors.targets),
                    place_id: actors.place.map(id),
                    ..event.clone()
                })
                .collect(),
        }
    }
}
