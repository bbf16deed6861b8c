//! `readout.v1.GatewayService`: aggregated lookups. Names resolve through the
//! entity service; events and quotes come from the query service; independent
//! calls run concurrently under the caller's deadline.

use std::pin::Pin;
use std::time::Duration;

use readout_proto::v1::gateway_service_server::GatewayService;
use readout_proto::v1::{
    Entity, EntityType, GetEntityProfileRequest, GetEntityProfileResponse, GetEntityRequest,
    GetEntityStatsRequest, GetRelationshipRequest, GetRelationshipResponse, ListEventsRequest,
    ListQuotesRequest, SearchEntitiesRequest, SearchEventsRequest, SearchEventsResponse,
    SearchQuotesRequest, SearchQuotesResponse, WatchRequest, WatchResponse, WatchResultsRequest,
};
use readout_server::request::caller_deadline;
use readout_server::shutdown::Draining;
use readout_server::status::invalid_argument;
use readout_server::watch_limits::{WatchLimits, WatchSlot};
use tokio::sync::mpsc;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use crate::downstream::{map_error, request, Clients};

/// Handler state.
#[derive(Clone)]
pub struct GatewayHandler {
    clients: Clients,
    draining: Draining,
    watches: WatchLimits,
}

impl GatewayHandler {
    /// A handler over the downstream clients; watch streams end when the server
    /// drains, and at most `watches` allows are open.
    pub fn new(clients: Clients, draining: Draining, watches: WatchLimits) -> Self {
        GatewayHandler {
            clients,
            draining,
            watches,
        }
    }

    /// Resolves a resource name or a name ("Blinken") to an entity.
    async fn resolve_entity(
        &self,
        field: &str,
        value: &str,
        deadline: Option<Duration>,
    ) -> Result<Entity, Status> {
        let value = value.trim();
        if value.is_empty() {
            return Err(invalid_argument(field, "must not be empty"));
        }
        if value.contains('\0') || value.chars().count() > 200 {
            return Err(invalid_argument(
                field,
                "must be at most 200 characters of text (no NUL characters)",
            ));
        }
        if value.starts_with("entities/") {
            let response = self
                .clients
                .entity
                .clone()
                .get_entity(request(
                    GetEntityRequest {
                        name: value.to_owned(),
                    },
                    deadline,
                ))
                .await
                .map_err(|status| match status.code() {
                    tonic::Code::InvalidArgument => invalid_argument(field, status.message()),
                    _ => map_error("entity")(status),
                })?;
            return response
                .into_inner()
                .entity
                .ok_or_else(|| Status::not_found(format!("{value} not found")));
        }
        let search = SearchEntitiesRequest {
            query: value.to_owned(),
            r#type: 0,
            page_size: 1,
            page_token: String::new(),
        };
        let response = self
            .clients
            .entity
            .clone()
            .search_entities(request(search, deadline))
            .await
            .map_err(map_error("entity"))?;
        response
            .into_inner()
            .entities
            .into_iter()
            .next()
            .ok_or_else(|| Status::not_found(format!("no entity named {value:?}")))
    }
}

fn join_filter(parts: &[String], user_filter: &str) -> String {
    let mut all: Vec<String> = parts.to_vec();
    if !user_filter.trim().is_empty() {
        all.push(user_filter.trim().to_owned());
    }
    all.join(" AND ")
}

/// Forwards a downstream watch stream until it ends, the client goes away or the gateway drains.
async fn forward_watch(
    mut downstream: tonic::Streaming<readout_proto::v1::WatchResultsResponse>,
    mut draining: Draining,
    sender: mpsc::Sender<Result<WatchResponse, Status>>,
    _slot: WatchSlot,
) {
    loop {
        let item = tokio::select! {
            _ = sender.closed() => return,
            _ = draining.started() => {
                let _ = sender
                    .send(Err(Status::unavailable("the gateway is shutting down; watch again")))
                    .await;
                return;
            }
            item = downstream.next() => item,
        };
        let forwarded = match item {
            None => return,
            Some(Ok(results)) => Ok(WatchResponse {
                article: results.article,
                events: results.events,
                quotes: results.quotes,
            }),
            Some(Err(status)) => Err(map_error("query")(status)),
        };
        let failed = forwarded.is_err();
        if sender.send(forwarded).await.is_err() || failed {
            return;
        }
    }
}

#[tonic::async_trait]
impl GatewayService for GatewayHandler {
    type WatchStream = Pin<Box<dyn Stream<Item = Result<WatchResponse, Status>> + Send + 'static>>;

    #[tracing::instrument(skip_all, fields(entity = ?incoming.get_ref().entity))]
    async fn watch(
        &self,
        incoming: Request<WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let deadline = caller_deadline(&incoming);
        let slot = self
            .watches
            .admit(incoming.remote_addr().map(|addr| addr.ip()))?;
        let message = incoming.into_inner();
        let entity = match message.entity.trim() {
            "" => None,
            value => Some(self.resolve_entity("entity", value, deadline).await?),
        };
        let participant: Vec<String> = entity
            .iter()
            .map(|e| format!("participant = \"{}\"", e.name))
            .collect();
        let speaker: Vec<String> = entity
            .iter()
            .map(|e| format!("speaker = \"{}\"", e.name))
            .collect();
        let mut outbound = tonic::Request::new(WatchResultsRequest {
            event_filter: join_filter(&participant, &message.event_filter),
            quote_query: message.quote_query,
            quote_filter: join_filter(&speaker, &message.quote_filter),
            target: message.target,
        });
        // A watch lives as long as the caller wants: only the caller's own deadline bounds it.
        if let Some(deadline) = deadline {
            outbound.set_timeout(deadline);
        }
        readout_server::trace_context::inject_current(outbound.metadata_mut());
        let downstream = self
            .clients
            .query
            .clone()
            .watch_results(outbound)
            .await
            .map_err(map_error("query"))?
            .into_inner();
        let (sender, receiver) = mpsc::channel(16);
        tokio::spawn(forward_watch(
            downstream,
            self.draining.clone(),
            sender,
            slot,
        ));
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(receiver),
        )))
    }

    #[tracing::instrument(skip_all, fields(entity = ?incoming.get_ref().entity))]
    async fn get_entity_profile(
        &self,
        incoming: Request<GetEntityProfileRequest>,
    ) -> Result<Response<GetEntityProfileResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let message = incoming.into_inner();
        if message.recent_limit < 0 {
            return Err(invalid_argument("recent_limit", "must not be negative"));
        }
        let limit = if message.recent_limit == 0 {
            10
        } else {
            message.recent_limit.min(100)
        };
        let entity = self
            .resolve_entity("entity", &message.entity, deadline)
            .await?;
        let events = ListEventsRequest {
            filter: format!("participant = \"{}\"", entity.name),
            page_size: limit,
            page_token: String::new(),
        };
        let quotes = ListQuotesRequest {
            query: String::new(),
            filter: format!("speaker = \"{}\"", entity.name),
            page_size: limit,
            page_token: String::new(),
        };
        let stats = GetEntityStatsRequest {
            entity: entity.name.clone(),
            counterpart_limit: 10,
        };
        let mut query_events = self.clients.query.clone();
        let mut query_quotes = self.clients.query.clone();
        let mut query_stats = self.clients.query.clone();
        let (events, quotes, stats) = tokio::join!(
            query_events.list_events(request(events, deadline)),
            query_quotes.list_quotes(request(quotes, deadline)),
            query_stats.get_entity_stats(request(stats, deadline)),
        );
        let stats = stats.map_err(map_error("query"))?.into_inner();
        Ok(Response::new(GetEntityProfileResponse {
            entity: Some(entity),
            recent_events: events.map_err(map_error("query"))?.into_inner().events,
            recent_quotes: quotes.map_err(map_error("query"))?.into_inner().quotes,
            event_count: stats.event_count,
            quote_count: stats.quote_count,
            counterparts: stats.counterparts,
        }))
    }

    #[tracing::instrument(skip_all, fields(participant = ?incoming.get_ref().participant))]
    async fn search_events(
        &self,
        incoming: Request<SearchEventsRequest>,
    ) -> Result<Response<SearchEventsResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let message = incoming.into_inner();
        let resolve = |field: &'static str, value: &str| {
            let value = value.trim().to_owned();
            async move {
                match value.as_str() {
                    "" => Ok(None),
                    value => self.resolve_entity(field, value, deadline).await.map(Some),
                }
            }
        };
        let (participant, counterpart, source, target) = tokio::join!(
            resolve("participant", &message.participant),
            resolve("counterpart", &message.counterpart),
            resolve("source", &message.source),
            resolve("target", &message.target),
        );
        let parts: Vec<String> = [
            ("participant", participant?),
            ("participant", counterpart?),
            ("source", source?),
            ("target", target?),
        ]
        .into_iter()
        .filter_map(|(field, entity)| entity.map(|e| format!("{field} = \"{}\"", e.name)))
        .collect();
        let filter = join_filter(&parts, &message.filter);
        let list = ListEventsRequest {
            filter,
            page_size: message.page_size,
            page_token: message.page_token,
        };
        let response = self
            .clients
            .query
            .clone()
            .list_events(request(list, deadline))
            .await
            .map_err(map_error("query"))?
            .into_inner();
        Ok(Response::new(SearchEventsResponse {
            events: response.events,
            next_page_token: response.next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(query = ?incoming.get_ref().query, speaker = ?incoming.get_ref().speaker))]
    async fn search_quotes(
        &self,
        incoming: Request<SearchQuotesRequest>,
    ) -> Result<Response<SearchQuotesResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let message = incoming.into_inner();
        let speaker = match message.speaker.trim() {
            "" => None,
            value => Some(self.resolve_entity("speaker", value, deadline).await?),
        };
        let parts: Vec<String> = speaker
            .into_iter()
            .map(|e| format!("speaker = \"{}\"", e.name))
            .collect();
        let filter = join_filter(&parts, &message.filter);
        let list = ListQuotesRequest {
            query: message.query,
            filter,
            page_size: message.page_size,
            page_token: message.page_token,
        };
        let response = self
            .clients
            .query
            .clone()
            .list_quotes(request(list, deadline))
            .await
            .map_err(map_error("query"))?
            .into_inner();
        Ok(Response::new(SearchQuotesResponse {
            quotes: response.quotes,
            next_page_token: response.next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(first = ?incoming.get_ref().first, second = ?incoming.get_ref().second))]
    async fn get_relationship(
        &self,
        incoming: Request<GetRelationshipRequest>,
    ) -> Result<Response<GetRelationshipResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let message = incoming.into_inner();
        if message.limit < 0 {
            return Err(invalid_argument("limit", "must not be negative"));
        }
        let limit = if message.limit == 0 {
            20
        } else {
            message.limit.min(100)
        };
        let (first, second) = tokio::join!(
            self.resolve_entity("first", &message.first, deadline),
            self.resolve_entity("second", &message.second, deadline),
        );
        let (first, second) = (first?, second?);
        if first.name == second.name {
            return Err(invalid_argument(
                "second",
                "must name a different entity than first",
            ));
        }
        // A country stands for itself and everyone affiliated with it.
        let side = |entity: &Entity| {
            if entity.r#type == EntityType::Gpe as i32 {
                format!("country = \"{}\"", entity.name)
            } else {
                format!("participant = \"{}\"", entity.name)
            }
        };
        let speaker = |entity: &Entity| {
            if entity.r#type == EntityType::Gpe as i32 {
                format!("speaker_affiliation = \"{}\"", entity.name)
            } else {
                format!("speaker = \"{}\"", entity.name)
            }
        };
        let events = ListEventsRequest {
            filter: format!("{} AND {}", side(&first), side(&second)),
            page_size: limit,
            page_token: String::new(),
        };
        let first_on_second = ListQuotesRequest {
            query: String::new(),
            filter: format!("{} AND about = \"{}\"", speaker(&first), second.name),
            page_size: limit,
            page_token: String::new(),
        };
        let second_on_first = ListQuotesRequest {
            query: String::new(),
            filter: format!("{} AND about = \"{}\"", speaker(&second), first.name),
            page_size: limit,
            page_token: String::new(),
        };
        let (mut a, mut b, mut c) = (
            self.clients.query.clone(),
            self.clients.query.clone(),
            self.clients.query.clone(),
        );
        let (events, first_quotes, second_quotes) = tokio::join!(
            a.list_events(request(events, deadline)),
            b.list_quotes(request(first_on_second, deadline)),
            c.list_quotes(request(second_on_first, deadline)),
        );
        Ok(Response::new(GetRelationshipResponse {
            events: events.map_err(map_error("query"))?.into_inner().events,
            first_on_second: first_quotes
                .map_err(map_error("query"))?
                .into_inner()
                .quotes,
            second_on_first: second_quotes
                .map_err(map_error("query"))?
                .into_inner()
                .quotes,
            first: Some(first),
            second: Some(second),
        }))
    }
}
