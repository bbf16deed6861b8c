//! Writing one article's extraction results: mentions, quotes and events, with
//! cross-article deduplication. Called by the ingest worker inside the
//! transaction that marks the article done.

use chrono::NaiveDate;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::StoreError;

/// A mention resolved to a registry entity.
#[derive(Clone, Debug)]
pub struct NewMention {
    /// The entity.
    pub entity_id: Uuid,
    /// Start offset in code points.
    pub start: i32,
    /// End offset in code points.
    pub end: i32,
    /// Surface text.
    pub text: String,
}

/// A quote found in the article.
#[derive(Clone, Debug)]
pub struct NewQuote {
    /// The quoted words.
    pub text: String,
    /// The speaking entity, if named.
    pub speaker_id: Option<Uuid>,
    /// The words naming the speaker.
    pub speaker_text: String,
    /// The attribution cue.
    pub cue: String,
    /// Embedded in the writer's sentence.
    pub partial: bool,
    /// Confidence 0..1.
    pub confidence: f32,
    /// Start offset in code points.
    pub start: i32,
    /// End offset in code points.
    pub end: i32,
}

/// An event found in the article.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// PLOVER type, upper case.
    pub event_type: String,
    /// CONSULT mode or empty.
    pub mode: String,
    /// Participant entities, initiator first.
    pub participants: Vec<Uuid>,
    /// Place entity.
    pub place_id: Option<Uuid>,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty.
    pub date_value: String,
    /// `day`, `month`, `year` or empty.
    pub date_precision: String,
    /// The words the date came from.
    pub date_text: String,
    /// `occurred`, `planned` or `expected`.
    pub status: String,
    /// Confidence 0..1.
    pub confidence: f32,
    /// The evidence sentence.
    pub evidence: String,
    /// Evidence start offset in code points.
    pub start: i32,
    /// Evidence end offset in code points.
    pub end: i32,
}

/// Normalised quote words: the key under which one quote carried by several
/// articles is stored once.
pub fn quote_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// The first day of a date value's period.
pub fn date_start(value: &str) -> Option<NaiveDate> {
    match value.len() {
        10 => NaiveDate::parse_from_str(value, "%Y-%m-%d").ok(),
        7 => NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").ok(),
        4 => NaiveDate::parse_from_str(&format!("{value}-01-01"), "%Y-%m-%d").ok(),
        _ => None,
    }
}

/// Two date values can denote the same day: equal, one refines the other, or one is unknown.
fn dates_compatible(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a.starts_with(b) || b.starts_with(a)
}

/// Stores the mentions, quotes and events of one article. Quotes with the same
/// words as a stored quote become another source of it; events of the same type
/// and participants with compatible date and place become another source of the
/// stored event (and sharpen its date when this one is more precise).
#[tracing::instrument(skip_all, fields(%article_id, quotes = quotes.len(), events = events.len()))]
pub async fn write_article_results(
    tx: &mut Transaction<'_, Postgres>,
    article_id: Uuid,
    published_date: Option<NaiveDate>,
    mentions: &[NewMention],
    quotes: &[NewQuote],
    events: &[NewEvent],
) -> Result<(), StoreError> {
    // A retry after a lost lease may find earlier rows of this article.
    sqlx::query("DELETE FROM mentions WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM quote_sources WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM event_sources WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut **tx)
        .await?;
    // One statement for all mentions of the article.
    if !mentions.is_empty() {
        let starts: Vec<i32> = mentions.iter().map(|m| m.start).collect();
        let ends: Vec<i32> = mentions.iter().map(|m| m.end).collect();
        let entities: Vec<Uuid> = mentions.iter().map(|m| m.entity_id).collect();
        let texts: Vec<&str> = mentions.iter().map(|m| m.text.as_str()).collect();
        sqlx::query(
            "INSERT INTO mentions (article_id, start_offset, end_offset, entity_id, text)
             SELECT $1, s, e, id, t FROM unnest($2::int[], $3::int[], $4::uuid[], $5::text[]) AS m(s, e, id, t)
             ON CONFLICT DO NOTHING",
        )
        .bind(article_id)
        .bind(&starts)
        .bind(&ends)
        .bind(&entities)
        .bind(&texts)
        .execute(&mut **tx)
        .await?;
    }
    // Upsert quotes in one global order (by key) so concurrent articles carrying
    // the same quotes cannot deadlock.
    let mut ordered: Vec<&NewQuote> = quotes.iter().collect();
    ordered.sort_by_cached_key(|quote| quote_key(&quote.text));
    for quote in ordered {
        write_quote(tx, article_id, published_date, quote).await?;
    }
    // Two workers storing the same new event at once must not both create it:
    // lock every participant (in one global order, so no deadlock) until commit.
    let mut actors: Vec<Uuid> = events
        .iter()
        .flat_map(|e| e.participants.iter().copied())
        .collect();
    actors.sort();
    actors.dedup();
    if !actors.is_empty() {
        sqlx::query(
            "SELECT pg_advisory_xact_lock(h) FROM (
                 SELECT DISTINCT hashtextextended(u::text, 7274) AS h FROM unnest($1::uuid[]) AS u ORDER BY 1) locks",
        )
        .bind(&actors)
        .execute(&mut **tx)
        .await?;
    }
    for event in events {
        write_event(tx, article_id, event).await?;
    }
    Ok(())
}

async fn write_quote(
    tx: &mut Transaction<'_, Postgres>,
    article_id: Uuid,
    published_date: Option<NaiveDate>,
    quote: &NewQuote,
) -> Result<(), StoreError> {
    let key = quote_key(&quote.text);
    if key.is_empty() {
        return Ok(());
    }
    let quote_id: Uuid = sqlx::query_scalar(
        "INSERT INTO quotes (id, text_key, text, speaker_id, speaker_text, cue, partial, confidence, quote_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (text_key) DO UPDATE SET
             speaker_id = COALESCE(quotes.speaker_id, EXCLUDED.speaker_id),
             speaker_text = CASE WHEN quotes.speaker_id IS NULL AND EXCLUDED.speaker_id IS NOT NULL
                                 THEN EXCLUDED.speaker_text ELSE quotes.speaker_text END,
             quote_date = LEAST(quotes.quote_date, EXCLUDED.quote_date)
         RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(&key)
    .bind(&quote.text)
    .bind(quote.speaker_id)
    .bind(&quote.speaker_text)
    .bind(&quote.cue)
    .bind(quote.partial)
    .bind(quote.confidence)
    .bind(published_date)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO quote_sources (quote_id, article_id, start_offset, end_offset) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(quote_id)
    .bind(article_id)
    .bind(quote.start)
    .bind(quote.end)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct EventCandidate {
    id: Uuid,
    mode: String,
    place_id: Option<Uuid>,
    place_country: Option<Uuid>,
    date_value: String,
    status: String,
    participants: Vec<Uuid>,
}

/// Most candidates looked at per participant pair: the newest ones.
const CANDIDATES_PER_PAIR: i64 = 20;

/// The country a place lies in: itself for a country, its affiliation for a
/// city, unknown for a place the registry cannot locate.
async fn place_country(
    tx: &mut Transaction<'_, Postgres>,
    place: Option<Uuid>,
) -> Result<Option<Uuid>, StoreError> {
    let Some(place) = place else { return Ok(None) };
    let row: Option<(Option<Uuid>,)> = sqlx::query_as(
        "SELECT CASE WHEN p.affiliation_id IS NOT NULL THEN p.affiliation_id
                     WHEN EXISTS (SELECT 1 FROM entities c WHERE c.affiliation_id = p.id AND c.entity_type = 'GPE') THEN p.id
                END
         FROM entities p WHERE p.id = $1",
    )
    .bind(place)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(country,)| country))
}

/// Candidate events for deduplication: same type and participant set, or the
/// newest events of the same type sharing a pair of participants.
async fn event_candidates(
    tx: &mut Transaction<'_, Postgres>,
    event: &NewEvent,
    participant_key: &str,
    sorted: &[Uuid],
) -> Result<Vec<EventCandidate>, StoreError> {
    let mut ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM events WHERE event_type = $1 AND participant_key = $2 ORDER BY first_seen DESC LIMIT $3",
    )
    .bind(&event.event_type)
    .bind(participant_key)
    .bind(CANDIDATES_PER_PAIR)
    .fetch_all(&mut **tx)
    .await?;
    for (index, a) in sorted.iter().enumerate() {
        for b in &sorted[index + 1..] {
            let pair: Vec<Uuid> = sqlx::query_scalar(
                "SELECT event_id FROM event_pairs WHERE event_type = $1 AND entity_a = $2 AND entity_b = $3
                 ORDER BY first_seen DESC LIMIT $4",
            )
            .bind(&event.event_type)
            .bind(a)
            .bind(b)
            .bind(CANDIDATES_PER_PAIR)
            .fetch_all(&mut **tx)
            .await?;
            ids.extend(pair);
        }
    }
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as::<_, EventCandidate>(
        "SELECT e.id, e.mode, e.place_id,
                CASE WHEN p.affiliation_id IS NOT NULL THEN p.affiliation_id
                     WHEN EXISTS (SELECT 1 FROM entities c WHERE c.affiliation_id = p.id AND c.entity_type = 'GPE') THEN p.id
                END AS place_country,
                e.date_value, e.status,
                ARRAY(SELECT entity_id FROM event_participants ep WHERE ep.event_id = e.id) AS participants
         FROM events e LEFT JOIN entities p ON p.id = e.place_id
         WHERE e.id = ANY($1) ORDER BY e.first_seen",
    )
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?)
}

fn modes_compatible(a: &str, b: &str) -> bool {
    a.is_empty()
        || b.is_empty()
        || a == b
        || matches!((a, b), ("meet", "summit") | ("summit", "meet"))
}

/// The same real-world event: agreeing status, mode, date and place, and at
/// least two shared participants (or the same single one).
fn same_event(
    candidate: &EventCandidate,
    event: &NewEvent,
    event_place_country: Option<Uuid>,
) -> bool {
    let shared = event
        .participants
        .iter()
        .filter(|p| candidate.participants.contains(p))
        .count();
    let participants_agree = shared >= 2
        || (shared == 1 && candidate.participants.len() == 1 && event.participants.len() == 1);
    let places_agree = match (candidate.place_id, event.place_id) {
        (Some(a), Some(b)) if a != b => match (candidate.place_country, event_place_country) {
            (Some(x), Some(y)) => x == y,
            // A place the registry cannot locate conflicts with nothing.
            _ => true,
        },
        _ => true,
    };
    participants_agree
        && (candidate.status == event.status
            || candidate.status != "occurred" && event.status != "occurred")
        && modes_compatible(&candidate.mode, &event.mode)
        && dates_compatible(&candidate.date_value, &event.date_value)
        && places_agree
}

async fn write_event(
    tx: &mut Transaction<'_, Postgres>,
    article_id: Uuid,
    event: &NewEvent,
) -> Result<(), StoreError> {
    let mut sorted: Vec<Uuid> = event.participants.clone();
    sorted.sort();
    sorted.dedup();
    let participant_key = sorted
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let event_place_country = place_country(tx, event.place_id).await?;
    let candidates = event_candidates(tx, event, &participant_key, &sorted).await?;
    let matching = candidates
        .iter()
        .find(|candidate| same_event(candidate, event, event_place_country));
    let event_id = match matching {
        Some(existing) => {
            // Sharpen: a more precise date, a place where there was none, or a
            // more specific place in the same country.
            let more_specific_place = match (existing.place_id, event.place_id) {
                (None, Some(_)) => true,
                (Some(old), Some(new)) => {
                    old != new
                        && existing.place_country == Some(old)
                        && event_place_country == Some(old)
                }
                _ => false,
            };
            sqlx::query(
                "UPDATE events SET
                    date_value = CASE WHEN length($2) > length(date_value) THEN $2 ELSE date_value END,
                    date_precision = CASE WHEN length($2) > length(date_value) THEN $3 ELSE date_precision END,
                    date_text = CASE WHEN length($2) > length(date_value) THEN $4 ELSE date_text END,
                    date_start = CASE WHEN length($2) > length(date_value) THEN $5 ELSE date_start END,
                                        place_id = CASE WHEN $8 THEN $6 ELSE place_id END,
                    status = CASE WHEN $9 = 'expected' AND status = 'planned' THEN 'expected' ELSE status END,
                    confidence = GREATEST(confidence, $7)
                 WHERE id = $1",
            )
            .bind(existing.id)
            .bind(&event.date_value)
            .bind(&event.date_precision)
            .bind(&event.date_text)
            .bind(date_start(&event.date_value))
            .bind(event.place_id)
            .bind(event.confidence)
                        .bind(more_specific_place)
            .bind(&event.status)
            .execute(&mut **tx)
            .await?;
            existing.id
        }
        None => {
            let id = Uuid::new_v4();
            let first_seen: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
                "INSERT INTO events (id, event_type, mode, place_id, date_value, date_precision, date_text, date_start,
                                     status, confidence, participant_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 RETURNING first_seen",
            )
            .bind(id)
            .bind(&event.event_type)
            .bind(&event.mode)
            .bind(event.place_id)
            .bind(&event.date_value)
            .bind(&event.date_precision)
            .bind(&event.date_text)
            .bind(date_start(&event.date_value))
            .bind(&event.status)
            .bind(event.confidence)
            .bind(&participant_key)
            .fetch_one(&mut **tx)
            .await?;
            let mut seen = Vec::new();
            for participant in &event.participants {
                if seen.contains(participant) {
                    continue;
                }
                sqlx::query("INSERT INTO event_participants (event_id, entity_id, position) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(participant)
                    .bind(seen.len() as i32)
                    .execute(&mut **tx)
                    .await?;
                seen.push(*participant);
            }
            for (index, a) in sorted.iter().enumerate() {
                for b in &sorted[index + 1..] {
                    sqlx::query(
                        "INSERT INTO event_pairs (event_id, event_type, entity_a, entity_b, first_seen) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id)
                    .bind(&event.event_type)
                    .bind(a)
                    .bind(b)
                    .bind(first_seen)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            id
        }
    };
    sqlx::query(
        "INSERT INTO event_sources (event_id, article_id, evidence, start_offset, end_offset) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(event_id)
    .bind(article_id)
    .bind(&event.evidence)
    .bind(event.start)
    .bind(event.end)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_key_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            quote_key("It is hoped,  that"),
            quote_key("it is hoped that.")
        );
        assert_eq!(quote_key("U.S.-China"), "u s china");
    }

    #[test]
    fn dates_refine_but_do_not_conflict() {
        assert!(dates_compatible("2022-11", "2022-11-14"));
        assert!(dates_compatible("", "2022-11-14"));
        assert!(!dates_compatible("2022-11-15", "2022-11-14"));
        assert_eq!(date_start("2022-11"), NaiveDate::from_ymd_opt(2022, 11, 1));
    }
}
