//! Filtered, paginated reads of events and quotes (the query service's side).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::kinds::{
    precision_from_stored, EntityType, EventStatus, EventType, ParticipantRole, Precision, Stored,
};
use crate::StoreError;

/// Which events to list. Every set field must hold.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Events with all of these participants.
    pub participants: Vec<Uuid>,
    /// Events in which each of these acts (a source).
    pub sources: Vec<Uuid>,
    /// Events aimed at each of these (a target).
    pub targets: Vec<Uuid>,
    /// Events in which each of these countries, or someone affiliated with it, takes part.
    pub countries: Vec<Uuid>,
    /// PLOVER type.
    pub event_type: Option<EventType>,
    /// CONSULT mode.
    pub mode: Option<String>,
    /// Status.
    pub status: Option<EventStatus>,
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

/// A page request: at most `limit` rows after the position `after` (a
/// [`Listed::next`] of the previous page, or `None` for the first page).
#[derive(Clone, Debug)]
pub struct Page {
    /// Rows to return.
    pub limit: i64,
    /// Where the previous page ended.
    pub after: Option<String>,
}

impl Page {
    /// The first page of `limit` rows.
    pub fn first(limit: i64) -> Self {
        Page { limit, after: None }
    }
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Listed<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Where the next page starts, when this one came back full.
    pub next: Option<String>,
}

/// A position in the newest-first order: the last row's sort key.
#[derive(Clone, Copy, Debug, PartialEq)]
struct SortKey {
    sort_date: NaiveDate,
    first_seen: DateTime<Utc>,
    id: Uuid,
}

/// Pushes the keyset condition "after `after` in newest-first order": the
/// `(sort_date, first_seen, id)` columns named by `columns` sort before it.
fn push_before(query: &mut QueryBuilder<'_, Postgres>, columns: &str, after: &SortKey) {
    query
        .push(format!(" AND ({columns}) < ("))
        .push_bind(after.sort_date)
        .push(", ")
        .push_bind(after.first_seen)
        .push(", ")
        .push_bind(after.id)
        .push(")");
}

impl SortKey {
    fn encode(&self) -> String {
        format!(
            "k:{}:{}:{}",
            self.sort_date.format("%Y-%m-%d"),
            self.first_seen.timestamp_micros(),
            self.id.simple()
        )
    }

    fn decode(text: &str) -> Result<SortKey, StoreError> {
        let mut parts = text
            .strip_prefix("k:")
            .ok_or(StoreError::InvalidCursor)?
            .split(':');
        let (Some(date), Some(micros), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(StoreError::InvalidCursor);
        };
        Ok(SortKey {
            sort_date: NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| StoreError::InvalidCursor)?,
            first_seen: micros
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or(StoreError::InvalidCursor)?,
            id: Uuid::parse_str(id).map_err(|_| StoreError::InvalidCursor)?,
        })
    }
}

/// How many of a speaker's most recent quotes an `about` filter looks through.
pub const ABOUT_WINDOW: i64 = 500;

/// Where the next page starts: after the last row, when the page came back full.
fn next_position(
    returned: usize,
    limit: i64,
    last: Option<(NaiveDate, DateTime<Utc>, Uuid)>,
) -> Option<String> {
    if limit <= 0 || (returned as i64) < limit {
        return None;
    }
    last.map(|(sort_date, first_seen, id)| {
        SortKey {
            sort_date,
            first_seen,
            id,
        }
        .encode()
    })
}

/// The sort date of undated events (they come last).
const UNDATED: &str = "0001-01-01";

/// How many of the newest full-text matches are ranked by relevance: ranking
/// reads every candidate, so the candidates are bounded to keep a search's cost
/// independent of the store's size.
pub const RANKED_CANDIDATES: i64 = 100;

/// How many of the newest quotes passing the other filters are searched for
/// the candidates before the full-text index is used (see [`list_quotes`]).
pub const RANKED_WINDOW: i64 = 2000;

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
    pub event_type: EventType,
    /// PLOVER mode (for CONSULT: meet, visit, host, phone, summit) or empty.
    pub mode: String,
    /// Participants in order.
    pub participants: Vec<EntityRef>,
    /// The part each participant plays, index for index.
    pub participant_roles: Vec<ParticipantRole>,
    /// Place.
    pub place: Option<EntityRef>,
    /// Date value.
    pub date_value: String,
    /// Date precision (`None` for an unresolved date).
    pub date_precision: Option<Precision>,
    /// Date words.
    pub date_text: String,
    /// Status.
    pub status: EventStatus,
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
    sort_date: NaiveDate,
    first_seen: DateTime<Utc>,
}

/// The event list query (see [`list_events`]).
fn events_query<'a>(
    prefix: &str,
    filter: &EventFilter,
    page: &Page,
) -> Result<QueryBuilder<'a, Postgres>, StoreError> {
    let after = page.after.as_deref().map(SortKey::decode).transpose()?;
    // Sources and targets are participants too: their index drives the query.
    let mut participants = filter.participants.clone();
    for entity in filter.sources.iter().chain(&filter.targets) {
        if !participants.contains(entity) {
            participants.push(*entity);
        }
    }
    participants.dedup();
    let mut countries = filter.countries.clone();
    countries.dedup();
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(prefix);
    query.push(
        "SELECT e.id, e.event_type, e.mode, e.place_id, p.display_name AS place_name, e.date_value, e.date_precision,
                e.date_text, e.status, e.confidence, d.sort_date, d.first_seen ",
    );
    // The driving index: `d` has (sort_date, first_seen, <event id>) after its filter columns.
    let driver_id;
    if let Some(article) = filter.article {
        // An article tells a handful of events: start from them.
        query.push(
            "FROM events d JOIN events e ON e.id = d.id LEFT JOIN entities p ON p.id = e.place_id
             WHERE d.id IN (SELECT es.event_id FROM event_sources es WHERE es.article_id = ",
        );
        query.push_bind(article).push(")");
        driver_id = "d.id";
    } else if participants.len() >= 2 {
        let (a, b) = if participants[0] < participants[1] {
            (participants[0], participants[1])
        } else {
            (participants[1], participants[0])
        };
        participants.drain(..2);
        query.push("FROM event_pairs d JOIN events e ON e.id = d.event_id LEFT JOIN entities p ON p.id = e.place_id WHERE d.entity_a = ");
        query.push_bind(a).push(" AND d.entity_b = ").push_bind(b);
        driver_id = "d.event_id";
    } else if let Some(participant) = participants.pop() {
        query.push("FROM event_participants d JOIN events e ON e.id = d.event_id LEFT JOIN entities p ON p.id = e.place_id WHERE d.entity_id = ");
        query.push_bind(participant);
        driver_id = "d.event_id";
    } else if let Some(place) = filter.place {
        query.push("FROM events d JOIN events e ON e.id = d.id LEFT JOIN entities p ON p.id = e.place_id WHERE d.place_id = ");
        query.push_bind(place);
        driver_id = "d.id";
    } else if !countries.is_empty() {
        let country = countries.remove(0);
        query.push("FROM event_countries d JOIN events e ON e.id = d.event_id LEFT JOIN entities p ON p.id = e.place_id WHERE d.country_id = ");
        query.push_bind(country);
        driver_id = "d.event_id";
    } else if let Some(event_type) = &filter.event_type {
        query.push("FROM events d JOIN events e ON e.id = d.id LEFT JOIN entities p ON p.id = e.place_id WHERE d.event_type = ");
        query.push_bind(event_type.stored());
        driver_id = "d.id";
    } else {
        query.push("FROM events d JOIN events e ON e.id = d.id LEFT JOIN entities p ON p.id = e.place_id WHERE true");
        driver_id = "d.id";
    }
    for participant in &participants {
        query.push(" AND EXISTS (SELECT 1 FROM event_participants ep WHERE ep.event_id = e.id AND ep.entity_id = ");
        query.push_bind(*participant).push(")");
    }
    for (entities, role) in [
        (&filter.sources, ParticipantRole::Source),
        (&filter.targets, ParticipantRole::Target),
    ] {
        for entity in entities {
            query.push(" AND EXISTS (SELECT 1 FROM event_participants ep WHERE ep.event_id = e.id AND ep.entity_id = ");
            query.push_bind(*entity);
            query
                .push(" AND ep.role = ")
                .push_bind(role.stored())
                .push(")");
        }
    }
    for country in &countries {
        query.push(" AND EXISTS (SELECT 1 FROM event_countries ec WHERE ec.event_id = e.id AND ec.country_id = ");
        query.push_bind(*country).push(")");
    }
    if let Some(event_type) = &filter.event_type {
        query
            .push(" AND e.event_type = ")
            .push_bind(event_type.stored());
    }
    if let Some(mode) = &filter.mode {
        query.push(" AND e.mode = ").push_bind(mode.clone());
    }
    if let Some(status) = &filter.status {
        query.push(" AND e.status = ").push_bind(status.stored());
    }
    if let Some(place) = filter.place {
        query.push(" AND e.place_id = ").push_bind(place);
    }
    if let Some(from) = filter.date_from {
        query.push(" AND d.sort_date >= ").push_bind(from);
    }
    if let Some(to) = filter.date_to {
        query.push(" AND d.sort_date <= ").push_bind(to);
        query.push(format!(" AND d.sort_date > DATE '{UNDATED}'"));
    }
    if let Some(after) = after {
        push_before(
            &mut query,
            &format!("d.sort_date, d.first_seen, {driver_id}"),
            &after,
        );
    }
    query.push(format!(
        " ORDER BY d.sort_date DESC, d.first_seen DESC, {driver_id} DESC LIMIT "
    ));
    query.push_bind(page.limit);
    Ok(query)
}

/// Lists events matching `filter`, newest first (event date, then first
/// sighting). The query starts from the most selective index the filter allows
/// (a participant pair, a participant, a country, a type, or the whole order)
/// and walks it newest first from the page's position, so a page costs about
/// the same at any store size.
#[tracing::instrument(skip(pool))]
pub async fn list_events(
    pool: &PgPool,
    filter: &EventFilter,
    page: Page,
) -> Result<Listed<EventRecord>, StoreError> {
    let mut query = events_query("", filter, &page)?;
    // Planned for its parameters every time, like quotes (see `list_quotes`).
    let rows: Vec<EventRow> = query
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let next = next_position(
        rows.len(),
        page.limit,
        rows.last()
            .map(|row| (row.sort_date, row.first_seen, row.id)),
    );
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let participants: Vec<(Uuid, Uuid, String, String)> = sqlx::query_as(
        "SELECT ep.event_id, en.id, en.display_name, ep.role FROM event_participants ep JOIN entities en ON en.id = ep.entity_id
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
    let items = rows
        .into_iter()
        .map(|row| {
            Ok(EventRecord {
                participants: participants
                    .iter()
                    .filter(|(event, ..)| *event == row.id)
                    .map(|(_, id, name, _)| EntityRef {
                        id: *id,
                        display_name: name.clone(),
                    })
                    .collect(),
                participant_roles: participants
                    .iter()
                    .filter(|(event, ..)| *event == row.id)
                    .map(|(.., role)| ParticipantRole::from_stored(role))
                    .collect::<Result<_, _>>()?,
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
                event_type: EventType::from_stored(&row.event_type)?,
                mode: row.mode,
                date_value: row.date_value,
                date_precision: precision_from_stored(&row.date_precision)?,
                date_text: row.date_text,
                status: EventStatus::from_stored(&row.status)?,
                confidence: row.confidence,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Listed { items, next })
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
    sort_date: NaiveDate,
    first_seen: DateTime<Utc>,
}

/// How quote conditions are written for the index that should serve them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteIndex {
    /// The order indexes (speaker, country, date): plain comparisons.
    Order,
    /// The month-scoped GIN index only: speaker and country as the text the
    /// index holds, dates as expressions no order index matches (otherwise a
    /// generic plan may walk an order index and filter every row by words).
    MonthKeys,
}

/// Pushes the conditions of `filter` other than the text query, on quotes aliased `q`.
fn push_quote_conditions(
    query: &mut QueryBuilder<'_, Postgres>,
    filter: &QuoteFilter,
    index: QuoteIndex,
) {
    let (id_cast, date) = match index {
        QuoteIndex::Order => ("", "q.sort_date"),
        QuoteIndex::MonthKeys => ("::text", "(q.sort_date + 0)"),
    };
    if let Some(speaker) = filter.speaker {
        query.push(format!(" AND q.speaker_id{id_cast} = "));
        query.push_bind(speaker).push(id_cast);
    }
    if let Some(country) = filter.speaker_affiliation {
        query.push(format!(" AND q.speaker_country_id{id_cast} = "));
        query.push_bind(country).push(id_cast);
    }
    match (filter.about, filter.speaker) {
        (Some(about), Some(speaker)) => {
            // What someone said about someone else: among the speaker's most
            // recent quotes (read from the index alone), so the cost does not
            // grow with how much the speaker says.
            query.push(
                " AND q.id IN (SELECT x.id FROM (SELECT w.id FROM quotes w WHERE w.speaker_id = ",
            );
            query.push_bind(speaker);
            query.push(format!(
                " ORDER BY w.sort_date DESC, w.first_seen DESC, w.id DESC LIMIT {ABOUT_WINDOW}) x
                  WHERE EXISTS (SELECT 1 FROM quote_sources qa JOIN mentions m ON m.article_id = qa.article_id
                                WHERE qa.quote_id = x.id AND m.entity_id = "
            ));
            query.push_bind(about).push("))");
        }
        (Some(about), None) => {
            query.push(
                " AND EXISTS (SELECT 1 FROM quote_sources qa JOIN mentions m ON m.article_id = qa.article_id
                              WHERE qa.quote_id = q.id AND m.entity_id = ",
            );
            query.push_bind(about).push(")");
        }
        (None, _) => {}
    }
    if let Some(article) = filter.article {
        query.push(" AND EXISTS (SELECT 1 FROM quote_sources qs WHERE qs.quote_id = q.id AND qs.article_id = ");
        query.push_bind(article).push(")");
    }
    if let Some(partial) = filter.partial {
        query.push(" AND q.partial = ").push_bind(partial);
    }
    if let Some(from) = filter.date_from {
        query.push(format!(" AND {date} >= ")).push_bind(from);
    }
    if let Some(to) = filter.date_to {
        query.push(format!(" AND {date} <= ")).push_bind(to);
        query.push(format!(" AND {date} > DATE '{UNDATED}'"));
    }
}

const ORDER_DESC: &str = "sort_date DESC, first_seen DESC, id DESC";

/// The quote list query, the bounded page size and the offset in the ranked candidates.
///
/// A text query ranks the newest [`RANKED_CANDIDATES`] matches. They are
/// looked for first among the newest [`RANKED_WINDOW`] quotes that pass the
/// other filters (an index walk, cheap whatever the words); only when that
/// window holds too few matches does the search reach further back, month by
/// month, newest first, through the month-scoped full-text keys (with the
/// speaker or country in the same GIN index), stopping at enough matches.
fn quotes_query<'a>(
    prefix: &str,
    filter: &QuoteFilter,
    page: &Page,
) -> Result<(QueryBuilder<'a, Postgres>, i64, i64), StoreError> {
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(prefix);
    let Some(text_query) = &filter.text_query else {
        let after = page.after.as_deref().map(SortKey::decode).transpose()?;
        query.push(
            "SELECT q.id, q.text, q.speaker_id, s.display_name AS speaker_name, q.speaker_text, q.cue, q.partial,
                    q.confidence, q.sort_date, q.first_seen
             FROM quotes q LEFT JOIN entities s ON s.id = q.speaker_id WHERE true",
        );
        push_quote_conditions(&mut query, filter, QuoteIndex::Order);
        if let Some(after) = after {
            push_before(&mut query, "q.sort_date, q.first_seen, q.id", &after);
        }
        query.push(" ORDER BY q.sort_date DESC, q.first_seen DESC, q.id DESC LIMIT ");
        query.push_bind(page.limit);
        return Ok((query, page.limit, 0));
    };
    // Ranked pages are positions in the bounded candidate list.
    let offset = match page.after.as_deref() {
        None => 0,
        Some(position) => position
            .strip_prefix("r:")
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| (0..=RANKED_CANDIDATES).contains(n))
            .ok_or(StoreError::InvalidCursor)?,
    };
    let limit = page.limit.min(RANKED_CANDIDATES - offset).max(0);
    query.push(
        "WITH recent AS (SELECT q.id, q.search, q.sort_date, q.first_seen FROM quotes q WHERE true",
    );
    push_quote_conditions(&mut query, filter, QuoteIndex::Order);
    query.push(format!(
        " ORDER BY q.{ORDER_DESC} LIMIT {RANKED_WINDOW}),
         hits AS (SELECT * FROM recent q WHERE q.search @@ websearch_to_tsquery('english', "
    ));
    query.push_bind(text_query.clone());
    // Past the window: month by month, newest first, through the month-scoped
    // keys (`quotes.month_search`, with the speaker or country in the same
    // GIN index), until enough matches are found. (Probing a year at once, as
    // the OR of its months' keys, was measured slower: the index cannot skip
    // through an OR as it does through an AND.)
    query.push(format!(
        ") ORDER BY q.{ORDER_DESC} LIMIT {RANKED_CANDIDATES}),
         oldest AS (SELECT r.sort_date, r.first_seen, r.id FROM recent r
                    ORDER BY r.sort_date, r.first_seen, r.id LIMIT 1),
         periods AS (SELECT p, CASE WHEN numnode(w.query) > 0
                                    THEN readout_scoped_query(w.query, 'm' || to_char(p, 'YYYYMM') || '~') END AS keys
                     FROM (SELECT websearch_to_tsquery('english', "
    ));
    query.push_bind(text_query.clone());
    query.push(
        ") AS query) w,
                          (SELECT p FROM generate_series(
                               date_trunc('month', LEAST(",
    );
    match filter.date_to {
        Some(to) => query.push_bind(to),
        None => query.push("NULL::date"),
    };
    query.push(
        ", (SELECT o.sort_date FROM oldest o))::timestamp),
                               date_trunc('month', GREATEST(",
    );
    match filter.date_from {
        Some(from) => query.push_bind(from),
        None => query.push("NULL::date"),
    };
    query.push(format!(
        ", (SELECT q.sort_date FROM quotes q WHERE q.sort_date > DATE '{UNDATED}'"
    ));
    // The first dated quote of the scope, from the scope's own order index.
    if let Some(speaker) = filter.speaker {
        query.push(" AND q.speaker_id = ").push_bind(speaker);
    } else if let Some(country) = filter.speaker_affiliation {
        query
            .push(" AND q.speaker_country_id = ")
            .push_bind(country);
    }
    query.push(format!(
        " ORDER BY q.sort_date LIMIT 1))::timestamp),
                               interval '-1 month') AS p
                           UNION ALL SELECT TIMESTAMP '{UNDATED}') s),
         deeper AS (SELECT d.* FROM periods CROSS JOIN LATERAL (
                        SELECT q.id, q.search, q.sort_date, q.first_seen FROM quotes q
                        WHERE q.month_search @@ periods.keys
                          -- The exact query, as a function call: checked on the rows the
                          -- month keys find, never a second (whole-store) index scan.
                          AND ts_match_vq(q.search, websearch_to_tsquery('english', "
    ));
    query.push_bind(text_query.clone());
    query.push(
        "))
                          AND (q.sort_date + 0, q.first_seen, q.id) < (SELECT o.sort_date, o.first_seen, o.id FROM oldest o)",
    );
    push_quote_conditions(&mut query, filter, QuoteIndex::MonthKeys);
    query.push(format!(
        " ORDER BY q.{ORDER_DESC}) d
                    WHERE (SELECT count(*) FROM hits) < {RANKED_CANDIDATES}
                      AND (SELECT count(*) FROM recent) = {RANKED_WINDOW}
                    LIMIT {RANKED_CANDIDATES}),
         candidates AS (SELECT * FROM (SELECT * FROM hits UNION ALL SELECT * FROM deeper) u
                        ORDER BY u.{ORDER_DESC} LIMIT {RANKED_CANDIDATES})
         SELECT q.id, q.text, q.speaker_id, s.display_name AS speaker_name, q.speaker_text, q.cue, q.partial,
                q.confidence, c.sort_date, c.first_seen
         FROM candidates c JOIN quotes q ON q.id = c.id LEFT JOIN entities s ON s.id = q.speaker_id
         ORDER BY ts_rank(c.search, websearch_to_tsquery('english', "
    ));
    query.push_bind(text_query.clone());
    query.push(")) DESC, c.sort_date DESC, c.first_seen DESC, c.id DESC OFFSET ");
    query.push_bind(offset).push(" LIMIT ").push_bind(limit);
    Ok((query, limit, offset))
}

/// Lists quotes matching `filter`, newest first (by the date they were said,
/// then first sighting). With a text query, the newest [`RANKED_CANDIDATES`]
/// matches are ranked by relevance (then newest first). Filters on the speaker
/// or the speaker's country read their own index newest first, so a page's
/// cost does not grow with the store; `about` with a speaker looks among the
/// speaker's [`ABOUT_WINDOW`] most recent quotes.
#[tracing::instrument(skip(pool))]
pub async fn list_quotes(
    pool: &PgPool,
    filter: &QuoteFilter,
    page: Page,
) -> Result<Listed<QuoteRecord>, StoreError> {
    let ranked = filter.text_query.is_some();
    let (mut query, limit, offset) = quotes_query("", filter, &page)?;
    // Planned for its parameters every time (an unnamed statement): a cached
    // generic plan cannot tell a speaker with 50 quotes from one with 100,000,
    // and the wrong one reads all of the big speaker's quotes.
    let rows: Vec<QuoteRow> = query
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let next = if ranked {
        let end = offset + rows.len() as i64;
        (rows.len() as i64 >= limit && limit > 0 && end < RANKED_CANDIDATES)
            .then(|| format!("r:{end}"))
    } else {
        next_position(
            rows.len(),
            page.limit,
            rows.last()
                .map(|row| (row.sort_date, row.first_seen, row.id)),
        )
    };
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let sources: Vec<QuoteSourceRecord> = sqlx::query_as(
        "SELECT qs.quote_id, qs.article_id, qs.start_offset, qs.end_offset, a.published_date
         FROM quote_sources qs JOIN articles a ON a.id = qs.article_id
         WHERE qs.quote_id = ANY($1) ORDER BY qs.quote_id, a.published_date NULLS LAST, qs.article_id",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let items = rows
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
        .collect();
    Ok(Listed { items, next })
}

/// An entity's event and quote counts and its most frequent counterparts.
#[derive(Clone, Debug)]
pub struct EntityStats {
    /// Events it takes part in.
    pub event_count: i64,
    /// Quotes attributed to it.
    pub quote_count: i64,
    /// Counterparts with shared event counts over the entity's most recent events, most frequent first.
    pub counterparts: Vec<(EntityRef, i64)>,
}

/// How many of an entity's most recent events its counterparts are counted
/// over: a bounded window keeps the profile's cost flat as the store grows.
pub const COUNTERPART_WINDOW: i64 = 1000;

fn explain_prefix(analyze: bool) -> &'static str {
    if analyze {
        "EXPLAIN (ANALYZE, BUFFERS) "
    } else {
        "EXPLAIN "
    }
}

/// The plan PostgreSQL chooses for [`list_events`] (EXPLAIN output, one line
/// per row; with `analyze`, run and timed).
pub async fn explain_events(
    pool: &PgPool,
    filter: &EventFilter,
    page: Page,
    analyze: bool,
) -> Result<Vec<String>, StoreError> {
    let mut query = events_query(explain_prefix(analyze), filter, &page)?;
    Ok(query.build_query_scalar().fetch_all(pool).await?)
}

/// The plan PostgreSQL chooses for [`list_quotes`] (EXPLAIN output, one line
/// per row; with `analyze`, run and timed).
pub async fn explain_quotes(
    pool: &PgPool,
    filter: &QuoteFilter,
    page: Page,
    analyze: bool,
) -> Result<Vec<String>, StoreError> {
    let (mut query, _, _) = quotes_query(explain_prefix(analyze), filter, &page)?;
    Ok(query.build_query_scalar().fetch_all(pool).await?)
}

const COUNTS_SQL: &str =
    "SELECT e.event_count + COALESCE(d.events, 0), e.quote_count + COALESCE(d.quotes, 0)
     FROM entities e
     LEFT JOIN LATERAL (SELECT sum(events)::bigint AS events, sum(quotes)::bigint AS quotes
                        FROM entity_count_deltas WHERE entity_id = e.id) d ON true
     WHERE e.id = $1";
const COUNTERPARTS_SQL: &str = "WITH recent AS (
         SELECT event_id FROM event_participants WHERE entity_id = $1
         ORDER BY sort_date DESC, first_seen DESC, event_id DESC LIMIT $3),
     shared AS (
         SELECT other.entity_id, count(*) AS shared
         FROM recent
         JOIN event_participants other ON other.event_id = recent.event_id AND other.entity_id <> $1
         GROUP BY other.entity_id
         ORDER BY shared DESC, other.entity_id
         LIMIT $2)
     SELECT s.entity_id, en.display_name, s.shared
     FROM shared s JOIN entities en ON en.id = s.entity_id
     ORDER BY s.shared DESC, en.display_name";

/// The plans PostgreSQL chooses for [`entity_stats`]' two statements (with
/// `analyze`, run and timed).
pub async fn explain_entity_stats(
    pool: &PgPool,
    entity: Uuid,
    analyze: bool,
) -> Result<Vec<String>, StoreError> {
    let mut lines = Vec::new();
    for sql in [COUNTS_SQL, COUNTERPARTS_SQL] {
        let text = format!("{}{sql}", explain_prefix(analyze));
        let mut query = sqlx::query_scalar::<_, String>(&text).bind(entity);
        if sql == COUNTERPARTS_SQL {
            query = query.bind(10_i64).bind(COUNTERPART_WINDOW);
        }
        lines.extend(query.fetch_all(pool).await?);
    }
    Ok(lines)
}

/// Counts and counterparts of an entity (counterparts over its
/// [`COUNTERPART_WINDOW`] most recent events).
pub async fn entity_stats(
    pool: &PgPool,
    entity: Uuid,
    counterpart_limit: i64,
) -> Result<EntityStats, StoreError> {
    let (event_count, quote_count): (i64, i64) = sqlx::query_as(COUNTS_SQL)
        .bind(entity)
        .fetch_optional(pool)
        .await?
        .unwrap_or((0, 0));
    let rows: Vec<(Uuid, String, i64)> = sqlx::query_as(COUNTERPARTS_SQL)
        .bind(entity)
        .bind(counterpart_limit)
        .bind(COUNTERPART_WINDOW)
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

/// One mention of an entity in an article.
#[derive(Clone, Debug)]
pub struct ArticleMentionRecord {
    /// The entity.
    pub entity_id: Uuid,
    /// Its display name.
    pub display_name: String,
    /// Its type.
    pub entity_type: EntityType,
    /// Its affiliated country, if any.
    pub affiliation_id: Option<Uuid>,
    /// The affiliated country's display name.
    pub affiliation_name: Option<String>,
    /// The surface text.
    pub text: String,
    /// With attached titles, when longer; otherwise empty.
    pub full_text: String,
    /// Start offset in code points.
    pub start_offset: i32,
    /// End offset in code points.
    pub end_offset: i32,
}

/// The mentions an article's results stored, in text order, with their
/// entities; and the roles recorded from the article, as (entity, title).
pub async fn article_entities(
    pool: &PgPool,
    article: Uuid,
) -> Result<(Vec<ArticleMentionRecord>, Vec<(Uuid, String)>), StoreError> {
    type MentionRow = (
        Uuid,
        String,
        String,
        Option<Uuid>,
        Option<String>,
        String,
        String,
        i32,
        i32,
    );
    let rows: Vec<MentionRow> = sqlx::query_as(
        "SELECT m.entity_id, e.display_name, e.entity_type, e.affiliation_id,
                a.display_name AS affiliation_name, m.text, m.full_text, m.start_offset, m.end_offset
         FROM mentions m JOIN entities e ON e.id = m.entity_id
         LEFT JOIN entities a ON a.id = e.affiliation_id
         WHERE m.article_id = $1 ORDER BY m.start_offset",
    )
    .bind(article)
    .fetch_all(pool)
    .await?;
    let mentions = rows
        .into_iter()
        .map(|row| {
            Ok(ArticleMentionRecord {
                entity_id: row.0,
                display_name: row.1,
                entity_type: EntityType::from_stored(&row.2)?,
                affiliation_id: row.3,
                affiliation_name: row.4,
                text: row.5,
                full_text: row.6,
                start_offset: row.7,
                end_offset: row.8,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let roles = sqlx::query_as(
        "SELECT entity_id, title FROM entity_roles WHERE article_id = $1 ORDER BY entity_id, seen_date, title",
    )
    .bind(article)
    .fetch_all(pool)
    .await?;
    Ok((mentions, roles))
}

/// Every entity each article's results involve: those it mentions and their
/// affiliations, the participants, places and countries of the events it
/// tells, and the speakers of its quotes and their countries. A watch whose
/// filter names an entity outside an article's set cannot match the article.
/// One query for all of `articles`; an article with no results has an empty set.
pub async fn articles_entity_ids(
    pool: &PgPool,
    articles: &[Uuid],
) -> Result<HashMap<Uuid, HashSet<Uuid>>, StoreError> {
    let pairs: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT article_id, entity_id FROM mentions WHERE article_id = ANY($1)
         UNION SELECT m.article_id, en.affiliation_id FROM mentions m JOIN entities en ON en.id = m.entity_id
               WHERE m.article_id = ANY($1) AND en.affiliation_id IS NOT NULL
         UNION SELECT es.article_id, ep.entity_id FROM event_sources es JOIN event_participants ep ON ep.event_id = es.event_id
               WHERE es.article_id = ANY($1)
         UNION SELECT es.article_id, ec.country_id FROM event_sources es JOIN event_countries ec ON ec.event_id = es.event_id
               WHERE es.article_id = ANY($1)
         UNION SELECT es.article_id, e.place_id FROM event_sources es JOIN events e ON e.id = es.event_id
               WHERE es.article_id = ANY($1) AND e.place_id IS NOT NULL
         UNION SELECT qs.article_id, q.speaker_id FROM quote_sources qs JOIN quotes q ON q.id = qs.quote_id
               WHERE qs.article_id = ANY($1) AND q.speaker_id IS NOT NULL
         UNION SELECT qs.article_id, q.speaker_country_id FROM quote_sources qs JOIN quotes q ON q.id = qs.quote_id
               WHERE qs.article_id = ANY($1) AND q.speaker_country_id IS NOT NULL",
    )
    .bind(articles)
    .fetch_all(pool)
    .await?;
    let mut involved: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (article, entity) in pairs {
        involved.entry(article).or_default().insert(entity);
    }
    Ok(involved)
}
