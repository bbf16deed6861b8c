//! Conversions from stored records and filters to `readout.v1` messages and back.

use chrono::NaiveDate;
use readout_proto::v1;
use readout_server::request::{parse_resource_name, resource_name};
use readout_store::kinds::{EventStatus, EventType, ParticipantRole, Precision, Stored};
use readout_store::reads::{EventFilter, EventRecord, QuoteFilter, QuoteRecord};
use tonic::Status;

use crate::filter::{parse, Comparison, Op};

fn filter_error(message: impl std::fmt::Display) -> Status {
    readout_server::status::invalid_argument("filter", message)
}

fn date_value(comparison: &Comparison) -> Result<NaiveDate, Status> {
    NaiveDate::parse_from_str(&comparison.value, "%Y-%m-%d").map_err(|_| {
        filter_error(format!(
            "`{}`: expected YYYY-MM-DD, got {:?}",
            comparison.field, comparison.value
        ))
    })
}

fn only_equality(comparison: &Comparison) -> Result<(), Status> {
    if comparison.op == Op::Eq {
        Ok(())
    } else {
        Err(filter_error(format!(
            "`{}` supports only `=`",
            comparison.field
        )))
    }
}

fn entity_value(comparison: &Comparison) -> Result<uuid::Uuid, Status> {
    parse_resource_name("filter", "entities", &comparison.value)
}

fn date_range(
    comparison: &Comparison,
    from: &mut Option<NaiveDate>,
    to: &mut Option<NaiveDate>,
) -> Result<(), Status> {
    let date = date_value(comparison)?;
    match comparison.op {
        Op::Eq => {
            *from = Some(date);
            *to = Some(date);
        }
        Op::Ge => *from = Some(date),
        Op::Gt => *from = date.succ_opt(),
        Op::Le => *to = Some(date),
        Op::Lt => *to = date.pred_opt(),
        Op::Ne => return Err(filter_error("`date` does not support `!=`")),
    }
    Ok(())
}

/// The event type given by name ("CONSULT" or "EVENT_TYPE_CONSULT").
fn event_type_value(value: &str) -> Result<EventType, Status> {
    let upper = value.to_uppercase();
    let name = upper.strip_prefix("EVENT_TYPE_").unwrap_or(&upper);
    EventType::parse(name)
        .ok_or_else(|| filter_error(format!("`type`: unknown event type {value:?}")))
}

/// Parses a ListEvents filter.
pub fn event_filter(filter: &str) -> Result<EventFilter, Status> {
    let mut parsed = EventFilter::default();
    for comparison in parse(filter).map_err(filter_error)? {
        match comparison.field.as_str() {
            "participant" => {
                only_equality(&comparison)?;
                parsed.participants.push(entity_value(&comparison)?);
            }
            "source" => {
                only_equality(&comparison)?;
                parsed.sources.push(entity_value(&comparison)?);
            }
            "target" => {
                only_equality(&comparison)?;
                parsed.targets.push(entity_value(&comparison)?);
            }
            "type" => {
                only_equality(&comparison)?;
                parsed.event_type = Some(event_type_value(&comparison.value)?);
            }
            "mode" => {
                only_equality(&comparison)?;
                let mode = comparison.value.to_lowercase();
                if !matches!(mode.as_str(), "meet" | "visit" | "host" | "phone" | "summit") {
                    return Err(filter_error(format!("`mode`: expected meet, visit, host, phone or summit, got {:?}", comparison.value)));
                }
                parsed.mode = Some(mode);
            }
            "status" => {
                only_equality(&comparison)?;
                let status = EventStatus::from_stored(&comparison.value.to_lowercase()).map_err(|_| {
                    filter_error(format!("`status`: expected occurred, planned or expected, got {:?}", comparison.value))
                })?;
                parsed.status = Some(status);
            }
                        "place" => {
                only_equality(&comparison)?;
                parsed.place = Some(entity_value(&comparison)?);
            }
            "country" => {
                only_equality(&comparison)?;
                parsed.countries.push(entity_value(&comparison)?);
            }
            "article" => {
                only_equality(&comparison)?;
                parsed.article = Some(parse_resource_name("filter", "articles", &comparison.value)?);
            }
            "date" => date_range(&comparison, &mut parsed.date_from, &mut parsed.date_to)?,
            other => {
                return Err(filter_error(format!(
                                        "unknown field `{other}`; events filter on participant, source, target, type, mode, status, place, country, article, date"
                )))
            }
        }
    }
    Ok(parsed)
}

/// Parses a ListQuotes filter.
pub fn quote_filter(query: &str, filter: &str) -> Result<QuoteFilter, Status> {
    let mut parsed = QuoteFilter {
        text_query: Some(query.trim().to_owned()).filter(|q| !q.is_empty()),
        ..QuoteFilter::default()
    };
    for comparison in parse(filter).map_err(filter_error)? {
        match comparison.field.as_str() {
                        "speaker" => {
                only_equality(&comparison)?;
                parsed.speaker = Some(entity_value(&comparison)?);
            }
            "speaker_affiliation" => {
                only_equality(&comparison)?;
                parsed.speaker_affiliation = Some(entity_value(&comparison)?);
            }
            "about" => {
                only_equality(&comparison)?;
                parsed.about = Some(entity_value(&comparison)?);
            }
            "article" => {
                only_equality(&comparison)?;
                parsed.article = Some(parse_resource_name(
                    "filter",
                    "articles",
                    &comparison.value,
                )?);
            }
            "partial" => {
                only_equality(&comparison)?;
                parsed.partial = Some(match comparison.value.as_str() {
                    "true" => true,
                    "false" => false,
                    other => {
                        return Err(filter_error(format!(
                            "`partial`: expected true or false, got {other:?}"
                        )))
                    }
                });
            }
            "date" => date_range(&comparison, &mut parsed.date_from, &mut parsed.date_to)?,
            other => {
                return Err(filter_error(format!(
                    "unknown field `{other}`; quotes filter on speaker, speaker_affiliation, about, article, partial, date"
                )))
            }
        }
    }
    Ok(parsed)
}

fn event_type(stored: EventType) -> v1::EventType {
    match stored {
        EventType::Agree => v1::EventType::Agree,
        EventType::Consult => v1::EventType::Consult,
        EventType::Support => v1::EventType::Support,
        EventType::Concede => v1::EventType::Concede,
        EventType::Cooperate => v1::EventType::Cooperate,
        EventType::Aid => v1::EventType::Aid,
        EventType::Retreat => v1::EventType::Retreat,
        EventType::Request => v1::EventType::Request,
        EventType::Accuse => v1::EventType::Accuse,
        EventType::Reject => v1::EventType::Reject,
        EventType::Threaten => v1::EventType::Threaten,
        EventType::Protest => v1::EventType::Protest,
        EventType::Sanction => v1::EventType::Sanction,
        EventType::Mobilize => v1::EventType::Mobilize,
        EventType::Coerce => v1::EventType::Coerce,
        EventType::Assault => v1::EventType::Assault,
    }
}

/// The CONSULT mode of a PLOVER mode (unspecified for the modes of other types).
fn mode(stored: &str) -> v1::ConsultMode {
    match stored {
        "meet" => v1::ConsultMode::Meet,
        "visit" => v1::ConsultMode::Visit,
        "host" => v1::ConsultMode::Host,
        "phone" => v1::ConsultMode::Phone,
        "summit" => v1::ConsultMode::Summit,
        _ => v1::ConsultMode::Unspecified,
    }
}

fn status(stored: EventStatus) -> v1::EventStatus {
    match stored {
        EventStatus::Occurred => v1::EventStatus::Occurred,
        EventStatus::Planned => v1::EventStatus::Planned,
        EventStatus::Expected => v1::EventStatus::Expected,
    }
}

fn precision(stored: Option<Precision>) -> v1::DatePrecision {
    match stored {
        Some(Precision::Day) => v1::DatePrecision::Day,
        Some(Precision::Month) => v1::DatePrecision::Month,
        Some(Precision::Year) => v1::DatePrecision::Year,
        None => v1::DatePrecision::Unspecified,
    }
}

fn participant_role(stored: ParticipantRole) -> v1::ParticipantRole {
    match stored {
        ParticipantRole::Source => v1::ParticipantRole::Source,
        ParticipantRole::Target => v1::ParticipantRole::Target,
        ParticipantRole::Other => v1::ParticipantRole::Other,
    }
}

/// A stored event as a proto event.
pub fn event(record: &EventRecord) -> v1::Event {
    v1::Event {
        name: resource_name("events", record.id),
        r#type: event_type(record.event_type) as i32,
        mode: mode(&record.mode) as i32,
        plover_mode: record.mode.clone(),
        participants: record
            .participants
            .iter()
            .zip(&record.participant_roles)
            .map(|(p, role)| v1::Participant {
                entity: resource_name("entities", p.id),
                display_name: p.display_name.clone(),
                role: participant_role(*role) as i32,
            })
            .collect(),
        place: record
            .place
            .as_ref()
            .map(|p| resource_name("entities", p.id))
            .unwrap_or_default(),
        place_display_name: record
            .place
            .as_ref()
            .map(|p| p.display_name.clone())
            .unwrap_or_default(),
        date: Some(v1::EventDate {
            value: record.date_value.clone(),
            precision: precision(record.date_precision) as i32,
            text: record.date_text.clone(),
        }),
        status: status(record.status) as i32,
        confidence: f64::from(record.confidence),
        sources: record
            .sources
            .iter()
            .map(|s| v1::EventSource {
                article: resource_name("articles", s.article_id),
                evidence: s.evidence.clone(),
                start_offset: s.start_offset,
                end_offset: s.end_offset,
            })
            .collect(),
    }
}

/// A stored quote as a proto quote.
pub fn quote(record: &QuoteRecord) -> v1::Quote {
    v1::Quote {
        name: resource_name("quotes", record.id),
        text: record.text.clone(),
        speaker: record
            .speaker
            .as_ref()
            .map(|s| resource_name("entities", s.id))
            .unwrap_or_default(),
        speaker_display_name: record
            .speaker
            .as_ref()
            .map(|s| s.display_name.clone())
            .unwrap_or_default(),
        speaker_text: record.speaker_text.clone(),
        cue: record.cue.clone(),
        partial: record.partial,
        confidence: f64::from(record.confidence),
        sources: record
            .sources
            .iter()
            .map(|s| v1::QuoteSource {
                article: resource_name("articles", s.article_id),
                start_offset: s.start_offset,
                end_offset: s.end_offset,
                published_date: s
                    .published_date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}
