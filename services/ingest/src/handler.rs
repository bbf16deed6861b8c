//! The gRPC handlers of `readout.v1.IngestService`.

use std::sync::Arc;

use readout_proto::v1::ingest_service_server::IngestService;
use readout_proto::v1::{
    ArticleState, ArticleView, GetArticleRequest, GetArticleResponse, SubmitArticleRequest,
    SubmitArticleResponse, SubmitArticlesRequest, SubmitArticlesResponse, SubmitArticlesResult,
};
use readout_server::request::{parse_resource_name, resource_name};
use readout_store::articles::NewArticle;
use readout_store::{articles, PgPool, StoreError};
use tokio::sync::Notify;
use tokio_stream::StreamExt;
use tonic::{Request, Response, Status, Streaming};

use crate::{convert, validate};

/// Handler state.
#[derive(Clone)]
pub struct IngestHandler {
    pool: PgPool,
    max_article_bytes: usize,
    wake: Arc<Notify>,
}

impl IngestHandler {
    /// A handler over `pool`; `wake` rouses idle workers after a submit.
    pub fn new(pool: PgPool, max_article_bytes: usize, wake: Arc<Notify>) -> Self {
        IngestHandler {
            pool,
            max_article_bytes,
            wake,
        }
    }
}

fn store_status(error: StoreError) -> Status {
    match error {
        StoreError::NotFound(what) => Status::not_found(format!("{what} not found")),
        error if error.is_unavailable() => {
            Status::unavailable("database unavailable, retry later; nothing was stored")
        }
        error => readout_server::status::internal("storing the article", error),
    }
}

/// Most articles stored in one transaction by SubmitArticles.
const SUBMIT_CHUNK_ARTICLES: usize = 100;
/// Most article bytes held before they are stored by SubmitArticles.
const SUBMIT_CHUNK_BYTES: usize = 4 * 1024 * 1024;

impl IngestHandler {
    /// Stores the pending articles of a SubmitArticles stream in one
    /// transaction, appends their results and returns how many were new.
    async fn store_chunk(
        &self,
        pending: &mut Vec<(i32, NewArticle)>,
        results: &mut Vec<SubmitArticlesResult>,
    ) -> Result<i32, Status> {
        let (indexes, batch): (Vec<i32>, Vec<NewArticle>) =
            std::mem::take(pending).into_iter().unzip();
        let stored = articles::insert_or_get_many(&self.pool, &batch)
            .await
            .map_err(store_status)?;
        let mut created_count = 0;
        for (index, (record, created)) in indexes.into_iter().zip(stored) {
            if created {
                created_count += 1;
            }
            results.push(SubmitArticlesResult {
                index,
                article: resource_name("articles", record.id),
                created,
                error: String::new(),
            });
        }
        if created_count > 0 {
            self.wake.notify_waiters();
            self.wake.notify_one();
        }
        Ok(created_count)
    }
}

#[tonic::async_trait]
impl IngestService for IngestHandler {
    #[tracing::instrument(skip_all, fields(bytes = request.get_ref().article.as_ref().map_or(0, |a| a.text.len())))]
    async fn submit_article(
        &self,
        request: Request<SubmitArticleRequest>,
    ) -> Result<Response<SubmitArticleResponse>, Status> {
        let request = request.into_inner();
        let mut article =
            validate::article(request.article, &request.request_id, self.max_article_bytes)?;
        article.trace_parent = readout_server::trace_context::current_traceparent();
        let (record, created) = articles::insert_or_get(&self.pool, &article)
            .await
            .map_err(store_status)?;
        if created {
            self.wake.notify_one();
            tracing::info!(article = %record.id, "article accepted");
        }
        Ok(Response::new(SubmitArticleResponse {
            article: Some(convert::article(&record)),
            created,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn submit_articles(
        &self,
        request: Request<Streaming<SubmitArticlesRequest>>,
    ) -> Result<Response<SubmitArticlesResponse>, Status> {
        let mut stream = request.into_inner();
        let mut results = Vec::new();
        let mut created_count = 0;
        // Valid articles waiting to be stored, with their index in the stream:
        // stored together (one commit) every SUBMIT_CHUNK articles or bytes.
        let mut pending: Vec<(i32, NewArticle)> = Vec::new();
        let mut pending_bytes = 0;
        let mut index = 0;
        loop {
            let message = stream.next().await.transpose()?;
            let full =
                pending.len() >= SUBMIT_CHUNK_ARTICLES || pending_bytes >= SUBMIT_CHUNK_BYTES;
            if (message.is_none() || full) && !pending.is_empty() {
                created_count += self.store_chunk(&mut pending, &mut results).await?;
                pending_bytes = 0;
            }
            let Some(message) = message else { break };
            match validate::article(message.article, &message.request_id, self.max_article_bytes) {
                Err(status) => results.push(SubmitArticlesResult {
                    index,
                    article: String::new(),
                    created: false,
                    error: status.message().to_owned(),
                }),
                Ok(mut article) => {
                    article.trace_parent = readout_server::trace_context::current_traceparent();
                    pending_bytes += article.body.len();
                    pending.push((index, article));
                }
            }
            index += 1;
        }
        results.sort_by_key(|result| result.index);
        Ok(Response::new(SubmitArticlesResponse {
            results,
            created_count,
        }))
    }

    #[tracing::instrument(skip_all, fields(name = ?request.get_ref().name))]
    async fn get_article(
        &self,
        request: Request<GetArticleRequest>,
    ) -> Result<Response<GetArticleResponse>, Status> {
        let request = request.into_inner();
        let id = parse_resource_name("name", "articles", &request.name)?;
        let view = ArticleView::try_from(request.view).map_err(|_| {
            readout_server::status::invalid_argument(
                "view",
                format!("unknown article view {}", request.view),
            )
        })?;
        let stored = articles::get(&self.pool, id).await.map_err(store_status)?;
        let article = convert::article(&stored);
        let record = if view == ArticleView::Full && article.state == ArticleState::Done as i32 {
            Some(
                crate::record::article_record(&self.pool, id)
                    .await
                    .map_err(store_status)?,
            )
        } else {
            None
        };
        Ok(Response::new(GetArticleResponse {
            article: Some(article),
            record,
        }))
    }
}
