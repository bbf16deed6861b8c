//! The gRPC handlers of `readout.v1.EntityService` (registry lookups, the
//! read-only annotation, curation) and of the internal
//! `readout.v1.EntityResolverService` (the ingest worker's resolution): thin
//! conversions around the candidate logic and the registry queries.

use backon::Retryable;
use chrono::NaiveDate;
use readout_proto::v1::entity_resolver_service_server::EntityResolverService;
use readout_proto::v1::entity_service_server::EntityService;
use readout_proto::v1::{
    AddEntityAliasRequest, AddEntityAliasResponse, AnnotateTextRequest, AnnotateTextResponse,
    AnnotatedEntity, BatchAnnotateTextsRequest, BatchAnnotateTextsResponse, Entity, EntityType,
    EntityView, GetEntityRequest, GetEntityResponse, ListCurationRecordsRequest,
    ListCurationRecordsResponse, ListEntitiesRequest, ListEntitiesResponse, Mention,
    MergeEntitiesRequest, MergeEntitiesResponse, ResolveEntitiesRequest, ResolveEntitiesResponse,
    ResolvedEntities, SearchEntitiesRequest, SearchEntitiesResponse, SplitEntityAliasRequest,
    SplitEntityAliasResponse,
};
use readout_server::request::{
    decode_page_token, next_page_token, page_size, parse_resource_name, resource_name,
};
use readout_store::access::Curation;
use readout_store::entities::EntityCandidate;
use readout_store::kinds::EntityType as StoredType;
use readout_store::{entities, PgPool};
use tonic::{Request, Response, Status};

use crate::annotate::{candidate, recognise, Recognised};
use crate::convert;
use crate::error::EntityError;
use readout_extract::entities::spelling_variants;

/// Handler state.
#[derive(Clone)]
pub struct EntityHandler {
    pool: PgPool,
    max_text_bytes: usize,
}

/// The entities of one article to resolve.
pub struct ResolveJob {
    /// The article roles are recorded against.
    pub article: Option<uuid::Uuid>,
    /// The date roles are seen at; without one, roles are recorded undated.
    pub seen_date: Option<NaiveDate>,
    /// The found entities, in the caller's order.
    pub candidates: Vec<EntityCandidate>,
}

/// Who a curation call is made for: the gateway's principal header, or
/// `internal` for a caller inside the cluster that named no one.
fn curator<T>(request: &Request<T>) -> String {
    request
        .metadata()
        .get(readout_server::request::PRINCIPAL_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .chars()
                .filter(|c| !c.is_control())
                .take(300)
                .collect::<String>()
        })
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| "internal".to_owned())
}

/// The name of a gRPC status code, as the curation records keep it.
fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code;
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

impl EntityHandler {
    /// Runs a curation call's work; a call that fails is recorded with its
    /// status (one that succeeds was recorded by the store in its transaction).
    async fn curating<T>(
        &self,
        curation: &Curation<'_>,
        work: impl std::future::Future<Output = Result<T, Status>>,
    ) -> Result<T, Status> {
        let outcome = work.await;
        if let Err(status) = &outcome {
            let recorded = readout_store::access::record_curation(
                &self.pool,
                curation,
                code_name(status.code()),
            )
            .await;
            if let Err(error) = recorded {
                tracing::warn!(%error, method = curation.method, "cannot record a failed curation call");
            }
        }
        outcome
    }

    /// Resolves every candidate of every job in one transaction, one such
    /// transaction at a time: known names together, the rest one by one
    /// (places first, then by name); retried when the database reports a
    /// deadlock or a concurrent insert (a curation call racing it). Returns the
    /// entity ids of each job's candidates. Counts nothing: mentions are counted
    /// when the worker stores them.
    #[tracing::instrument(skip_all, fields(articles = jobs.len()))]
    pub async fn resolve_all(
        &self,
        jobs: &[ResolveJob],
    ) -> Result<Vec<Vec<uuid::Uuid>>, EntityError> {
        // (job, entity) of every candidate, in the global order.
        let mut order: Vec<(usize, usize)> = jobs
            .iter()
            .enumerate()
            .flat_map(|(job, resolve)| (0..resolve.candidates.len()).map(move |i| (job, i)))
            .collect();
        order.sort_by(|&(ja, a), &(jb, b)| {
            let a = &jobs[ja].candidates[a];
            let b = &jobs[jb].candidates[b];
            (a.entity_type != StoredType::Gpe, &a.canonical_key)
                .cmp(&(b.entity_type != StoredType::Gpe, &b.canonical_key))
        });
        let resolve = || async {
            let mut tx = self
                .pool
                .begin()
                .await
                .map_err(|e| EntityError::Store(e.into()))?;
            // Resolutions can be redone from the stored article: no need to wait for the disk.
            sqlx::query("SET LOCAL synchronous_commit = off")
                .execute(&mut *tx)
                .await
                .map_err(|e| EntityError::Store(e.into()))?;
            let ordered: Vec<(&EntityCandidate, Option<uuid::Uuid>, Option<NaiveDate>)> = order
                .iter()
                .map(|&(job, i)| {
                    (
                        &jobs[job].candidates[i],
                        jobs[job].article,
                        jobs[job].seen_date,
                    )
                })
                .collect();
            // Reads first, outside the writer lock: which names are new, and
            // which new person names are spelling variants of registry people
            // (a trigram search, the slowest step).
            let candidates: Vec<&EntityCandidate> =
                ordered.iter().map(|(candidate, ..)| *candidate).collect();
            let present = entities::present(&mut tx, &candidates).await?;
            let mut variants: Vec<Option<uuid::Uuid>> = vec![None; ordered.len()];
            for (index, candidate) in candidates.iter().enumerate() {
                if !present[index] {
                    variants[index] = spelling_variant_of(&mut tx, candidate).await?;
                }
            }
            // One registry writer at a time: concurrent batches share names,
            // and interleaved row locks of two batches deadlock. A batch holds
            // the lock for its writes only.
            entities::lock_registry(&mut tx).await?;
            // Known names in a few statements, then the rest one by one.
            let known = entities::resolve_known(&mut tx, &ordered).await?;
            let mut ids: Vec<Vec<uuid::Uuid>> = jobs
                .iter()
                .map(|job| vec![uuid::Uuid::nil(); job.candidates.len()])
                .collect();
            for ((&(job, index), known), variant_of) in order.iter().zip(known).zip(variants) {
                ids[job][index] = match known {
                    Some(id) => id,
                    None => {
                        // Still new under the lock: the variant found before it stands.
                        entities::resolve(
                            &mut tx,
                            &jobs[job].candidates[index],
                            jobs[job].article,
                            jobs[job].seen_date,
                            variant_of,
                        )
                        .await?
                    }
                };
            }
            tx.commit()
                .await
                .map_err(|e| EntityError::Store(e.into()))?;
            Ok(ids)
        };
        resolve
            .retry(readout_server::retry::conflict())
            .when(|error| matches!(error, EntityError::Store(error) if entities::is_retryable(error)))
            .notify(|error, delay| {
                tracing::info!(%error, ?delay, "retrying the resolution transaction")
            })
            .await
    }

    /// Checks one annotation request; `prefix` names it inside a batch (`requests[3].`).
    fn validate(
        &self,
        request: AnnotateTextRequest,
        prefix: &str,
    ) -> Result<AnnotationJob, Status> {
        let field = |name: &str| format!("{prefix}{name}");
        if request.text.trim().is_empty() {
            return Err(invalid(field("text"), "must not be empty").into());
        }
        if request.text.len() > self.max_text_bytes {
            return Err(invalid(
                field("text"),
                format!(
                    "is {} bytes, over the limit of {}",
                    request.text.len(),
                    self.max_text_bytes
                ),
            )
            .into());
        }
        // Kept for compatibility: annotation records nothing, but a malformed
        // value is still the caller's mistake.
        if !request.article.is_empty() {
            parse_resource_name(&field("article"), "articles", &request.article)?;
        }
        if !request.seen_date.is_empty() {
            parse_date(&field("seen_date"), &request.seen_date)?;
        }
        let view = EntityView::try_from(request.view).map_err(|_| {
            invalid(
                field("view"),
                format!("unknown entity view {}", request.view),
            )
        })?;
        Ok(AnnotationJob {
            text: request.text,
            details: view != EntityView::Basic,
        })
    }

    /// Recognises the entities of each text and looks them up in the registry,
    /// writing nothing.
    async fn annotate(
        &self,
        jobs: Vec<AnnotationJob>,
    ) -> Result<Vec<AnnotateTextResponse>, Status> {
        let recognised: Vec<(bool, Vec<Recognised>)> = tokio::task::spawn_blocking(move || {
            jobs.into_iter()
                .map(|job| (job.details, recognise(&job.text)))
                .collect()
        })
        .await
        .map_err(|error| readout_server::status::internal("recognising entities", error))?;
        let names: Vec<(StoredType, &str)> = recognised
            .iter()
            .flat_map(|(_, entities)| entities.iter())
            .map(|entity| {
                (
                    entity.candidate.entity_type,
                    entity.candidate.canonical_key.as_str(),
                )
            })
            .collect();
        let found = entities::lookup(&self.pool, &names)
            .await
            .map_err(EntityError::Store)?;
        let mut all_ids: Vec<uuid::Uuid> = found.iter().flatten().copied().collect();
        all_ids.sort();
        all_ids.dedup();
        let details = recognised.iter().any(|(details, _)| *details);
        let records = entities::get_many_with(&self.pool, &all_ids, details)
            .await
            .map_err(EntityError::Store)?;
        let mut found = found.into_iter();
        Ok(recognised
            .into_iter()
            .map(|(details, entities)| AnnotateTextResponse {
                entities: entities
                    .into_iter()
                    .map(|entity| {
                        let id = found.next().flatten();
                        let record = id.and_then(|id| records.iter().find(|r| r.id == id));
                        let entity_message = match record {
                            Some(record) => {
                                let mut message = convert::entity(record);
                                if !details {
                                    message.aliases.clear();
                                    message.roles.clear();
                                }
                                message
                            }
                            // Not in the registry yet: the text's own name and type.
                            None => Entity {
                                display_name: entity.candidate.display_name.clone(),
                                r#type: convert::entity_type(entity.candidate.entity_type) as i32,
                                ..Entity::default()
                            },
                        };
                        let entity_name = entity_message.name.clone();
                        AnnotatedEntity {
                            entity: Some(entity_message),
                            role: entity.candidate.roles.first().cloned().unwrap_or_default(),
                            affiliation: entity
                                .candidate
                                .affiliation
                                .map(|(name, _)| name)
                                .unwrap_or_default(),
                            mentions: entity
                                .mentions
                                .into_iter()
                                .map(|(text, full_text, start, end)| Mention {
                                    entity: entity_name.clone(),
                                    text,
                                    full_text,
                                    start_offset: start,
                                    end_offset: end,
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect())
    }

    /// A handler over `pool`.
    pub fn new(pool: PgPool, max_text_bytes: usize) -> Self {
        EntityHandler {
            pool,
            max_text_bytes,
        }
    }
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, EntityError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| invalid(field, format!("expected YYYY-MM-DD, got {text:?}")))
}

/// Most entities of one article in a ResolveEntities call.
pub const MAX_ARTICLE_ENTITIES: usize = 2_000;

/// Checks one article of a ResolveEntities request.
fn resolve_job(
    index: usize,
    article: readout_proto::v1::ArticleEntities,
) -> Result<ResolveJob, Status> {
    let field = |name: &str| format!("articles[{index}].{name}");
    let article_id = match article.article.as_str() {
        "" => None,
        name => Some(parse_resource_name(&field("article"), "articles", name)?),
    };
    let seen_date = match article.seen_date.as_str() {
        "" => None,
        text => Some(parse_date(&field("seen_date"), text)?),
    };
    if article.entities.len() > MAX_ARTICLE_ENTITIES {
        return Err(invalid(
            field("entities"),
            format!(
                "has {} entities, over the limit of {MAX_ARTICLE_ENTITIES}",
                article.entities.len()
            ),
        )
        .into());
    }
    let name_ok =
        |name: &str| !name.trim().is_empty() && name.chars().count() <= 200 && !name.contains('\0');
    let mut candidates = Vec::with_capacity(article.entities.len());
    for (i, found) in article.entities.into_iter().enumerate() {
        let field = |name: &str| format!("articles[{index}].entities[{i}].{name}");
        if !name_ok(&found.display_name) {
            return Err(
                invalid(field("display_name"), "must be 1 to 200 characters of text").into(),
            );
        }
        let entity_type = EntityType::try_from(found.r#type)
            .ok()
            .and_then(convert::stored_type)
            .ok_or_else(|| {
                invalid(
                    field("type"),
                    format!("must be a known entity type, got {}", found.r#type),
                )
            })?;
        if let Some(alias) = found.aliases.iter().position(|alias| !name_ok(alias)) {
            return Err(invalid(
                field(&format!("aliases[{alias}]")),
                "must be 1 to 200 characters of text",
            )
            .into());
        }
        if let Some(role) = found.roles.iter().position(|role| !name_ok(role)) {
            return Err(invalid(
                field(&format!("roles[{role}]")),
                "must be 1 to 200 characters of text",
            )
            .into());
        }
        if found.affiliation.chars().count() > 200 || found.affiliation.contains('\0') {
            return Err(invalid(
                field("affiliation"),
                "must be at most 200 characters of text",
            )
            .into());
        }
        candidates.push(candidate(
            found.display_name.trim(),
            entity_type,
            found.aliases,
            found.roles,
            Some(found.affiliation).filter(|country| !country.is_empty()),
        ));
    }
    Ok(ResolveJob {
        article: article_id,
        seen_date,
        candidates,
    })
}

/// Most articles in one ResolveEntities call.
pub const MAX_RESOLVE_ARTICLES: usize = 100;

#[tonic::async_trait]
impl EntityResolverService for EntityHandler {
    #[tracing::instrument(skip_all, fields(articles = request.get_ref().articles.len()))]
    async fn resolve_entities(
        &self,
        request: Request<ResolveEntitiesRequest>,
    ) -> Result<Response<ResolveEntitiesResponse>, Status> {
        let articles = request.into_inner().articles;
        if articles.is_empty() {
            return Err(invalid("articles", "must not be empty").into());
        }
        if articles.len() > MAX_RESOLVE_ARTICLES {
            return Err(invalid(
                "articles",
                format!(
                    "has {} articles, over the limit of {MAX_RESOLVE_ARTICLES}",
                    articles.len()
                ),
            )
            .into());
        }
        let jobs = articles
            .into_iter()
            .enumerate()
            .map(|(index, article)| resolve_job(index, article))
            .collect::<Result<Vec<_>, Status>>()?;
        let ids = self.resolve_all(&jobs).await?;
        Ok(Response::new(ResolveEntitiesResponse {
            articles: ids
                .into_iter()
                .map(|ids| ResolvedEntities {
                    entities: ids
                        .into_iter()
                        .map(|id| resource_name("entities", id))
                        .collect(),
                })
                .collect(),
        }))
    }
}

/// A registry person this candidate is a spelling variant of ("Prayut
/// Chan-o-cha" for "Prayuth Chan-ocha"), when the names are close and the
/// context agrees: same country, or one of them has none. For candidates whose
/// exact name the registry does not hold (a held name is no variant of another;
/// the caller checks that for the whole batch with `entities::present`).
async fn spelling_variant_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    candidate: &entities::EntityCandidate,
) -> Result<Option<uuid::Uuid>, EntityError> {
    if candidate.entity_type != StoredType::Person || !candidate.canonical_key.contains(' ') {
        return Ok(None);
    }
    let similar = entities::similar(tx, &candidate.canonical_key, candidate.entity_type).await?;
    let affiliation = candidate.affiliation.as_ref().map(|(_, key)| key.as_str());
    Ok(similar
        .into_iter()
        .find(|other| {
            spelling_variants(&other.display_name, &candidate.display_name)
                && (affiliation.is_none()
                    || other.affiliation_key.is_none()
                    || other.affiliation_key.as_deref() == affiliation)
        })
        .map(|other| other.id))
}

fn store(error: readout_store::StoreError) -> Status {
    EntityError::Store(error).into()
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> EntityError {
    EntityError::InvalidArgument {
        field: field.into(),
        message: message.into(),
    }
}

/// Most texts in one BatchAnnotateTexts call.
pub const MAX_BATCH_TEXTS: usize = 100;

/// One validated annotation request.
struct AnnotationJob {
    text: String,
    details: bool,
}

#[tonic::async_trait]
impl EntityService for EntityHandler {
    #[tracing::instrument(skip_all, fields(bytes = request.get_ref().text.len()))]
    async fn annotate_text(
        &self,
        request: Request<AnnotateTextRequest>,
    ) -> Result<Response<AnnotateTextResponse>, Status> {
        let job = self.validate(request.into_inner(), "")?;
        let mut responses = self.annotate(vec![job]).await?;
        Ok(Response::new(responses.pop().unwrap_or_default()))
    }

    #[tracing::instrument(skip_all, fields(texts = request.get_ref().requests.len()))]
    async fn batch_annotate_texts(
        &self,
        request: Request<BatchAnnotateTextsRequest>,
    ) -> Result<Response<BatchAnnotateTextsResponse>, Status> {
        let requests = request.into_inner().requests;
        if requests.is_empty() {
            return Err(invalid("requests", "must not be empty").into());
        }
        if requests.len() > MAX_BATCH_TEXTS {
            return Err(invalid(
                "requests",
                format!(
                    "has {} texts, over the limit of {MAX_BATCH_TEXTS}",
                    requests.len()
                ),
            )
            .into());
        }
        let jobs = requests
            .into_iter()
            .enumerate()
            .map(|(index, request)| self.validate(request, &format!("requests[{index}].")))
            .collect::<Result<Vec<_>, Status>>()?;
        let responses = self.annotate(jobs).await?;
        Ok(Response::new(BatchAnnotateTextsResponse { responses }))
    }

    #[tracing::instrument(skip_all, fields(name = ?request.get_ref().name))]
    async fn get_entity(
        &self,
        request: Request<GetEntityRequest>,
    ) -> Result<Response<GetEntityResponse>, Status> {
        let id = parse_resource_name("name", "entities", &request.get_ref().name)?;
        let record = entities::get(&self.pool, id)
            .await
            .map_err(EntityError::Store)?;
        Ok(Response::new(GetEntityResponse {
            entity: Some(convert::entity(&record)),
        }))
    }

    #[tracing::instrument(skip_all, fields(query = ?request.get_ref().query))]
    async fn search_entities(
        &self,
        request: Request<SearchEntitiesRequest>,
    ) -> Result<Response<SearchEntitiesResponse>, Status> {
        let request = request.into_inner();
        let query = request.query.trim();
        if query.is_empty() {
            return Err(invalid("query", "must not be empty").into());
        }
        if query.len() > 200 || query.contains('\0') {
            return Err(invalid(
                "query",
                "must be at most 200 bytes of text (no NUL characters)",
            )
            .into());
        }
        let entity_type = readout_proto::v1::EntityType::try_from(request.r#type)
            .map_err(|_| invalid("type", format!("unknown entity type {}", request.r#type)))?;
        let limit = page_size(request.page_size, 20, 100)?;
        let context = format!("{query}|{}", request.r#type);
        let offset = decode_page_token(&request.page_token, &context)?;
        let records = entities::search(
            &self.pool,
            query,
            convert::stored_type(entity_type),
            limit,
            offset,
        )
        .await
        .map_err(EntityError::Store)?;
        Ok(Response::new(SearchEntitiesResponse {
            next_page_token: next_page_token(offset, limit, records.len(), &context),
            entities: records.iter().map(convert::entity).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_entities(
        &self,
        request: Request<ListEntitiesRequest>,
    ) -> Result<Response<ListEntitiesResponse>, Status> {
        let request = request.into_inner();
        let entity_type = readout_proto::v1::EntityType::try_from(request.r#type)
            .map_err(|_| invalid("type", format!("unknown entity type {}", request.r#type)))?;
        let affiliation = match request.affiliation.as_str() {
            "" => None,
            name => Some(parse_resource_name("affiliation", "entities", name)?),
        };
        let limit = page_size(request.page_size, 20, 100)?;
        let context = format!("{}|{}", request.r#type, request.affiliation);
        let offset = decode_page_token(&request.page_token, &context)?;
        let records = entities::list(
            &self.pool,
            convert::stored_type(entity_type),
            affiliation,
            limit,
            offset,
        )
        .await
        .map_err(store)?;
        Ok(Response::new(ListEntitiesResponse {
            next_page_token: next_page_token(offset, limit, records.len(), &context),
            entities: records.iter().map(convert::entity).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(entity = ?request.get_ref().entity, source = ?request.get_ref().source))]
    async fn merge_entities(
        &self,
        request: Request<MergeEntitiesRequest>,
    ) -> Result<Response<MergeEntitiesResponse>, Status> {
        let principal = curator(&request);
        let request = request.into_inner();
        let fields = serde_json::json!({"entity": request.entity, "source": request.source});
        let curation = Curation {
            principal: &principal,
            method: "MergeEntities",
            request: &fields,
        };
        let target = self
            .curating(&curation, async {
                let target = parse_resource_name("entity", "entities", &request.entity)?;
                let source = parse_resource_name("source", "entities", &request.source)?;
                if target == source {
                    return Err(invalid("source", "must differ from entity").into());
                }
                entities::merge(&self.pool, target, source, &curation)
                    .await
                    .map_err(store)?;
                tracing::info!(%target, %source, %principal, "entities merged");
                Ok(target)
            })
            .await?;
        let record = entities::get(&self.pool, target).await.map_err(store)?;
        Ok(Response::new(MergeEntitiesResponse {
            entity: Some(convert::entity(&record)),
        }))
    }

    #[tracing::instrument(skip_all, fields(entity = ?request.get_ref().entity))]
    async fn add_entity_alias(
        &self,
        request: Request<AddEntityAliasRequest>,
    ) -> Result<Response<AddEntityAliasResponse>, Status> {
        let principal = curator(&request);
        let request = request.into_inner();
        let fields = serde_json::json!({"entity": request.entity, "alias": request.alias});
        let curation = Curation {
            principal: &principal,
            method: "AddEntityAlias",
            request: &fields,
        };
        let id = self
            .curating(&curation, async {
                let id = parse_resource_name("entity", "entities", &request.entity)?;
                let alias = request.alias.trim();
                if alias.is_empty() || alias.chars().count() > 200 || alias.contains('\0') {
                    return Err(invalid("alias", "must be 1 to 200 characters of text").into());
                }
                entities::add_alias(&self.pool, id, alias, &curation)
                    .await
                    .map_err(store)?;
                Ok(id)
            })
            .await?;
        let record = entities::get(&self.pool, id).await.map_err(store)?;
        Ok(Response::new(AddEntityAliasResponse {
            entity: Some(convert::entity(&record)),
        }))
    }

    #[tracing::instrument(skip_all, fields(entity = ?request.get_ref().entity))]
    async fn split_entity_alias(
        &self,
        request: Request<SplitEntityAliasRequest>,
    ) -> Result<Response<SplitEntityAliasResponse>, Status> {
        let principal = curator(&request);
        let request = request.into_inner();
        let fields = serde_json::json!({
            "entity": request.entity, "alias": request.alias, "display_name": request.display_name,
        });
        let curation = Curation {
            principal: &principal,
            method: "SplitEntityAlias",
            request: &fields,
        };
        let (id, new_id) = self
            .curating(&curation, async {
                let id = parse_resource_name("entity", "entities", &request.entity)?;
                let alias = request.alias.trim();
                if alias.is_empty() || alias.chars().count() > 200 || alias.contains('\0') {
                    return Err(invalid("alias", "must be 1 to 200 characters of text").into());
                }
                let display_name = match request.display_name.trim() {
                    "" => alias,
                    name if name.chars().count() > 200 || name.contains('\0') => {
                        return Err(invalid(
                            "display_name",
                            "must be at most 200 characters of text",
                        )
                        .into())
                    }
                    name => name,
                };
                let new_id = entities::split_alias(&self.pool, id, alias, display_name, &curation)
                    .await
                    .map_err(store)?;
                Ok((id, new_id))
            })
            .await?;
        let records = entities::get_many(&self.pool, &[id, new_id])
            .await
            .map_err(store)?;
        Ok(Response::new(SplitEntityAliasResponse {
            entity: records.first().map(convert::entity),
            new_entity: records.get(1).map(convert::entity),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_curation_records(
        &self,
        request: Request<ListCurationRecordsRequest>,
    ) -> Result<Response<ListCurationRecordsResponse>, Status> {
        let request = request.into_inner();
        let limit = readout_server::request::page_size(request.page_size, 20, 100)?;
        // The token carries the number of the last record of the previous page.
        let before = match request.page_token.as_str() {
            "" => None,
            token => Some(readout_server::request::decode_page_token(
                token,
                "curationRecords",
            )?),
        };
        let records = readout_store::access::list_curation_records(&self.pool, limit, before)
            .await
            .map_err(store)?;
        let next_page_token = match records.last() {
            Some(last) if records.len() as i64 == limit => {
                readout_server::request::encode_page_token(last.id, "curationRecords")
            }
            _ => String::new(),
        };
        Ok(Response::new(ListCurationRecordsResponse {
            curation_records: records.iter().map(convert::curation_record).collect(),
            next_page_token,
        }))
    }
}
