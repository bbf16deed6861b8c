//! The gRPC handlers of `readout.v1.IngestService`.

use std::sync::Arc;

use readout_proto::v1::ingest_service_server::IngestService;
use readout_proto::v1::{
    GetArticleRequest, GetArticleResponse, SubmitArticleRequest, SubmitArticleResponse,
    SubmitArticlesRequest, SubmitArticlesResponse, SubmitArticlesResult,
};
use readout_server::request::{parse_resource_name, resource_name};
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
        StoreError::Database(
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed,
        ) => Status::unavailable("database unavailable, retry later; nothing was stored"),
        error => readout_server::status::internal("storing the article", error),
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
        let mut index = 0;
        while let Some(message) = stream.next().await {
            let message = message?;
            let result = match validate::article(
                message.article,
                &message.request_id,
                self.max_article_bytes,
            ) {
                Err(status) => SubmitArticlesResult {
                    index,
                    article: String::new(),
                    created: false,
                    error: status.message().to_owned(),
                },
                Ok(mut article) => {
                    article.trace_parent = readout_server::trace_context::current_traceparent();
                    let (record, created) = articles::insert_or_get(&self.pool, &article)
                        .await
                        .map_err(store_status)?;
                    if created {
                        created_count += 1;
                        self.wake.notify_one();
                    }
                    SubmitArticlesResult {
                        index,
                        article: resource_name("articles", record.id),
                        created,
                        error: String::new(),
                    }
                }
            };
            results.push(result);
            index += 1;
        }
        Ok(Response::new(SubmitArticlesResponse {
            results,
            created_count,
        }))
    }

    #[tracing::instrument(skip_all, fields(name = %request.get_ref().name))]
    async fn get_article(
        &self,
        request: Request<GetArticleRequest>,
    ) -> Result<Response<GetArticleResponse>, Status> {
        let id = parse_resource_name("name", "articles", &request.get_ref().name)?;
        let record = articles::get(&self.pool, id).await.map_err(store_status)?;
        Ok(Response::new(GetArticleResponse {
            article: Some(convert::article(&record)),
        }))
    }
}
