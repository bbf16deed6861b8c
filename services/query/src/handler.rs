//! The gRPC handlers of `readout.v1.QueryService`.

use readout_proto::v1::query_service_server::QueryService;
use readout_proto::v1::{
    Counterpart, GetEntityStatsRequest, GetEntityStatsResponse, ListEventsRequest,
    ListEventsResponse, ListQuotesRequest, ListQuotesResponse,
};
use readout_server::request::{decode_page_token, next_page_token, page_size};
use readout_store::reads::{entity_stats, list_events, list_quotes, Page};
use readout_store::{PgPool, StoreError};
use tonic::{Request, Response, Status};

use crate::convert;

/// Handler state.
#[derive(Clone)]
pub struct QueryHandler {
    pool: PgPool,
}

impl QueryHandler {
    /// A handler over `pool`.
    pub fn new(pool: PgPool) -> Self {
        QueryHandler { pool }
    }
}

fn store_status(error: StoreError) -> Status {
    match error {
        StoreError::Database(
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed,
        ) => Status::unavailable("database unavailable, retry later"),
        StoreError::Database(sqlx::Error::Database(db))
            if db.code().as_deref() == Some("57014") =>
        {
            Status::deadline_exceeded("query cancelled: deadline exceeded")
        }
        error => readout_server::status::internal("reading from the store", error),
    }
}

#[tonic::async_trait]
impl QueryService for QueryHandler {
    #[tracing::instrument(skip_all, fields(filter = %request.get_ref().filter))]
    async fn list_events(
        &self,
        request: Request<ListEventsRequest>,
    ) -> Result<Response<ListEventsResponse>, Status> {
        let request = request.into_inner();
        let filter = convert::event_filter(&request.filter)?;
        let limit = page_size(request.page_size, 20, 100)?;
        let offset = decode_page_token(&request.page_token, &request.filter)?;
        let records = list_events(&self.pool, &filter, Page { limit, offset })
            .await
            .map_err(store_status)?;
        Ok(Response::new(ListEventsResponse {
            next_page_token: next_page_token(offset, limit, records.len(), &request.filter),
            events: records.iter().map(convert::event).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(query = %request.get_ref().query, filter = %request.get_ref().filter))]
    async fn list_quotes(
        &self,
        request: Request<ListQuotesRequest>,
    ) -> Result<Response<ListQuotesResponse>, Status> {
        let request = request.into_inner();
        if request.query.len() > 1000 {
            return Err(readout_server::status::invalid_argument(
                "query",
                "must be at most 1000 bytes",
            ));
        }
        let filter = convert::quote_filter(&request.query, &request.filter)?;
        let limit = page_size(request.page_size, 20, 100)?;
        let context = format!("{}|{}", request.query, request.filter);
        let offset = decode_page_token(&request.page_token, &context)?;
        let records = list_quotes(&self.pool, &filter, Page { limit, offset })
            .await
            .map_err(store_status)?;
        Ok(Response::new(ListQuotesResponse {
            next_page_token: next_page_token(offset, limit, records.len(), &context),
            quotes: records.iter().map(convert::quote).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(entity = %request.get_ref().entity))]
    async fn get_entity_stats(
        &self,
        request: Request<GetEntityStatsRequest>,
    ) -> Result<Response<GetEntityStatsResponse>, Status> {
        let request = request.into_inner();
        let entity =
            readout_server::request::parse_resource_name("entity", "entities", &request.entity)?;
        let limit = page_size(request.counterpart_limit, 10, 100).map_err(|_| {
            readout_server::status::invalid_argument("counterpart_limit", "must not be negative")
        })?;
        let stats = entity_stats(&self.pool, entity, limit)
            .await
            .map_err(store_status)?;
        Ok(Response::new(GetEntityStatsResponse {
            event_count: stats.event_count,
            quote_count: stats.quote_count,
            counterparts: stats
                .counterparts
                .into_iter()
                .map(|(entity, event_count)| Counterpart {
                    entity: readout_server::request::resource_name("entities", entity.id),
                    display_name: entity.display_name,
                    event_count,
                })
                .collect(),
        }))
    }
}
