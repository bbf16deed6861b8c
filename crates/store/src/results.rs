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
    for mention in mentions {
        sqlx::query(
            "INSERT INTO mentions (article_id, start_offset, end_offset, entity_id, text) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
        )
        .bind(article_id)
        .bind(mention.start)
        .bind(mention.end)
        .bind(mention.entity_id)
        .bind(&mention.text)
        .execute(&mut **tx)
        .await?;
    }
    for quote in quotes {
        write_quote(tx, article_id, published_date, quote).await?;
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

#[derive(sqlx::FromRow)]
struct EventCandidate {
    id: Uuid,
    mode: String,
    place_id: Option<Uuid>,
    date_value: String,
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
    // Candidates share type and participant set (an indexed equality lookup, so
    // the cost does not grow with the number of stored events of other actors).
    let candidates = sqlx::query_as::<_, EventCandidate>(
        "SELECT id, mode, place_id, date_value FROM events
         WHERE event_type = $1 AND participant_key = $2
         ORDER BY first_seen LIMIT 50",
    )
    .bind(&event.event_type)
    .bind(&participant_key)
    .fetch_all(&mut **tx)
    .await?;
    let matching = candidates.into_iter().find(|candidate| {
        dates_compatible(&candidate.date_value, &event.date_value)
            && (candidate.place_id.is_none()
                || event.place_id.is_none()
                || candidate.place_id == event.place_id)
            && (candidate.mode.is_empty()
                || event.mode.is_empty()
                || candidate.mode == event.mode
                || candidate.mode == "summit"
                || event.mode == "summit")
    });
    let event_id = match matching {
        Some(existing) => {
            // Sharpen: a more precise date or a place where there was none.
            sqlx::query(
                "UPDATE events SET
                    date_value = CASE WHEN length($2) > length(date_value) THEN $2 ELSE date_value END,
                    date_precision = CASE WHEN length($2) > length(date_value) THEN $3 ELSE date_precision END,
                    date_text = CASE WHEN length($2) > length(date_value) THEN $4 ELSE date_text END,
                    date_start = CASE WHEN length($2) > length(date_value) THEN $5 ELSE date_start END,
                    place_id = COALESCE(place_id, $6),
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
            .execute(&mut **tx)
            .await?;
            existing.id
        }
        None => {
            let id = Uuid::new_v4();
            sqlx::query(
                "INSERT INTO events (id, event_type, mode, place_id, date_value, date_precision, date_text, date_start,
                                     status, confidence, participant_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
            .execute(&mut **tx)
            .await?;
            for (position, participant) in event.participants.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO event_participants (event_id, entity_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(participant)
                .bind(position as i32)
                .execute(&mut **tx)
                .await?;
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
