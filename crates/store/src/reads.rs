//! Filtered, paginated reads of events and quotes (the query service's side).

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::StoreError;

/// Which events to list. Every set field must hold.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Events with all of these participants.
    pub participants: Vec<Uuid>,
    /// Events in which each of these countries, or someone affiliated with it, takes part.
    pub countries: Vec<Uuid>,
    /// PLOVER type, upper case.
    pub event_type: Option<String>,
    /// CONSULT mode.
    pub mode: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Place entity.
    pub place: Option<Uuid>,
    /// Events told by this article.
    pub article: Option<Uuid>,
    /// Events whose date starts on or after this day.
    pub date_from: Option<NaiveDate>,
    /// Events whose date starts on or before this day.
    pub date_to: Option<NaiveDate>,
}

/// Which quotes to list.
#[derive(Clone, Debug, Default)]
pub struct QuoteFilter {
    /// Full-text query (websearch syntax).
    pub text_query: Option<String>,
    /// Speaker entity.
    pub speaker: Option<Uuid>,
    /// Speakers affiliated with this country (or the country itself).
    pub speaker_affiliation: Option<Uuid>,
    /// Quotes from articles that mention this entity.
    pub about: Option<Uuid>,
    /// Quotes carried by this article.
    pub article: Option<Uuid>,
    /// Partial or full quotes only.
    pub partial: Option<bool>,
    /// Quotes dated on or after this day.
    pub date_from: Option<NaiveDate>,
    /// Quotes dated on or before this day.
    pub date_to: Option<NaiveDate>,
}

/// A page request: `limit` rows after skipping `offset`.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// Rows to return.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// An entity reference with its display name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EntityRef {
    /// Id.
    pub id: Uuid,
    /// Canonical name.
    pub display_name: String,
}

/// A stored event with participants and sources.
#[derive(Clone, Debug)]
pub struct EventRecord {
    /// Id.
    pub id: Uuid,
    /// PLOVER type.
    pub event_type: String,
    /// CONSULT mode or empty.
    pub mode: String,
    /// Participants in order.
    pub participants: Vec<EntityRef>,
    /// Place.
    pub place: Option<EntityRef>,
    /// Date value.
    pub date_value: String,
    /// Date precision.
    pub date_precision: String,
    /// Date words.
    pub date_text: String,
    /// Status.
    pub status: String,
    /// Confidence.
    pub confidence: f32,
    /// Sources.
    pub sources: Vec<EventSourceRecord>,
}

/// One article's telling of an event.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventSourceRecord {
    /// Event.
    pub event_id: Uuid,
    /// Article.
    pub article_id: Uuid,
    /// Evidence sentence.
    pub evidence: String,
    /// Start offset.
    pub start_offset: i32,
    /// End offset.
    pub end_offset: i32,
}

/// A stored quote with its sources.
#[derive(Clone, Debug)]
pub struct QuoteRecord {
    /// Id.
    pub id: Uuid,
    /// Words.
    pub text: String,
    /// Speaker.
    pub speaker: Option<EntityRef>,
    /// Words naming the speaker.
    pub speaker_text: String,
    /// Cue.
    pub cue: String,
    /// Partial.
    pub partial: bool,
    /// Confidence.
    pub confidence: f32,
    /// Sources.
    pub sources: Vec<QuoteSourceRecord>,
}

/// One article's carrying of a quote.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuoteSourceRecord {
    /// Quote.
    pub quote_id: Uuid,
    /// Article.
    pub article_id: Uuid,
    /// Start offset.
    pub start_offset: i32,
    /// End offset.
    pub end_offset: i32,
    /// The article's publication date.
    pub published_date: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    event_type: String,
    mode: String,
    place_id: Option<Uuid>,
    place_name: Option<String>,
    date_value: String,
    date_precision: String,
    date_text: String,
    status: String,
    confidence: f32,
}

/// Lists events matching `filter`, newest first.
#[tracing::instrument(skip(pool))]
pub async fn list_events(
    pool: &PgPool,
    filter: &EventFilter,
    page: Page,
) -> Result<Vec<EventRecord>, StoreError> {
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(
        "SELECT e.id, e.event_type, e.mode, e.place_id, p.display_name AS place_name, e.date_value, e.date_precision,
                e.date_text, e.status, e.confidence
         FROM events e LEFT JOIN entities p ON p.id = e.place_id WHERE true",
    );
    for participant in &filter.participants {
        query.push(" AND EXISTS (SELECT 1 FROM event_participants ep WHERE ep.event_id = e.id AND ep.entity_id = ");
        query.push_bind(*participant).push(")");
    }
    for country in &filter.countries {
        query.push(
            " AND EXISTS (SELECT 1 FROM event_participants ep JOIN entities en ON en.id = ep.entity_id
                          WHERE ep.event_id = e.id AND (en.id = ",
        );
        query
            .push_bind(*country)
            .push(" OR en.affiliation_id = ")
            .push_bind(*country)
            .push("))");
    }
    if let Some(event_type) = &filter.event_type {
        query
            .push(" AND e.event_type = ")
            .push_bind(event_type.clone());
    }
    if let Some(mode) = &filter.mode {
        query.push(" AND e.mode = ").push_bind(mode.clone());
    }
    if let Some(status) = &filter.status {
        query.push(" AND e.status = ").push_bind(status.clone());
    }
    if let Some(place) = filter.place {
        query.push(" AND e.place_id = ").push_bind(place);
    }
    if let Some(article) = filter.article {
        query.push(" AND EXISTS (SELECT 1 FROM event_sources es WHERE es.event_id = e.id AND es.article_id = ");
        query.push_bind(article).push(")");
    }
    if let Some(from) = filter.date_from {
        query.push(" AND e.date_start >= ").push_bind(from);
    }
    if let Some(to) = filter.date_to {
        query.push(" AND e.date_start <= ").push_bind(to);
    }
    query.push(" ORDER BY e.date_start DESC NULLS LAST, e.first_seen DESC, e.id DESC LIMIT ");
    query
        .push_bind(page.limit)
        .push(" OFFSET ")
        .push_bind(page.offset);
    let rows: Vec<EventRow> = query.build_query_as().fetch_all(pool).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let participants: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
        "SELECT ep.event_id, en.id, en.display_name FROM event_participants ep JOIN entities en ON en.id = ep.entity_id
         WHERE ep.event_id = ANY($1) ORDER BY ep.event_id, ep.position",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let sources: Vec<EventSourceRecord> = sqlx::query_as(
        "SELECT event_id, article_id, evidence, start_offset, end_offset FROM event_sources
         WHERE event_id = ANY($1) ORDER BY event_id, article_id, start_offset",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| EventRecord {
            participants: participants
                .iter()
                .filter(|(event, ..)| *event == row.id)
                .map(|(_, id, name)| EntityRef {
                    id: *id,
                    display_name: name.clone(),
                })
                .collect(),
            sources: sources
                .iter()
                .filter(|source| source.event_id == row.id)
                .cloned()
                .collect(),
            place: row
                .place_id
                .zip(row.place_name)
                .map(|(id, display_name)| EntityRef { id, display_name }),
            id: row.id,
            event_type: row.event_type,
            mode: row.mode,
            date_value: row.date_value,
            date_precision: row.date_precision,
            date_text: row.date_text,
            status: row.status,
            confidence: row.confidence,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct QuoteRow {
    id: Uuid,
    text: String,
    speaker_id: Option<Uuid>,
    speaker_name: Option<String>,
    speaker_text: String,
    cue: String,
    partial: bool,
    confidence: f32,
}

/// Lists quotes matching `filter`: ranked by relevance when a text query is
/// given, otherwise newest first.
#[tracing::instrument(skip(pool))]
pub async fn list_quotes(
    pool: &PgPool,
    filter: &QuoteFilter,
    page: Page,
) -> Result<Vec<QuoteRecord>, StoreError> {
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(
        "SELECT q.id, q.text, q.speaker_id, s.display_name AS speaker_name, q.speaker_text, q.cue, q.partial, q.confidence
         FROM quotes q LEFT JOIN entities s ON s.id = q.speaker_id WHERE true",
    );
    if let Some(text_query) = &filter.text_query {
        query
            .push(" AND q.search @@ websearch_to_tsquery('english', ")
            .push_bind(text_query.clone())
            .push(")");
    }
    if let Some(speaker) = filter.speaker {
        query.push(" AND q.speaker_id = ").push_bind(speaker);
    }
    if let Some(country) = filter.speaker_affiliation {
        query.push(" AND (q.speaker_id = ").push_bind(country);
        query
            .push(" OR q.speaker_id IN (SELECT id FROM entities WHERE affiliation_id = ")
            .push_bind(country)
            .push("))");
    }
    if let Some(about) = filter.about {
        query.push(
            " AND EXISTS (SELECT 1 FROM quote_sources qa JOIN mentions m ON m.article_id = qa.article_id
                          WHERE qa.quote_id = q.id AND m.entity_id = ",
        );
        query.push_bind(about).push(")");
    }
    if let Some(article) = filter.article {
        query.push(" AND EXISTS (SELECT 1 FROM quote_sources qs WHERE qs.quote_id = q.id AND qs.article_id = ");
        query.push_bind(article).push(")");
    }
    if let Some(partial) = filter.partial {
        query.push(" AND q.partial = ").push_bind(partial);
    }
    if let Some(from) = filter.date_from {
        query.push(" AND q.quote_date >= ").push_bind(from);
    }
    if let Some(to) = filter.date_to {
        query.push(" AND q.quote_date <= ").push_bind(to);
    }
    match &filter.text_query {
        Some(text_query) => {
            query.push(" ORDER BY ts_rank(q.search, websearch_to_tsquery('english', ");
            query
                .push_bind(text_query.clone())
                .push(")) DESC, q.first_seen DESC, q.id DESC");
        }
        None => {
            query.push(" ORDER BY q.first_seen DESC, q.id DESC");
        }
    }
    query
        .push(" LIMIT ")
        .push_bind(page.limit)
        .push(" OFFSET ")
        .push_bind(page.offset);
    let rows: Vec<QuoteRow> = query.build_query_as().fetch_all(pool).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let sources: Vec<QuoteSourceRecord> = sqlx::query_as(
        "SELECT qs.quote_id, qs.article_id, qs.start_offset, qs.end_offset, a.published_date
         FROM quote_sources qs JOIN articles a ON a.id = qs.article_id
         WHERE qs.quote_id = ANY($1) ORDER BY qs.quote_id, a.published_date NULLS LAST, qs.article_id",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| QuoteRecord {
            sources: sources
                .iter()
                .filter(|source| source.quote_id == row.id)
                .cloned()
                .collect(),
            speaker: row
                .speaker_id
                .zip(row.speaker_name)
                .map(|(id, display_name)| EntityRef { id, display_name }),
            id: row.id,
            text: row.text,
            speaker_text: row.speaker_text,
            cue: row.cue,
            partial: row.partial,
            confidence: row.confidence,
        })
        .collect())
}

/// An entity's event and quote counts and its most frequent counterparts.
#[derive(Clone, Debug)]
pub struct EntityStats {
    /// Events it takes part in.
    pub event_count: i64,
    /// Quotes attributed to it.
    pub quote_count: i64,
    /// Counterparts with shared event counts, most frequent first.
    pub counterparts: Vec<(EntityRef, i64)>,
}

/// Counts and counterparts of an entity.
pub async fn entity_stats(
    pool: &PgPool,
    entity: Uuid,
    counterpart_limit: i64,
) -> Result<EntityStats, StoreError> {
    let event_count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM event_participants WHERE entity_id = $1")
            .bind(entity)
            .fetch_one(pool)
            .await?;
    let quote_count: i64 = sqlx::query_scalar("SELECT count(*) FROM quotes WHERE speaker_id = $1")
        .bind(entity)
        .fetch_one(pool)
        .await?;
    let rows: Vec<(Uuid, String, i64)> = sqlx::query_as(
        "SELECT other.entity_id, en.display_name, count(*) AS shared
         FROM event_participants mine
         JOIN event_participants other ON other.event_id = mine.event_id AND other.entity_id <> mine.entity_id
         JOIN entities en ON en.id = other.entity_id
         WHERE mine.entity_id = $1
         GROUP BY other.entity_id, en.display_name
         ORDER BY shared DESC, en.display_name
         LIMIT $2",
    )
    .bind(entity)
    .bind(counterpart_limit)
    .fetch_all(pool)
    .await?;
    Ok(EntityStats {
        event_count,
        quote_count,
        counterparts: rows
            .into_iter()
            .map(|(id, display_name, count)| (EntityRef { id, display_name }, count))
            .collect(),
    })
}
