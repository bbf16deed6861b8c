//! The entity registry tables: entities, aliases and roles. Written only by the
//! entity service.

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::access::{record_curation, Curation};
use crate::kinds::{EntityType, Stored};
use crate::StoreError;

/// An entity as the entity service recognised it in one text, to resolve
/// against the registry.
#[derive(Clone, Debug)]
pub struct EntityCandidate {
    /// Canonical display name ("Xi Jinping").
    pub display_name: String,
    /// Person, organisation, country or city, place, or named gathering.
    pub entity_type: EntityType,
    /// Normalised canonical name: the registry key.
    pub canonical_key: String,
    /// Surface forms seen in the text.
    pub aliases: Vec<String>,
    /// The titles seen attached in this text, in order of first sight.
    pub roles: Vec<String>,
    /// The affiliated country's display name and key, if the text gives one.
    pub affiliation: Option<(String, String)>,
}

/// A registry entity with its aliases and roles.
#[derive(Clone, Debug)]
pub struct EntityRecord {
    /// Id.
    pub id: Uuid,
    /// Canonical name.
    pub display_name: String,
    /// Type.
    pub entity_type: EntityType,
    /// Affiliated country id and name.
    pub affiliation: Option<(Uuid, String)>,
    /// Mentions across all articles.
    pub mention_count: i64,
    /// Other surface forms.
    pub aliases: Vec<String>,
    /// Titles with the date and article they were seen at.
    pub roles: Vec<RoleRecord>,
}

/// A title seen attached to an entity.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RoleRecord {
    /// The title.
    pub title: String,
    /// When it was seen: the day the article speaks from, if it gives one.
    pub seen_date: Option<NaiveDate>,
    /// In which article.
    pub article_id: Option<Uuid>,
}

/// Normalises a name into a registry key: lowercase, apostrophes and dots
/// dropped, whitespace folded.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '.' | '\'' | '\u{2019}' | '\u{2018}' => {}
            c if c.is_whitespace() => {
                if !key.ends_with(' ') && !key.is_empty() {
                    key.push(' ');
                }
            }
            c => key.extend(c.to_lowercase()),
        }
    }
    key.trim_end().to_owned()
}

/// Resolves a candidate to a registry entity, creating it when new, and records
/// its aliases, its role (seen at `seen_date` in `article`) and its affiliation.
/// When `variant_of` is given (a spelling variant the caller recognised), the
/// candidate joins that entity.
pub async fn resolve(
    tx: &mut Transaction<'_, Postgres>,
    candidate: &EntityCandidate,
    article: Option<Uuid>,
    seen_date: Option<NaiveDate>,
    variant_of: Option<Uuid>,
) -> Result<Uuid, StoreError> {
    let affiliation_id = match &candidate.affiliation {
        Some((name, key)) if key != &candidate.canonical_key => {
            Some(upsert_bare(tx, name, EntityType::Gpe, key).await?)
        }
        _ => None,
    };
    // An alias of an existing entity of the same type with this exact full name
    // (a spelling variant recorded earlier) resolves to that entity.
    let by_alias: Option<Uuid> = sqlx::query_scalar(
        // The entities are looked up per alias row by their key (`OFFSET 0` keeps
        // the subquery a nested loop): a young table's stale statistics otherwise
        // led the planner to scan every entity of the type and hash them (0.8 ms
        // a call instead of 0.05 under sustained ingest).
        "SELECT e.id FROM entity_aliases a
         CROSS JOIN LATERAL (SELECT x.id, x.mention_count FROM entities x
                             WHERE x.id = a.entity_id AND x.entity_type = $2 AND x.canonical_key <> $1
                             OFFSET 0) e
         WHERE a.alias_key = $1
           AND NOT EXISTS (SELECT 1 FROM entities x WHERE x.entity_type = $2 AND x.canonical_key = $1)
         ORDER BY e.mention_count DESC LIMIT 1",
    )
    .bind(&candidate.canonical_key)
    .bind(candidate.entity_type.stored())
    .fetch_optional(&mut **tx)
    .await?;
    let id = match by_alias.or(variant_of) {
        Some(id) => id,
        None => {
            upsert_bare(
                tx,
                &candidate.display_name,
                candidate.entity_type,
                &candidate.canonical_key,
            )
            .await?
        }
    };
    if let Some(affiliation_id) = affiliation_id {
        sqlx::query(
            "UPDATE entities SET affiliation_id = $2 WHERE id = $1 AND affiliation_id IS NULL",
        )
        .bind(id)
        .bind(affiliation_id)
        .execute(&mut **tx)
        .await?;
    }
    let mut aliases: Vec<&str> = candidate.aliases.iter().map(String::as_str).collect();
    aliases.push(&candidate.display_name);
    let keys: Vec<String> = aliases.iter().map(|alias| name_key(alias)).collect();
    sqlx::query(
        "INSERT INTO entity_aliases (entity_id, alias, alias_key)
         SELECT $1, a, k FROM unnest($2::text[], $3::text[]) AS t(a, k)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(&aliases)
    .bind(&keys)
    .execute(&mut **tx)
    .await?;
    // A role is recorded with the date it was seen at; an undated article's
    // roles are recorded without a date, not stamped with some other day.
    if !candidate.roles.is_empty() {
        sqlx::query(
            "INSERT INTO entity_roles (entity_id, title, seen_date, article_id)
             SELECT $1, title, $3, $4 FROM unnest($2::text[]) AS r(title) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&candidate.roles)
        .bind(seen_date)
        .bind(article)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// Looks names up without writing: for each (type, key), the registry entity
/// of that type whose canonical name or one of whose aliases has the key, the
/// most mentioned when several have it as an alias; `None` when the registry
/// does not hold the name.
pub async fn lookup(
    pool: &PgPool,
    names: &[(EntityType, &str)],
) -> Result<Vec<Option<Uuid>>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let types: Vec<&str> = names.iter().map(|(t, _)| t.stored()).collect();
    let keys: Vec<&str> = names.iter().map(|(_, k)| *k).collect();
    let found: Vec<(i64, Option<Uuid>)> = sqlx::query_as(
        "SELECT c.i, COALESCE(e.id, (
                    SELECT x.id FROM entity_aliases a JOIN entities x ON x.id = a.entity_id
                    WHERE a.alias_key = c.k AND x.entity_type = c.t
                    ORDER BY x.mention_count DESC, x.id LIMIT 1))
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(t, k, i)
         LEFT JOIN entities e ON e.entity_type = c.t AND e.canonical_key = c.k
         ORDER BY c.i",
    )
    .bind(&types)
    .bind(&keys)
    .fetch_all(pool)
    .await?;
    let mut ids = vec![None; names.len()];
    for (ordinal, id) in found {
        if let Some(slot) = ids.get_mut((ordinal - 1) as usize) {
            *slot = id;
        }
    }
    Ok(ids)
}

/// Takes the registry's writer lock until the transaction ends: annotation
/// transactions run one at a time.
pub async fn lock_registry(tx: &mut Transaction<'_, Postgres>) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(7460002)")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether each candidate's exact name is in the registry (one statement).
pub async fn present(
    tx: &mut Transaction<'_, Postgres>,
    candidates: &[&EntityCandidate],
) -> Result<Vec<bool>, StoreError> {
    let types: Vec<&str> = candidates.iter().map(|c| c.entity_type.stored()).collect();
    let keys: Vec<&str> = candidates
        .iter()
        .map(|c| c.canonical_key.as_str())
        .collect();
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM entities e WHERE e.entity_type = c.t AND e.canonical_key = c.k)
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(t, k, n) ORDER BY c.n",
    )
    .bind(&types)
    .bind(&keys)
    .fetch_all(&mut **tx)
    .await?)
}

/// Resolves, in a handful of statements whatever their number, the candidates
/// the registry already holds under their exact key (with their affiliated
/// country, if any): the common case once a beat's actors are known. Records
/// their aliases, roles and missing affiliations like [`resolve`]. Returns the
/// entity id of each candidate so resolved, `None` for those that need
/// [`resolve`] (new names, spelling variants, new countries). Each candidate
/// comes with the article and date its role was seen at.
pub async fn resolve_known(
    tx: &mut Transaction<'_, Postgres>,
    candidates: &[(&EntityCandidate, Option<Uuid>, Option<NaiveDate>)],
) -> Result<Vec<Option<Uuid>>, StoreError> {
    let mut types: Vec<&str> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for (candidate, ..) in candidates {
        types.push(candidate.entity_type.stored());
        keys.push(&candidate.canonical_key);
        if let Some((_, key)) = &candidate.affiliation {
            types.push(EntityType::Gpe.stored());
            keys.push(key);
        }
    }
    let found: Vec<(String, String, Uuid, bool)> = sqlx::query_as(
        "SELECT e.entity_type, e.canonical_key, e.id, e.affiliation_id IS NULL
         FROM unnest($1::text[], $2::text[]) AS c(t, k)
         JOIN entities e ON e.entity_type = c.t AND e.canonical_key = c.k",
    )
    .bind(&types)
    .bind(&keys)
    .fetch_all(&mut **tx)
    .await?;
    let found_as = |entity_type: EntityType, key: &str| {
        found
            .iter()
            .find(|(t, k, ..)| t == entity_type.stored() && k == key)
            .map(|(_, _, id, unaffiliated)| (*id, *unaffiliated))
    };
    let id_of = |entity_type: EntityType, key: &str| found_as(entity_type, key).map(|(id, _)| id);
    let mut resolved = Vec::with_capacity(candidates.len());
    // (entity, affiliation), (entity, alias, alias key), (entity, title, date, article).
    let mut affiliations: Vec<(Uuid, Uuid)> = Vec::new();
    let mut aliases: Vec<(Uuid, String, String)> = Vec::new();
    let mut roles: Vec<(Uuid, String, Option<NaiveDate>, Option<Uuid>)> = Vec::new();
    for &(candidate, article, seen_date) in candidates {
        let Some((id, unaffiliated)) = found_as(candidate.entity_type, &candidate.canonical_key)
        else {
            resolved.push(None);
            continue;
        };
        let affiliation = match &candidate.affiliation {
            Some((_, key)) if key != &candidate.canonical_key => {
                match id_of(EntityType::Gpe, key) {
                    Some(country) => Some(country),
                    None => {
                        resolved.push(None);
                        continue;
                    }
                }
            }
            _ => None,
        };
        resolved.push(Some(id));
        // Only rows that lack an affiliation are updated (and so locked).
        if let Some(country) = affiliation.filter(|_| unaffiliated) {
            affiliations.push((id, country));
        }
        for alias in candidate.aliases.iter().chain([&candidate.display_name]) {
            aliases.push((id, alias.clone(), name_key(alias)));
        }
        for role in &candidate.roles {
            roles.push((id, role.clone(), seen_date, article));
        }
    }
    // One global order for the rows each statement locks, so concurrent
    // annotations cannot deadlock.
    affiliations.sort();
    affiliations.dedup_by_key(|(id, _)| *id);
    aliases.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    aliases.dedup_by(|a, b| a.0 == b.0 && a.2 == b.2);
    roles.sort();
    roles.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2);
    if !affiliations.is_empty() {
        let (ids, countries): (Vec<Uuid>, Vec<Uuid>) = affiliations.into_iter().unzip();
        sqlx::query(
            "UPDATE entities e SET affiliation_id = c.country
             FROM unnest($1::uuid[], $2::uuid[]) AS c(id, country)
             WHERE e.id = c.id AND e.affiliation_id IS NULL",
        )
        .bind(&ids)
        .bind(&countries)
        .execute(&mut **tx)
        .await?;
    }
    if !aliases.is_empty() {
        let ids: Vec<Uuid> = aliases.iter().map(|(id, ..)| *id).collect();
        let names: Vec<&str> = aliases.iter().map(|(_, alias, _)| alias.as_str()).collect();
        let alias_keys: Vec<&str> = aliases.iter().map(|(.., key)| key.as_str()).collect();
        sqlx::query(
            "INSERT INTO entity_aliases (entity_id, alias, alias_key)
             SELECT id, a, k FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, a, k)
             ON CONFLICT DO NOTHING",
        )
        .bind(&ids)
        .bind(&names)
        .bind(&alias_keys)
        .execute(&mut **tx)
        .await?;
    }
    if !roles.is_empty() {
        let ids: Vec<Uuid> = roles.iter().map(|(id, ..)| *id).collect();
        let titles: Vec<&str> = roles.iter().map(|(_, title, ..)| title.as_str()).collect();
        let dates: Vec<Option<NaiveDate>> = roles.iter().map(|(_, _, date, _)| *date).collect();
        let articles: Vec<Option<Uuid>> = roles.iter().map(|(.., article)| *article).collect();
        sqlx::query(
            "INSERT INTO entity_roles (entity_id, title, seen_date, article_id)
             SELECT id, t, d, a FROM unnest($1::uuid[], $2::text[], $3::date[], $4::uuid[]) AS r(id, t, d, a)
             ON CONFLICT DO NOTHING",
        )
        .bind(&ids)
        .bind(&titles)
        .bind(&dates)
        .bind(&articles)
        .execute(&mut **tx)
        .await?;
    }
    Ok(resolved)
}

/// Finds or creates an entity without locking an existing row (concurrent
/// resolutions of popular entities must not queue behind each other). Its
/// mentions are counted when an article's results store them (a trigger on
/// `mentions`).
async fn upsert_bare(
    tx: &mut Transaction<'_, Postgres>,
    display_name: &str,
    entity_type: EntityType,
    key: &str,
) -> Result<Uuid, StoreError> {
    let entity_type = entity_type.stored();
    let existing: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM entities WHERE entity_type = $1 AND canonical_key = $2")
            .bind(entity_type)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key, mention_count)
         VALUES ($1, $2, $3, $4, 0)
         ON CONFLICT (entity_type, canonical_key) DO NOTHING
         RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(display_name)
    .bind(entity_type)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        // Created concurrently by another transaction that committed first.
        None => Ok(sqlx::query_scalar(
            "SELECT id FROM entities WHERE entity_type = $1 AND canonical_key = $2",
        )
        .bind(entity_type)
        .bind(key)
        .fetch_one(&mut **tx)
        .await?),
    }
}

/// Folds the pending mention, event and quote count deltas into the entities'
/// counters; returns how many deltas were folded. Folds run one at a time.
pub async fn fold_counts(pool: &PgPool) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    // One fold at a time, so two folds never lock entity rows in opposite orders.
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(7460001)")
        .fetch_one(&mut *tx)
        .await?;
    if !locked {
        return Ok(0);
    }
    let folded = sqlx::query(
        "WITH pending AS (SELECT DISTINCT entity_id FROM entity_count_deltas),
              -- Rows another transaction holds are folded next time: a fold never waits.
              free AS (SELECT e.id FROM entities e WHERE e.id IN (SELECT entity_id FROM pending)
                       FOR NO KEY UPDATE SKIP LOCKED),
              moved AS (DELETE FROM entity_count_deltas d
                        WHERE d.entity_id IN (SELECT id FROM free)
                           OR NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = d.entity_id)
                        RETURNING entity_id, events, quotes, mentions),
              summed AS (SELECT entity_id, sum(events) AS events, sum(quotes) AS quotes, sum(mentions) AS mentions
                         FROM moved GROUP BY entity_id)
         UPDATE entities e SET event_count = e.event_count + s.events, quote_count = e.quote_count + s.quotes,
                               mention_count = e.mention_count + s.mentions
         FROM summed s WHERE e.id = s.entity_id",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(folded)
}

/// Folds count deltas every `period` until `stop` turns true: the background
/// task of each service that appends deltas (folds of several services take
/// turns through an advisory lock).
pub async fn fold_counts_until(
    pool: PgPool,
    period: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if let Err(error) = fold_counts(&pool).await {
            tracing::warn!(%error, "cannot fold entity counts; retrying");
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.changed() => break,
        }
    }
}

/// True for errors a retry of the whole transaction resolves (deadlock,
/// serialization failure, a unique race).
pub fn is_retryable(error: &StoreError) -> bool {
    match error {
        StoreError::Database(sqlx::Error::Database(db)) => {
            matches!(
                db.code().as_deref(),
                Some("40P01") | Some("40001") | Some("23505")
            )
        }
        _ => false,
    }
}

#[derive(sqlx::FromRow)]
struct EntityRow {
    id: Uuid,
    display_name: String,
    entity_type: String,
    affiliation_id: Option<Uuid>,
    affiliation_name: Option<String>,
    mention_count: i64,
}

/// A role sighting as read: (entity, title, date, article).
type RoleRow = (Uuid, String, Option<NaiveDate>, Option<Uuid>);

/// Gets entities by id with aliases and roles, in the order of `ids`.
pub async fn get_many(pool: &PgPool, ids: &[Uuid]) -> Result<Vec<EntityRecord>, StoreError> {
    get_many_with(pool, ids, true).await
}

/// Gets entities by id, in the order of `ids`; with `details`, with every alias
/// and role sighting (which grow with the entity's history) and the exact
/// mention count, else without them and with the count as of the last fold.
pub async fn get_many_with(
    pool: &PgPool,
    ids: &[Uuid],
    details: bool,
) -> Result<Vec<EntityRecord>, StoreError> {
    // The exact count adds the deltas not folded yet; without details, the
    // folded count (at most a second old) spares summing a popular entity's
    // pending deltas on every annotation.
    let rows = sqlx::query_as::<_, EntityRow>(
        "SELECT e.id, e.display_name, e.entity_type, e.affiliation_id, a.display_name AS affiliation_name,
                e.mention_count + CASE WHEN $2 THEN COALESCE((SELECT sum(d.mentions) FROM entity_count_deltas d
                                                               WHERE d.entity_id = e.id), 0)::bigint ELSE 0 END
                    AS mention_count
         FROM entities e LEFT JOIN entities a ON a.id = e.affiliation_id
         WHERE e.id = ANY($1)",
    )
    .bind(ids)
    .bind(details)
    .fetch_all(pool)
    .await?;
    let (aliases, roles): (Vec<(Uuid, String)>, Vec<RoleRow>) = if details {
        let aliases = sqlx::query_as(
            "SELECT entity_id, alias FROM entity_aliases WHERE entity_id = ANY($1) ORDER BY alias",
        )
        .bind(ids)
        .fetch_all(pool)
        .await?;
        let roles = sqlx::query_as(
                "SELECT entity_id, title, seen_date, article_id FROM entity_roles WHERE entity_id = ANY($1)
                 ORDER BY seen_date NULLS FIRST, title",
            )
            .bind(ids)
            .fetch_all(pool)
            .await?;
        (aliases, roles)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut records: Vec<EntityRecord> = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(row) = rows.iter().find(|row| row.id == *id) else {
            continue;
        };
        records.push(EntityRecord {
            id: row.id,
            display_name: row.display_name.clone(),
            entity_type: EntityType::from_stored(&row.entity_type)?,
            affiliation: row.affiliation_id.zip(row.affiliation_name.clone()),
            mention_count: row.mention_count,
            aliases: aliases
                .iter()
                .filter(|(entity, alias)| entity == id && alias != &row.display_name)
                .map(|(_, alias)| alias.clone())
                .collect(),
            roles: roles
                .iter()
                .filter(|(entity, ..)| entity == id)
                .map(|(_, title, seen_date, article_id)| RoleRecord {
                    title: title.clone(),
                    seen_date: *seen_date,
                    article_id: *article_id,
                })
                .collect(),
        });
    }
    Ok(records)
}

/// Gets one entity.
pub async fn get(pool: &PgPool, id: Uuid) -> Result<EntityRecord, StoreError> {
    get_many(pool, &[id])
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("entities/{id}")))
}

/// Searches entities whose name or an alias matches `query`, best first.
///
/// In stages, so common lookups stay on btree indexes: aliases equal to the
/// query or starting with it as a whole word ("wang" → "wang yi"); only when
/// those find nothing, trigram-similar aliases (typos: "blinkn" → "blinken").
/// Ties go to the entity with more mentions. At most 200 candidates are ranked.
pub async fn search(
    pool: &PgPool,
    query: &str,
    entity_type: Option<EntityType>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EntityRecord>, StoreError> {
    let key = name_key(query);
    // Aliases that start with the query as a whole word sort between "key " and
    // "key!" byte-wise: a range the text_pattern_ops btree answers even in a
    // generic (prepared) plan, unlike LIKE with a parameter.
    let (word_from, word_to) = (format!("{key} "), format!("{key}!"));
    let ranked = "SELECT e.id FROM candidates c JOIN entities e ON e.id = c.entity_id
                  WHERE ($2::text IS NULL OR e.entity_type = $2)
                  GROUP BY e.id, e.mention_count
                  ORDER BY max(c.score) DESC, e.mention_count DESC, e.id
                  LIMIT $3 OFFSET $4";
    let mut tx = pool.begin().await?;
    // Plan with the actual values: a generic plan would not know that an exact
    // alias matches a handful of rows and might scan the table.
    sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    let exact_or_word: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
                        WHERE (a.alias_key = $1 OR (a.alias_key ~>=~ $3 AND a.alias_key ~<~ $4))
                          AND ($2::text IS NULL OR e.entity_type = $2))",
    )
    .bind(&key)
    .bind(entity_type.map(Stored::stored))
    .bind(&word_from)
    .bind(&word_to)
    .fetch_one(&mut *tx)
    .await?;
    let sql = if exact_or_word {
        format!(
            "WITH candidates AS (
                 SELECT entity_id, CASE WHEN alias_key = $1 THEN 3.0 ELSE 2.0 END AS score
                 FROM entity_aliases WHERE alias_key = $1 OR (alias_key ~>=~ $5 AND alias_key ~<~ $6)
                 ORDER BY alias_key = $1 DESC LIMIT 200
             ) {ranked}"
        )
    } else {
        sqlx::query("SET LOCAL pg_trgm.similarity_threshold = 0.4")
            .execute(&mut *tx)
            .await?;
        format!(
            "WITH candidates AS (
                 SELECT entity_id, similarity(alias_key, $1) AS score
                 FROM entity_aliases WHERE alias_key % $1 AND $5::text IS NOT NULL AND $6::text IS NOT NULL
                 ORDER BY score DESC LIMIT 200
             ) {ranked}"
        )
    };
    let ids: Vec<Uuid> = sqlx::query_scalar(&sql)
        .bind(&key)
        .bind(entity_type.map(Stored::stored))
        .bind(limit)
        .bind(offset)
        .bind(&word_from)
        .bind(&word_to)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    get_many(pool, &ids).await
}

/// A registry entity that may be a spelling variant of a new name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SimilarEntity {
    /// Id.
    pub id: Uuid,
    /// Canonical name.
    pub display_name: String,
    /// Affiliated country's canonical key, if any.
    pub affiliation_key: Option<String>,
}

/// The first letter of every word of a registry key: `entities.name_initials`
/// (migration 0010) computed the same way.
pub fn name_initials(key: &str) -> String {
    key.split(' ')
        .filter_map(|word| word.chars().next())
        .collect()
}

/// A registry key without spaces and hyphens: `entities.name_squashed`.
pub fn name_squashed(key: &str) -> String {
    key.chars().filter(|c| *c != ' ' && *c != '-').collect()
}

/// Entities of `entity_type` whose name may be a spelling variant of `key`
/// (the same squashed letters, or the same initials and a similar spelling),
/// most similar first: candidates for spelling-variant resolution, found
/// through the initials and squashed-name indexes (the similarity is a
/// function call, not the `%` operator, so no plan reaches for the trigram
/// index over every name instead).
pub async fn similar(
    tx: &mut Transaction<'_, Postgres>,
    key: &str,
    entity_type: EntityType,
) -> Result<Vec<SimilarEntity>, StoreError> {
    Ok(sqlx::query_as::<_, SimilarEntity>(
        "SELECT e.id, e.display_name, a.canonical_key AS affiliation_key
         FROM entities e LEFT JOIN entities a ON a.id = e.affiliation_id
         WHERE e.entity_type = $2 AND e.canonical_key <> $1
           AND ((e.name_initials = $3 AND similarity(e.canonical_key, $1) >= 0.3)
                OR e.name_squashed = $4)
         ORDER BY similarity(e.canonical_key, $1) DESC LIMIT 5",
    )
    .bind(key)
    .bind(entity_type.stored())
    .bind(name_initials(key))
    .bind(name_squashed(key))
    .fetch_all(&mut **tx)
    .await?)
}

/// Lists entities by type and affiliation, most mentioned first.
pub async fn list(
    pool: &PgPool,
    entity_type: Option<EntityType>,
    affiliation: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EntityRecord>, StoreError> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM entities
         WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::uuid IS NULL OR affiliation_id = $2)
         ORDER BY mention_count DESC, id LIMIT $3 OFFSET $4",
    )
    .bind(entity_type.map(Stored::stored))
    .bind(affiliation)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    get_many(pool, &ids).await
}

async fn entity_type_of(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
) -> Result<String, StoreError> {
    sqlx::query_scalar("SELECT entity_type FROM entities WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("entities/{id}")))
}

/// Recomputes the dedup key of every event `entity` takes part in.
async fn refresh_participant_keys(
    tx: &mut Transaction<'_, Postgres>,
    entity: Uuid,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE events e SET participant_key = (
             SELECT string_agg(p.entity_id::text, ',' ORDER BY p.entity_id::text) FROM event_participants p WHERE p.event_id = e.id)
         WHERE e.id IN (SELECT event_id FROM event_participants WHERE entity_id = $1)",
    )
    .bind(entity)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM event_pairs WHERE event_id IN (SELECT event_id FROM event_participants WHERE entity_id = $1)")
        .bind(entity)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO event_pairs (event_id, event_type, entity_a, entity_b, first_seen)
         SELECT e.id, e.event_type, a.entity_id, b.entity_id, e.first_seen
         FROM events e
         JOIN event_participants a ON a.event_id = e.id
         JOIN event_participants b ON b.event_id = e.id AND a.entity_id < b.entity_id
         WHERE e.id IN (SELECT event_id FROM event_participants WHERE entity_id = $1)",
    )
    .bind(entity)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Merges `source` into `target` in one transaction: mentions, quotes, event
/// participations and places, aliases, roles and affiliations move; `source`
/// is deleted and its names become aliases of `target`. The call is recorded
/// as `curation` in the same transaction.
pub async fn merge(
    pool: &PgPool,
    target: Uuid,
    source: Uuid,
    curation: &Curation<'_>,
) -> Result<(), StoreError> {
    if target == source {
        return Err(StoreError::Precondition(
            "an entity cannot be merged into itself".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    // Lock both rows in id order so concurrent merges cannot deadlock.
    let (first, second) = if target < source {
        (target, source)
    } else {
        (source, target)
    };
    let first_type = entity_type_of(&mut tx, first).await?;
    let second_type = entity_type_of(&mut tx, second).await?;
    if first_type != second_type {
        let (target_type, source_type) = if first == target {
            (first_type, second_type)
        } else {
            (second_type, first_type)
        };
        return Err(StoreError::Precondition(format!(
            "cannot merge a {source_type} into a {target_type}"
        )));
    }
    let statements = [
        "UPDATE mentions SET entity_id = $1 WHERE entity_id = $2",
        "UPDATE quotes SET speaker_id = $1 WHERE speaker_id = $2",
        "INSERT INTO event_participants (event_id, entity_id, position, role)
             SELECT event_id, $1, position, role FROM event_participants WHERE entity_id = $2 ON CONFLICT DO NOTHING",
        "DELETE FROM event_participants WHERE entity_id = $2",
        "UPDATE events SET place_id = $1 WHERE place_id = $2",
        "INSERT INTO entity_aliases (entity_id, alias, alias_key)
             SELECT $1, alias, alias_key FROM entity_aliases WHERE entity_id = $2 ON CONFLICT DO NOTHING",
        "INSERT INTO entity_aliases (entity_id, alias, alias_key)
             SELECT $1, display_name, canonical_key FROM entities WHERE id = $2 ON CONFLICT DO NOTHING",
        "INSERT INTO entity_roles (entity_id, title, seen_date, article_id)
             SELECT $1, title, seen_date, article_id FROM entity_roles WHERE entity_id = $2 ON CONFLICT DO NOTHING",
        "UPDATE entities SET affiliation_id = $1 WHERE affiliation_id = $2",
        // Mention counts not yet folded follow the mentions (event and quote
        // deltas follow the rows themselves through their triggers).
        "UPDATE entity_count_deltas SET entity_id = $1 WHERE entity_id = $2 AND events = 0 AND quotes = 0",
        "UPDATE entities t SET mention_count = t.mention_count + s.mention_count,
             affiliation_id = COALESCE(t.affiliation_id, NULLIF(s.affiliation_id, t.id))
             FROM entities s WHERE t.id = $1 AND s.id = $2",
        "DELETE FROM entities WHERE id = $2",
    ];
    for statement in statements {
        sqlx::query(statement)
            .bind(target)
            .bind(source)
            .execute(&mut *tx)
            .await?;
    }
    refresh_participant_keys(&mut tx, target).await?;
    record_curation(&mut *tx, curation, "OK").await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an alias to an entity (the call recorded as `curation`).
pub async fn add_alias(
    pool: &PgPool,
    id: Uuid,
    alias: &str,
    curation: &Curation<'_>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    entity_type_of(&mut tx, id).await?;
    sqlx::query("INSERT INTO entity_aliases (entity_id, alias, alias_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(alias)
        .bind(name_key(alias))
        .execute(&mut *tx)
        .await?;
    record_curation(&mut *tx, curation, "OK").await?;
    tx.commit().await?;
    Ok(())
}

/// Splits `alias` off `id` into a new entity named `display_name`: the alias,
/// the mentions with exactly that text, and the quotes attributed through it
/// move. Returns the new entity's id. The call is recorded as `curation`.
pub async fn split_alias(
    pool: &PgPool,
    id: Uuid,
    alias: &str,
    display_name: &str,
    curation: &Curation<'_>,
) -> Result<Uuid, StoreError> {
    let mut tx = pool.begin().await?;
    let entity_type = entity_type_of(&mut tx, id).await?;
    let alias_key = name_key(alias);
    let (canonical_key,): (String,) =
        sqlx::query_as("SELECT canonical_key FROM entities WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if canonical_key == alias_key {
        return Err(StoreError::Precondition(
            "the alias is the entity's own name; split another alias".into(),
        ));
    }
    let removed = sqlx::query("DELETE FROM entity_aliases WHERE entity_id = $1 AND alias_key = $2")
        .bind(id)
        .bind(&alias_key)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!(
            "alias {alias:?} of entities/{id}"
        )));
    }
    let new_key = name_key(display_name);
    let new_id = Uuid::new_v4();
    let inserted = sqlx::query(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(new_id)
    .bind(display_name)
    .bind(&entity_type)
    .bind(&new_key)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Precondition(format!(
            "an entity named {display_name:?} already exists; merge into it instead"
        )));
    }
    sqlx::query("INSERT INTO entity_aliases (entity_id, alias, alias_key) VALUES ($1, $2, $3), ($1, $4, $5) ON CONFLICT DO NOTHING")
        .bind(new_id)
        .bind(alias)
        .bind(&alias_key)
        .bind(display_name)
        .bind(&new_key)
        .execute(&mut *tx)
        .await?;
    let moved = sqlx::query(
        "UPDATE mentions SET entity_id = $1 WHERE entity_id = $2
           AND lower(regexp_replace(text, '[.''’]', '', 'g')) = $3",
    )
    .bind(new_id)
    .bind(id)
    .bind(&alias_key)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE quotes SET speaker_id = $1 WHERE speaker_id = $2
           AND lower(regexp_replace(speaker_text, '[.''’]', '', 'g')) = $3",
    )
    .bind(new_id)
    .bind(id)
    .bind(&alias_key)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE entities SET mention_count = mention_count + $2 WHERE id = $1")
        .bind(new_id)
        .bind(moved.rows_affected() as i64)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE entities SET mention_count = GREATEST(mention_count - $2, 0) WHERE id = $1",
    )
    .bind(id)
    .bind(moved.rows_affected() as i64)
    .execute(&mut *tx)
    .await?;
    record_curation(&mut *tx, curation, "OK").await?;
    tx.commit().await?;
    Ok(new_id)
}
