//! Writing one article's extraction results: mentions, quotes and events, with
//! cross-article deduplication. Called by the ingest worker inside the
//! transaction that marks the article done.

use chrono::NaiveDate;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use readout_extract::events::identity::{self, Telling};

use crate::kinds::{precision_stored, EventStatus, EventType, ParticipantRole, Precision, Stored};
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
    /// The name with attached titles and nationality words, when longer than
    /// `text`; otherwise empty.
    pub full_text: String,
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
    /// PLOVER type.
    pub event_type: EventType,
    /// CONSULT mode or empty.
    pub mode: String,
    /// Participant entities, initiator first: the sources, the targets, then
    /// any other actor named with the event.
    pub participants: Vec<Uuid>,
    /// Who acts (PLOVER's actor); peers of a meeting between equals are all sources.
    pub sources: Vec<Uuid>,
    /// Whom the act is aimed at (PLOVER's recipient).
    pub targets: Vec<Uuid>,
    /// Place entity.
    pub place_id: Option<Uuid>,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty.
    pub date_value: String,
    /// The date's precision; `None` when unresolved.
    pub date_precision: Option<Precision>,
    /// The words the date came from.
    pub date_text: String,
    /// For a date resolved from a relative expression, the anchor it was
    /// resolved against (`YYYY-MM-DD`); empty for an absolute date or none.
    pub date_anchor: String,
    /// When the article reported it: its publication date, else the date its
    /// text gives (`YYYY-MM-DD`); empty when unknown.
    pub reported: String,
    /// Happened, planned or expected.
    pub status: EventStatus,
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

/// One article's results, stored with others in one transaction by [`write_results`].
#[derive(Clone, Copy, Debug)]
pub struct ArticleResults<'a> {
    /// The article.
    pub article_id: Uuid,
    /// Its publication date: the date its quotes were said, when known.
    pub published_date: Option<NaiveDate>,
    /// Earlier rows of this article may exist (a retried attempt) and are replaced.
    pub replace: bool,
    /// Mentions.
    pub mentions: &'a [NewMention],
    /// Quotes.
    pub quotes: &'a [NewQuote],
    /// Events.
    pub events: &'a [NewEvent],
}

/// Stores the mentions, quotes and events of one article (see [`write_results`]).
pub async fn write_article_results(
    tx: &mut Transaction<'_, Postgres>,
    article_id: Uuid,
    published_date: Option<NaiveDate>,
    mentions: &[NewMention],
    quotes: &[NewQuote],
    events: &[NewEvent],
) -> Result<(), StoreError> {
    write_results(
        tx,
        &[ArticleResults {
            article_id,
            published_date,
            replace: true,
            mentions,
            quotes,
            events,
        }],
    )
    .await
}

/// Stores the mentions, quotes and events of several articles with a fixed
/// number of statements per table, whatever the number of articles. Quotes
/// with the same words as a stored quote (or another quote of the batch)
/// become another source of it; events of the same type and participants with
/// compatible date and place become another source of the stored event (and
/// sharpen its date when the new one is more precise), in article order.
#[tracing::instrument(skip_all, fields(articles = articles.len()))]
pub async fn write_results(
    tx: &mut Transaction<'_, Postgres>,
    articles: &[ArticleResults<'_>],
) -> Result<(), StoreError> {
    let replaced: Vec<Uuid> = articles
        .iter()
        .filter(|article| article.replace)
        .map(|article| article.article_id)
        .collect();
    if !replaced.is_empty() {
        for table in ["mentions", "quote_sources", "event_sources"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE article_id = ANY($1)"))
                .bind(&replaced)
                .execute(&mut **tx)
                .await?;
        }
    }
    write_mentions(tx, articles).await?;
    write_quotes(tx, articles).await?;
    write_events(tx, articles).await
}

async fn write_mentions(
    tx: &mut Transaction<'_, Postgres>,
    articles: &[ArticleResults<'_>],
) -> Result<(), StoreError> {
    let rows: Vec<(Uuid, &NewMention)> = articles
        .iter()
        .flat_map(|article| article.mentions.iter().map(|m| (article.article_id, m)))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let article_ids: Vec<Uuid> = rows.iter().map(|(a, _)| *a).collect();
    let starts: Vec<i32> = rows.iter().map(|(_, m)| m.start).collect();
    let ends: Vec<i32> = rows.iter().map(|(_, m)| m.end).collect();
    let entities: Vec<Uuid> = rows.iter().map(|(_, m)| m.entity_id).collect();
    let texts: Vec<&str> = rows.iter().map(|(_, m)| m.text.as_str()).collect();
    let full_texts: Vec<&str> = rows.iter().map(|(_, m)| m.full_text.as_str()).collect();
    sqlx::query(
        "INSERT INTO mentions (article_id, start_offset, end_offset, entity_id, text, full_text)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::uuid[], $5::text[], $6::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&article_ids)
    .bind(&starts)
    .bind(&ends)
    .bind(&entities)
    .bind(&texts)
    .bind(&full_texts)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A quote row to upsert: the first sighting's fields, the speaker from the
/// first sighting that names one, the earliest date.
struct QuoteUpsert<'a> {
    quote: &'a NewQuote,
    speaker: Option<(Uuid, &'a str)>,
    date: Option<NaiveDate>,
}

async fn write_quotes(
    tx: &mut Transaction<'_, Postgres>,
    articles: &[ArticleResults<'_>],
) -> Result<(), StoreError> {
    // Keyed and ordered by the normalised words: one global lock order, so
    // concurrent batches carrying the same quotes cannot deadlock.
    let mut upserts: std::collections::BTreeMap<String, QuoteUpsert> = Default::default();
    let mut sources: Vec<(String, Uuid, i32, i32)> = Vec::new();
    for article in articles {
        for quote in article.quotes {
            let key = quote_key(&quote.text);
            if key.is_empty() {
                continue;
            }
            let speaker = quote.speaker_id.map(|id| (id, quote.speaker_text.as_str()));
            let upsert = upserts.entry(key.clone()).or_insert(QuoteUpsert {
                quote,
                speaker,
                date: article.published_date,
            });
            upsert.speaker = upsert.speaker.or(speaker);
            upsert.date = match (upsert.date, article.published_date) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            sources.push((key, article.article_id, quote.start, quote.end));
        }
    }
    if upserts.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = upserts.keys().map(String::as_str).collect();
    let new_ids: Vec<Uuid> = keys.iter().map(|_| Uuid::new_v4()).collect();
    let rows: Vec<&QuoteUpsert> = upserts.values().collect();
    let texts: Vec<&str> = rows.iter().map(|u| u.quote.text.as_str()).collect();
    let speakers: Vec<Option<Uuid>> = rows.iter().map(|u| u.speaker.map(|(id, _)| id)).collect();
    let speaker_texts: Vec<&str> = rows
        .iter()
        .map(|u| {
            u.speaker
                .map(|(_, text)| text)
                .unwrap_or(&u.quote.speaker_text)
        })
        .collect();
    let cues: Vec<&str> = rows.iter().map(|u| u.quote.cue.as_str()).collect();
    let partials: Vec<bool> = rows.iter().map(|u| u.quote.partial).collect();
    let confidences: Vec<f32> = rows.iter().map(|u| u.quote.confidence).collect();
    let dates: Vec<Option<NaiveDate>> = rows.iter().map(|u| u.date).collect();
    let stored: Vec<(Uuid, String)> = sqlx::query_as(
        "INSERT INTO quotes (id, text_key, text, speaker_id, speaker_text, cue, partial, confidence, quote_date)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[],
                              $7::bool[], $8::real[], $9::date[]) AS u
         ORDER BY 2
         ON CONFLICT (text_key) DO UPDATE SET
             speaker_id = COALESCE(quotes.speaker_id, EXCLUDED.speaker_id),
             speaker_text = CASE WHEN quotes.speaker_id IS NULL AND EXCLUDED.speaker_id IS NOT NULL
                                 THEN EXCLUDED.speaker_text ELSE quotes.speaker_text END,
             quote_date = LEAST(quotes.quote_date, EXCLUDED.quote_date)
         -- Only when something changes: a retold quote otherwise rewrote its row
         -- and every index entry of it (two GIN indexes among them).
         WHERE (quotes.speaker_id IS NULL AND EXCLUDED.speaker_id IS NOT NULL)
            OR EXCLUDED.quote_date < quotes.quote_date
            OR (quotes.quote_date IS NULL AND EXCLUDED.quote_date IS NOT NULL)
         RETURNING id, text_key",
    )
    .bind(&new_ids)
    .bind(&keys)
    .bind(&texts)
    .bind(&speakers)
    .bind(&speaker_texts)
    .bind(&cues)
    .bind(&partials)
    .bind(&confidences)
    .bind(&dates)
    .fetch_all(&mut **tx)
    .await?;
    // Retold quotes left as they were return nothing: look their ids up.
    let mut stored = stored;
    if stored.len() < keys.len() {
        let returned: std::collections::HashSet<&str> =
            stored.iter().map(|(_, key)| key.as_str()).collect();
        let unchanged: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|key| !returned.contains(key))
            .collect();
        let found: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, text_key FROM quotes WHERE text_key = ANY($1)")
                .bind(&unchanged)
                .fetch_all(&mut **tx)
                .await?;
        stored.extend(found);
    }
    let id_of: std::collections::HashMap<&str, Uuid> =
        stored.iter().map(|(id, key)| (key.as_str(), *id)).collect();
    let mut quote_ids = Vec::with_capacity(sources.len());
    let mut article_ids = Vec::with_capacity(sources.len());
    let mut starts = Vec::with_capacity(sources.len());
    let mut ends = Vec::with_capacity(sources.len());
    for (key, article, start, end) in &sources {
        let Some(id) = id_of.get(key.as_str()) else {
            continue;
        };
        quote_ids.push(*id);
        article_ids.push(*article);
        starts.push(*start);
        ends.push(*end);
    }
    sqlx::query(
        "INSERT INTO quote_sources (quote_id, article_id, start_offset, end_offset)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&quote_ids)
    .bind(&article_ids)
    .bind(&starts)
    .bind(&ends)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct EventCandidate {
    id: Uuid,
    event_type: String,
    mode: String,
    place_id: Option<Uuid>,
    place_country: Option<Uuid>,
    date_value: String,
    date_anchor: String,
    reported: String,
    status: String,
    participants: Vec<Uuid>,
}

/// The country a place (an entity aliased `p`) lies in: itself for a
/// country, its affiliation for a city, unknown for a place the registry
/// cannot locate.
/// (`'GPE'` is `EntityType::Gpe.stored()`, checked by a test.)
const PLACE_COUNTRY: &str = "CASE WHEN p.affiliation_id IS NOT NULL THEN p.affiliation_id
     WHEN EXISTS (SELECT 1 FROM entities c WHERE c.affiliation_id = p.id AND c.entity_type = 'GPE') THEN p.id
END";

/// Most candidates looked at per participant set and per participant pair: the newest ones.
const CANDIDATES_PER_PAIR: i64 = 20;

/// How a stored event is sharpened by the sightings of a batch.
#[derive(Default)]
struct Sharpening<'a> {
    /// A more precise date: (value, precision, words, anchor).
    date: Option<(&'a str, &'a str, &'a str, &'a str)>,
    /// A place where there was none, or a more specific one in the same country.
    place: Option<Uuid>,
    /// A planned event now expected.
    expected: bool,
    /// The highest confidence seen.
    confidence: f32,
}

/// A new event of the batch, to insert.
struct EventInsert<'a> {
    id: Uuid,
    event: &'a NewEvent,
    participant_key: String,
    sorted: Vec<Uuid>,
    date: (&'a str, &'a str, &'a str, &'a str),
    place: Option<Uuid>,
    status: EventStatus,
    confidence: f32,
}

/// Where a known event lives (kept beside the candidate list, index for index).
enum Known {
    /// Stored before this batch: its id, the key of its sharpening.
    Stored(Uuid),
    /// New in this batch: its index in the inserts.
    New(usize),
}

/// A stored (or batch-new) event as the identity rule sees it.
fn stored_telling(candidate: &EventCandidate) -> Telling<'_, Uuid> {
    Telling {
        event_type: &candidate.event_type,
        mode: &candidate.mode,
        status: &candidate.status,
        actors: &candidate.participants,
        place: candidate.place_id,
        place_country: candidate.place_country,
        date: &candidate.date_value,
        anchor: Some(candidate.date_anchor.as_str()).filter(|a| !a.is_empty()),
        reported: Some(candidate.reported.as_str()).filter(|r| !r.is_empty()),
    }
}

/// A new telling as the identity rule sees it.
fn new_telling<'a>(event: &'a NewEvent, place_country: Option<Uuid>) -> Telling<'a, Uuid> {
    Telling {
        event_type: event.event_type.as_str(),
        mode: &event.mode,
        status: event.status.as_str(),
        actors: &event.participants,
        place: event.place_id,
        place_country,
        date: &event.date_value,
        anchor: Some(event.date_anchor.as_str()).filter(|a| !a.is_empty()),
        reported: Some(event.reported.as_str()).filter(|r| !r.is_empty()),
    }
}

/// The participants in id order, without repeats, and their key.
fn participant_set(event: &NewEvent) -> (Vec<Uuid>, String) {
    let mut sorted = event.participants.clone();
    sorted.sort();
    sorted.dedup();
    let key = sorted
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",");
    (sorted, key)
}

async fn write_events(
    tx: &mut Transaction<'_, Postgres>,
    articles: &[ArticleResults<'_>],
) -> Result<(), StoreError> {
    let sightings: Vec<(Uuid, &NewEvent)> = articles
        .iter()
        .flat_map(|article| article.events.iter().map(|e| (article.article_id, e)))
        .collect();
    if sightings.is_empty() {
        return Ok(());
    }
    // Two workers storing the same new event at once must not both create it:
    // lock every participant (in one global order, so no deadlock) until commit.
    let mut actors: Vec<Uuid> = sightings
        .iter()
        .flat_map(|(_, e)| e.participants.iter().copied())
        .collect();
    actors.sort();
    actors.dedup();
    sqlx::query(
        "SELECT pg_advisory_xact_lock(h) FROM (
             SELECT DISTINCT hashtextextended(u::text, 7274) AS h FROM unnest($1::uuid[]) AS u ORDER BY 1) locks",
    )
    .bind(&actors)
    .execute(&mut **tx)
    .await?;
    // The country each place lies in.
    let mut places: Vec<Uuid> = sightings.iter().filter_map(|(_, e)| e.place_id).collect();
    places.sort();
    places.dedup();
    let place_countries: std::collections::HashMap<Uuid, Option<Uuid>> = if places.is_empty() {
        Default::default()
    } else {
        sqlx::query_as::<_, (Uuid, Option<Uuid>)>(&format!(
            "SELECT p.id, {PLACE_COUNTRY} FROM entities p WHERE p.id = ANY($1)"
        ))
        .bind(&places)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect()
    };
    // Candidates: the newest stored events of the same type and participant
    // set, and of the same type sharing a pair of participants.
    let sets: Vec<(Vec<Uuid>, String)> =
        sightings.iter().map(|(_, e)| participant_set(e)).collect();
    let mut set_types = Vec::new();
    let mut set_keys = Vec::new();
    let mut pair_types = Vec::new();
    let mut pair_a = Vec::new();
    let mut pair_b = Vec::new();
    for ((_, event), (sorted, key)) in sightings.iter().zip(&sets) {
        set_types.push(event.event_type.stored());
        set_keys.push(key.as_str());
        for (index, a) in sorted.iter().enumerate() {
            for b in &sorted[index + 1..] {
                pair_types.push(event.event_type.stored());
                pair_a.push(*a);
                pair_b.push(*b);
            }
        }
    }
    let mut known_events: Vec<EventCandidate> = sqlx::query_as(&format!(
        "WITH ids AS (
             SELECT x.id FROM unnest($1::text[], $2::text[]) AS k(t, pk)
             CROSS JOIN LATERAL (SELECT id FROM events WHERE event_type = k.t AND participant_key = k.pk
                                 ORDER BY first_seen DESC LIMIT $6) x
             UNION
             SELECT x.event_id FROM unnest($3::text[], $4::uuid[], $5::uuid[]) AS k(t, a, b)
             CROSS JOIN LATERAL (SELECT event_id FROM event_pairs
                                 WHERE event_type = k.t AND entity_a = k.a AND entity_b = k.b
                                 ORDER BY first_seen DESC LIMIT $6) x)
         SELECT e.id, e.event_type, e.mode, e.place_id, {PLACE_COUNTRY} AS place_country,
                e.date_value, e.date_anchor, e.reported, e.status,
                ARRAY(SELECT entity_id FROM event_participants ep WHERE ep.event_id = e.id) AS participants
         FROM events e LEFT JOIN entities p ON p.id = e.place_id
         WHERE e.id IN (SELECT id FROM ids) ORDER BY e.first_seen, e.id"
    ))
    .bind(&set_types)
    .bind(&set_keys)
    .bind(&pair_types)
    .bind(&pair_a)
    .bind(&pair_b)
    .bind(CANDIDATES_PER_PAIR)
    .fetch_all(&mut **tx)
    .await?;
    // Oldest first: stored events, then the batch's new ones in order.
    let mut where_known: Vec<Known> = known_events.iter().map(|e| Known::Stored(e.id)).collect();
    // The articles of the batch that told each known event: the extractor has
    // already merged one article's tellings of one event, so two events of one
    // article are two events.
    let mut told_by: Vec<Vec<Uuid>> = vec![Vec::new(); known_events.len()];
    let mut sharpenings: std::collections::BTreeMap<Uuid, Sharpening> = Default::default();
    let mut inserts: Vec<EventInsert> = Vec::new();
    let mut sources: Vec<(Uuid, Uuid, &str, i32, i32)> = Vec::new();
    for ((article_id, event), (sorted, key)) in sightings.iter().zip(sets) {
        let country = event
            .place_id
            .and_then(|p| place_countries.get(&p).copied().flatten());
        let matching = known_events
            .iter()
            .zip(&told_by)
            .position(|(candidate, told)| {
                !told.contains(article_id)
                    && identity::compatible(
                        &stored_telling(candidate),
                        &new_telling(event, country),
                    )
            });
        let event_id = match matching {
            Some(index) => {
                told_by[index].push(*article_id);
                let existing = &mut known_events[index];
                // Sharpen: a more precise date, a place where there was none, or a
                // more specific place in the same country.
                let more_specific_place = match (existing.place_id, event.place_id) {
                    (None, Some(_)) => true,
                    (Some(old), Some(new)) => {
                        old != new && existing.place_country == Some(old) && country == Some(old)
                    }
                    _ => false,
                };
                let sharper_date =
                    identity::takes_date(&stored_telling(existing), &new_telling(event, country));
                let now_expected = event.status == EventStatus::Expected
                    && existing.status == EventStatus::Planned.stored();
                if sharper_date {
                    existing.date_value = event.date_value.clone();
                    existing.date_anchor = event.date_anchor.clone();
                }
                if more_specific_place {
                    existing.place_id = event.place_id;
                    existing.place_country = country;
                }
                if now_expected {
                    existing.status = EventStatus::Expected.stored().into();
                }
                let date = (
                    event.date_value.as_str(),
                    precision_stored(event.date_precision),
                    event.date_text.as_str(),
                    event.date_anchor.as_str(),
                );
                match where_known[index] {
                    Known::Stored(id) => {
                        let sharpening = sharpenings.entry(id).or_default();
                        if sharper_date {
                            sharpening.date = Some(date);
                        }
                        if more_specific_place {
                            sharpening.place = event.place_id;
                        }
                        sharpening.expected |= now_expected;
                        sharpening.confidence = sharpening.confidence.max(event.confidence);
                        id
                    }
                    Known::New(insert) => {
                        let insert = &mut inserts[insert];
                        if sharper_date {
                            insert.date = date;
                        }
                        if more_specific_place {
                            insert.place = event.place_id;
                        }
                        if now_expected {
                            insert.status = EventStatus::Expected;
                        }
                        insert.confidence = insert.confidence.max(event.confidence);
                        insert.id
                    }
                }
            }
            None => {
                let id = Uuid::new_v4();
                known_events.push(EventCandidate {
                    id,
                    event_type: event.event_type.stored().to_owned(),
                    mode: event.mode.clone(),
                    place_id: event.place_id,
                    place_country: country,
                    date_value: event.date_value.clone(),
                    date_anchor: event.date_anchor.clone(),
                    reported: event.reported.clone(),
                    status: event.status.stored().to_owned(),
                    participants: sorted.clone(),
                });
                where_known.push(Known::New(inserts.len()));
                told_by.push(vec![*article_id]);
                inserts.push(EventInsert {
                    id,
                    event,
                    participant_key: key,
                    sorted,
                    date: (
                        &event.date_value,
                        precision_stored(event.date_precision),
                        &event.date_text,
                        &event.date_anchor,
                    ),
                    place: event.place_id,
                    status: event.status,
                    confidence: event.confidence,
                });
                id
            }
        };
        sources.push((
            event_id,
            *article_id,
            &event.evidence,
            event.start,
            event.end,
        ));
    }
    sharpen_events(tx, &sharpenings).await?;
    insert_events(tx, &inserts).await?;
    let (event_ids, article_ids, evidence, starts, ends) = sources.into_iter().fold(
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()),
        |mut columns, (event, article, evidence, start, end)| {
            columns.0.push(event);
            columns.1.push(article);
            columns.2.push(evidence);
            columns.3.push(start);
            columns.4.push(end);
            columns
        },
    );
    sqlx::query(
        "INSERT INTO event_sources (event_id, article_id, evidence, start_offset, end_offset)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&event_ids)
    .bind(&article_ids)
    .bind(&evidence)
    .bind(&starts)
    .bind(&ends)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Applies the batch's sharpenings to stored events in one statement. Each
/// change is guarded by the row's current values, so a concurrent sharpening
/// is never undone.
async fn sharpen_events(
    tx: &mut Transaction<'_, Postgres>,
    sharpenings: &std::collections::BTreeMap<Uuid, Sharpening<'_>>,
) -> Result<(), StoreError> {
    if sharpenings.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = sharpenings.keys().copied().collect();
    let values = sharpenings.values();
    let dates: Vec<Option<&str>> = values.clone().map(|s| s.date.map(|d| d.0)).collect();
    let precisions: Vec<Option<&str>> = values.clone().map(|s| s.date.map(|d| d.1)).collect();
    let texts: Vec<Option<&str>> = values.clone().map(|s| s.date.map(|d| d.2)).collect();
    let anchors: Vec<Option<&str>> = values.clone().map(|s| s.date.map(|d| d.3)).collect();
    let starts: Vec<Option<NaiveDate>> = values
        .clone()
        .map(|s| s.date.and_then(|d| date_start(d.0)))
        .collect();
    let places: Vec<Option<Uuid>> = values.clone().map(|s| s.place).collect();
    let expected: Vec<bool> = values.clone().map(|s| s.expected).collect();
    let confidences: Vec<f32> = values.map(|s| s.confidence).collect();
    sqlx::query(
        "UPDATE events e SET
            date_value = CASE WHEN length(s.dv) > length(e.date_value) THEN s.dv ELSE e.date_value END,
            date_precision = CASE WHEN length(s.dv) > length(e.date_value) THEN s.dp ELSE e.date_precision END,
            date_text = CASE WHEN length(s.dv) > length(e.date_value) THEN s.dt ELSE e.date_text END,
            date_start = CASE WHEN length(s.dv) > length(e.date_value) THEN s.ds ELSE e.date_start END,
            date_anchor = CASE WHEN length(s.dv) > length(e.date_value) THEN s.da ELSE e.date_anchor END,
            place_id = COALESCE(s.place, e.place_id),
            status = CASE WHEN s.expected AND e.status = 'planned' THEN 'expected' ELSE e.status END,
            confidence = GREATEST(e.confidence, s.confidence)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::uuid[], $7::bool[], $8::real[],
                     $9::text[])
              AS s(id, dv, dp, dt, ds, place, expected, confidence, da)
         WHERE e.id = s.id
           -- Only rows that change: a retold event otherwise rewrote its row,
           -- its index entries and its country rows (triggers).
           AND (length(s.dv) > length(e.date_value)
                OR (s.place IS NOT NULL AND s.place IS DISTINCT FROM e.place_id)
                OR (s.expected AND e.status = 'planned')
                OR s.confidence > e.confidence)",
    )
    .bind(&ids)
    .bind(&dates)
    .bind(&precisions)
    .bind(&texts)
    .bind(&starts)
    .bind(&places)
    .bind(&expected)
    .bind(&confidences)
    .bind(&anchors)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts the batch's new events with their participants and participant pairs.
async fn insert_events(
    tx: &mut Transaction<'_, Postgres>,
    inserts: &[EventInsert<'_>],
) -> Result<(), StoreError> {
    if inserts.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = inserts.iter().map(|i| i.id).collect();
    let types: Vec<&str> = inserts
        .iter()
        .map(|i| i.event.event_type.stored())
        .collect();
    let modes: Vec<&str> = inserts.iter().map(|i| i.event.mode.as_str()).collect();
    let places: Vec<Option<Uuid>> = inserts.iter().map(|i| i.place).collect();
    let dates: Vec<&str> = inserts.iter().map(|i| i.date.0).collect();
    let precisions: Vec<&str> = inserts.iter().map(|i| i.date.1).collect();
    let texts: Vec<&str> = inserts.iter().map(|i| i.date.2).collect();
    let starts: Vec<Option<NaiveDate>> = inserts.iter().map(|i| date_start(i.date.0)).collect();
    let statuses: Vec<&str> = inserts.iter().map(|i| i.status.stored()).collect();
    let confidences: Vec<f32> = inserts.iter().map(|i| i.confidence).collect();
    let keys: Vec<&str> = inserts.iter().map(|i| i.participant_key.as_str()).collect();
    let anchors: Vec<&str> = inserts.iter().map(|i| i.date.3).collect();
    let reported: Vec<&str> = inserts.iter().map(|i| i.event.reported.as_str()).collect();
    sqlx::query(
        "INSERT INTO events (id, event_type, mode, place_id, date_value, date_precision, date_text, date_start,
                             status, confidence, participant_key, date_anchor, reported)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                              $8::date[], $9::text[], $10::real[], $11::text[], $12::text[], $13::text[])",
    )
    .bind(&ids)
    .bind(&types)
    .bind(&modes)
    .bind(&places)
    .bind(&dates)
    .bind(&precisions)
    .bind(&texts)
    .bind(&starts)
    .bind(&statuses)
    .bind(&confidences)
    .bind(&keys)
    .bind(&anchors)
    .bind(&reported)
    .execute(&mut **tx)
    .await?;
    // Participants in the order the text gives them (initiator first), once each,
    // with the part each plays.
    let mut participant_events = Vec::new();
    let mut participants = Vec::new();
    let mut positions = Vec::new();
    let mut roles: Vec<&str> = Vec::new();
    let mut pair_events = Vec::new();
    let mut pair_a = Vec::new();
    let mut pair_b = Vec::new();
    for insert in inserts {
        let mut seen: Vec<Uuid> = Vec::new();
        for participant in &insert.event.participants {
            if seen.contains(participant) {
                continue;
            }
            participant_events.push(insert.id);
            participants.push(*participant);
            positions.push(seen.len() as i32);
            roles.push(if insert.event.sources.contains(participant) {
                ParticipantRole::Source.stored()
            } else if insert.event.targets.contains(participant) {
                ParticipantRole::Target.stored()
            } else {
                ParticipantRole::Other.stored()
            });
            seen.push(*participant);
        }
        for (index, a) in insert.sorted.iter().enumerate() {
            for b in &insert.sorted[index + 1..] {
                pair_events.push(insert.id);
                pair_a.push(*a);
                pair_b.push(*b);
            }
        }
    }
    if !participants.is_empty() {
        sqlx::query(
            "INSERT INTO event_participants (event_id, entity_id, position, role)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[])",
        )
        .bind(&participant_events)
        .bind(&participants)
        .bind(&positions)
        .bind(&roles)
        .execute(&mut **tx)
        .await?;
    }
    if !pair_events.is_empty() {
        sqlx::query(
            "INSERT INTO event_pairs (event_id, event_type, entity_a, entity_b, first_seen)
             SELECT e.id, e.event_type, k.a, k.b, e.first_seen
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS k(event_id, a, b)
             JOIN events e ON e.id = k.event_id",
        )
        .bind(&pair_events)
        .bind(&pair_a)
        .bind(&pair_b)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_country_sql_spells_a_country_as_stored() {
        let spelled = format!(
            "c.entity_type = '{}'",
            crate::kinds::EntityType::Gpe.stored()
        );
        assert!(PLACE_COUNTRY.contains(&spelled));
    }

    #[test]
    fn quote_key_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            quote_key("It is hoped,  that"),
            quote_key("it is hoped that.")
        );
        assert_eq!(quote_key("U.S.-China"), "u s china");
    }

    #[test]
    fn dates_start_on_the_first_day_of_their_period() {
        assert_eq!(date_start("2022-11"), NaiveDate::from_ymd_opt(2022, 11, 1));
        assert_eq!(date_start("2022"), NaiveDate::from_ymd_opt(2022, 1, 1));
    }
}
