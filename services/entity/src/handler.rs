//! The gRPC handlers of `readout.v1.EntityService`: thin conversions around the
//! annotation logic and the registry queries.

use chrono::NaiveDate;
use readout_proto::v1::entity_service_server::EntityService;
use readout_proto::v1::{
    AnnotateTextRequest, AnnotateTextResponse, AnnotatedEntity, GetEntityRequest,
    GetEntityResponse, Mention, SearchEntitiesRequest, SearchEntitiesResponse,
};
use readout_server::request::{
    decode_page_token, next_page_token, page_size, parse_resource_name, resource_name,
};
use readout_store::{entities, PgPool};
use tonic::{Request, Response, Status};

use crate::annotate::{default_seen_date, recognise};
use crate::convert;
use crate::error::EntityError;

/// Handler state.
#[derive(Clone)]
pub struct EntityHandler {
    pool: PgPool,
    max_text_bytes: usize,
}

impl EntityHandler {
    /// A handler over `pool`.
    pub fn new(pool: PgPool, max_text_bytes: usize) -> Self {
        EntityHandler {
            pool,
            max_text_bytes,
        }
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> EntityError {
    EntityError::InvalidArgument {
        field,
        message: message.into(),
    }
}

#[tonic::async_trait]
impl EntityService for EntityHandler {
    #[tracing::instrument(skip_all, fields(bytes = request.get_ref().text.len()))]
    async fn annotate_text(
        &self,
        request: Request<AnnotateTextRequest>,
    ) -> Result<Response<AnnotateTextResponse>, Status> {
        let request = request.into_inner();
        if request.text.trim().is_empty() {
            return Err(invalid("text", "must not be empty").into());
        }
        if request.text.len() > self.max_text_bytes {
            return Err(invalid(
                "text",
                format!(
                    "is {} bytes, over the limit of {}",
                    request.text.len(),
                    self.max_text_bytes
                ),
            )
            .into());
        }
        let article = match request.article.as_str() {
            "" => None,
            name => Some(parse_resource_name("article", "articles", name)?),
        };
        let seen_date = match request.seen_date.as_str() {
            "" => default_seen_date(),
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| invalid("seen_date", format!("expected YYYY-MM-DD, got {text:?}")))?,
        };
        let text = request.text;
        let recognised = tokio::task::spawn_blocking(move || recognise(&text))
            .await
            .map_err(|error| readout_server::status::internal("recognising entities", error))?;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| EntityError::Store(e.into()))?;
        let mut ids = Vec::with_capacity(recognised.len());
        for entity in &recognised {
            ids.push(
                entities::resolve(&mut tx, &entity.candidate, article, seen_date)
                    .await
                    .map_err(EntityError::Store)?,
            );
        }
        tx.commit()
            .await
            .map_err(|e| EntityError::Store(e.into()))?;
        let records = entities::get_many(&self.pool, &ids)
            .await
            .map_err(EntityError::Store)?;
        let annotated = recognised
            .into_iter()
            .zip(ids)
            .map(|(entity, id)| {
                let record = records.iter().find(|r| r.id == id);
                AnnotatedEntity {
                    entity: record.map(convert::entity),
                    role: entity.role.unwrap_or_default(),
                    affiliation: entity.affiliation.unwrap_or_default(),
                    mentions: entity
                        .mentions
                        .into_iter()
                        .map(|(text, start, end)| Mention {
                            entity: resource_name("entities", id),
                            text,
                            start_offset: start,
                            end_offset: end,
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(Response::new(AnnotateTextResponse {
            entities: annotated,
        }))
    }

    #[tracing::instrument(skip_all, fields(name = %request.get_ref().name))]
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

    #[tracing::instrument(skip_all, fields(query = %request.get_ref().query))]
    async fn search_entities(
        &self,
        request: Request<SearchEntitiesRequest>,
    ) -> Result<Response<SearchEntitiesResponse>, Status> {
        let request = request.into_inner();
        let query = request.query.trim();
        if query.is_empty() {
            return Err(invalid("query", "must not be empty").into());
        }
        if query.len() > 200 {
            return Err(invalid("query", "must be at most 200 bytes").into());
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
}
