//! The gRPC handlers of `readout.v1.QueryService`.

use std::pin::Pin;
use std::sync::Arc;

use readout_proto::v1::query_service_server::QueryService;
use readout_proto::v1::{
    Counterpart, GetEntityStatsRequest, GetEntityStatsResponse, ListEventsRequest,
    ListEventsResponse, ListQuotesRequest, ListQuotesResponse, WatchResultsRequest,
    WatchResultsResponse, WatchTarget,
};
use readout_server::request::{decode_cursor_token, encode_cursor_token, page_size};
use readout_server::shutdown::Draining;
use readout_server::status::invalid_argument;
use readout_server::watch_limits::{WatchLimits, WatchSlot};
use readout_store::reads::{
    entity_stats, list_events, list_quotes, EventFilter, Page, QuoteFilter,
};
use readout_store::{PgPool, StoreError};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::Stream;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::convert;
use crate::feed::{Processed, ProcessedFeed};
use crate::watch_groups::{Evaluate, Outcome, WatchGroups, WatchKey};

/// Handler state.
#[derive(Clone)]
pub struct QueryHandler {
    pool: PgPool,
    groups: WatchGroups,
    draining: Draining,
    watches: WatchLimits,
}

impl QueryHandler {
    /// A handler over `pool`; watch streams follow `feed`, end when the server
    /// drains, and are at most `watches` allows (per process: every client of
    /// this internal service is a gateway, which limits its own clients).
    pub fn new(
        pool: PgPool,
        feed: ProcessedFeed,
        draining: Draining,
        watches: WatchLimits,
    ) -> Self {
        // The subscriber gauge shows (at zero) from the first scrape.
        std::sync::LazyLock::force(&WATCH_SUBSCRIBERS);
        QueryHandler {
            pool,
            groups: WatchGroups::new(feed),
            draining,
            watches,
        }
    }
}

/// The same complaint, about another request field.
fn about_field(status: Status, field: &str) -> Status {
    if status.code() != tonic::Code::InvalidArgument {
        return status;
    }
    let problem = status
        .message()
        .split_once(": ")
        .map_or(status.message(), |(_, problem)| problem);
    invalid_argument(field, problem)
}

/// What one watch stream looks for.
struct Watch {
    events: Option<EventFilter>,
    quotes: Option<QuoteFilter>,
}

impl Watch {
    fn parse(request: &WatchResultsRequest) -> Result<Watch, Status> {
        let target = WatchTarget::try_from(request.target)
            .map_err(|_| invalid_argument("target", format!("unknown value {}", request.target)))?;
        let events = convert::event_filter(&request.event_filter)
            .map_err(|status| about_field(status, "event_filter"))?;
        if events.article.is_some() {
            return Err(invalid_argument(
                "event_filter",
                "`article` cannot be watched: every message is about one new article",
            ));
        }
        if request.quote_query.len() > 1000 || request.quote_query.contains('\0') {
            return Err(invalid_argument(
                "quote_query",
                "must be at most 1000 bytes of text (no NUL characters)",
            ));
        }
        let quotes = convert::quote_filter(&request.quote_query, &request.quote_filter)
            .map_err(|status| about_field(status, "quote_filter"))?;
        if quotes.article.is_some() {
            return Err(invalid_argument(
                "quote_filter",
                "`article` cannot be watched: every message is about one new article",
            ));
        }
        Ok(Watch {
            events: (target != WatchTarget::Quotes).then_some(events),
            quotes: (target != WatchTarget::Events).then_some(quotes),
        })
    }

    /// The entities each watched part names (events, then quotes; `None` for a
    /// part not watched). A part can match an article only if the article's
    /// results involve every entity it names.
    fn named_entities(&self) -> [Option<Vec<Uuid>>; 2] {
        let events = self.events.as_ref().map(|filter| {
            filter
                .participants
                .iter()
                .chain(&filter.sources)
                .chain(&filter.targets)
                .chain(&filter.countries)
                .chain(filter.place.iter())
                .copied()
                .collect()
        });
        let quotes = self.quotes.as_ref().map(|filter| {
            filter
                .speaker
                .iter()
                .chain(filter.speaker_affiliation.iter())
                .chain(filter.about.iter())
                .copied()
                .collect()
        });
        [events, quotes]
    }

    /// False when the article cannot match: every part of the watch names an
    /// entity the article's results do not involve. Spares the queries of
    /// watches that follow entities (most do: the gateway's `Watch` by entity)
    /// for the articles that are not about them.
    fn could_match(&self, processed: &Processed) -> bool {
        let Some(involved) = &processed.entities else {
            return true;
        };
        self.named_entities()
            .iter()
            .flatten()
            .any(|named| named.iter().all(|id| involved.contains(id)))
    }

    /// The entities to index the watch under (see [`WatchGroups::join`]): one
    /// named entity per watched part, or `None` when a part names none and so
    /// may match any article.
    fn index_entities(&self) -> Option<Vec<Uuid>> {
        self.named_entities()
            .into_iter()
            .flatten()
            .map(|named| named.first().copied())
            .collect()
    }

    /// The matching results of one processed article, if any.
    async fn matches(
        &self,
        pool: &PgPool,
        article: Uuid,
    ) -> Result<Option<WatchResultsResponse>, StoreError> {
        let page = Page::first(1000);
        let mut response = WatchResultsResponse {
            article: readout_server::request::resource_name("articles", article),
            events: Vec::new(),
            quotes: Vec::new(),
        };
        if let Some(filter) = &self.events {
            let filter = EventFilter {
                article: Some(article),
                ..filter.clone()
            };
            let listed = list_events(pool, &filter, page.clone()).await?;
            response.events = listed.items.iter().map(convert::event).collect();
        }
        if let Some(filter) = &self.quotes {
            let filter = QuoteFilter {
                article: Some(article),
                ..filter.clone()
            };
            let listed = list_quotes(pool, &filter, page).await?;
            response.quotes = listed.items.iter().map(convert::quote).collect();
        }
        Ok((!response.events.is_empty() || !response.quotes.is_empty()).then_some(response))
    }
}

/// Open Watch streams of this process (a Prometheus gauge).
static WATCH_SUBSCRIBERS: std::sync::LazyLock<readout_server::metrics::FloatGauge> =
    std::sync::LazyLock::new(|| {
        readout_server::metrics::gauge(
            "readout_query_watch_subscribers",
            "Open WatchResults streams",
            None,
        )
    });

/// Counts one open watch while it lives.
struct Subscribed;

impl Subscribed {
    fn new() -> Subscribed {
        WATCH_SUBSCRIBERS.inc();
        Subscribed
    }
}

impl Drop for Subscribed {
    fn drop(&mut self) {
        WATCH_SUBSCRIBERS.dec();
    }
}

/// Runs one watch until the client goes away, the server drains, its group
/// ends, or the client falls behind.
async fn run_watch(
    mut outcomes: broadcast::Receiver<Outcome>,
    mut draining: Draining,
    sender: mpsc::Sender<Result<WatchResultsResponse, Status>>,
    _slot: WatchSlot,
) {
    let _subscribed = Subscribed::new();
    loop {
        let outcome = tokio::select! {
            _ = sender.closed() => return,
            _ = draining.started() => {
                let _ = sender
                    .send(Err(Status::unavailable("the query service is shutting down; watch again")))
                    .await;
                return;
            }
            received = outcomes.recv() => match received {
                Ok(outcome) => outcome,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    let _ = sender
                        .send(Err(Status::aborted(format!(
                            "the watcher fell {missed} results behind; catch up with a search, then watch again"
                        ))))
                        .await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => {
                    let _ = sender
                        .send(Err(Status::unavailable("the processed-article feed stopped; watch again")))
                        .await;
                    return;
                }
            },
        };
        let (forwarded, ends) = match &*outcome {
            Ok(matched) => (Ok(matched.clone()), false),
            Err(status) => (Err(status.clone()), true),
        };
        if sender.send(forwarded).await.is_err() || ends {
            return;
        }
    }
}

fn store_status(error: StoreError) -> Status {
    match error {
        error if error.is_unavailable() => Status::unavailable("database unavailable, retry later"),
        StoreError::Database(sqlx::Error::Database(db))
            if db.code().as_deref() == Some("57014") =>
        {
            Status::deadline_exceeded("query cancelled: deadline exceeded")
        }
        StoreError::InvalidCursor => invalid_argument(
            "page_token",
            "not a token from a previous response with the same filter",
        ),
        error => readout_server::status::internal("reading from the store", error),
    }
}

#[tonic::async_trait]
impl QueryService for QueryHandler {
    type WatchResultsStream =
        Pin<Box<dyn Stream<Item = Result<WatchResultsResponse, Status>> + Send + 'static>>;

    #[tracing::instrument(skip_all, fields(event_filter = ?request.get_ref().event_filter, quote_filter = ?request.get_ref().quote_filter))]
    async fn watch_results(
        &self,
        request: Request<WatchResultsRequest>,
    ) -> Result<Response<Self::WatchResultsStream>, Status> {
        let watch = Arc::new(Watch::parse(request.get_ref())?);
        let watch_index = watch.clone();
        let slot = self.watches.admit(None)?;
        let pool = self.pool.clone();
        let evaluate: Evaluate = Arc::new(move |processed: Arc<Processed>| {
            let (watch, pool) = (watch.clone(), pool.clone());
            Box::pin(async move {
                if !watch.could_match(&processed) {
                    return Ok(None);
                }
                watch
                    .matches(&pool, processed.article)
                    .await
                    .map_err(store_status)
            })
        });
        // Join before answering, so nothing processed after the call is missed.
        let index = watch_index.index_entities();
        let outcomes = self
            .groups
            .join(WatchKey::of(request.get_ref()), index, evaluate);
        let (sender, receiver) = mpsc::channel(16);
        tokio::spawn(run_watch(outcomes, self.draining.clone(), sender, slot));
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(receiver),
        )))
    }

    #[tracing::instrument(skip_all, fields(filter = ?request.get_ref().filter))]
    async fn list_events(
        &self,
        request: Request<ListEventsRequest>,
    ) -> Result<Response<ListEventsResponse>, Status> {
        let request = request.into_inner();
        let filter = convert::event_filter(&request.filter)?;
        let limit = page_size(request.page_size, 20, 100)?;
        let after = decode_cursor_token(&request.page_token, &request.filter)?;
        let listed = list_events(&self.pool, &filter, Page { limit, after })
            .await
            .map_err(store_status)?;
        Ok(Response::new(ListEventsResponse {
            next_page_token: listed
                .next
                .map(|position| encode_cursor_token(&position, &request.filter))
                .unwrap_or_default(),
            events: listed.items.iter().map(convert::event).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(query = ?request.get_ref().query, filter = ?request.get_ref().filter))]
    async fn list_quotes(
        &self,
        request: Request<ListQuotesRequest>,
    ) -> Result<Response<ListQuotesResponse>, Status> {
        let request = request.into_inner();
        if request.query.len() > 1000 || request.query.contains('\0') {
            return Err(readout_server::status::invalid_argument(
                "query",
                "must be at most 1000 bytes of text (no NUL characters)",
            ));
        }
        let filter = convert::quote_filter(&request.query, &request.filter)?;
        let limit = page_size(request.page_size, 20, 100)?;
        let context = format!("{}|{}", request.query, request.filter);
        let after = decode_cursor_token(&request.page_token, &context)?;
        let listed = list_quotes(&self.pool, &filter, Page { limit, after })
            .await
            .map_err(store_status)?;
        Ok(Response::new(ListQuotesResponse {
            next_page_token: listed
                .next
                .map(|position| encode_cursor_token(&position, &context))
                .unwrap_or_default(),
            quotes: listed.items.iter().map(convert::quote).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(entity = ?request.get_ref().entity))]
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
