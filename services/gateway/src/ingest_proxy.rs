//! `readout.v1.IngestService` on the gateway, forwarded to the ingest service.

use readout_proto::v1::ingest_service_server::IngestService;
use readout_proto::v1::{
    GetArticleRequest, GetArticleResponse, SubmitArticleRequest, SubmitArticleResponse,
    SubmitArticlesRequest, SubmitArticlesResponse,
};
use readout_server::request::caller_deadline;
use tokio_stream::StreamExt;
use tonic::{Request, Response, Status, Streaming};

use crate::downstream::{map_error, request, Clients};

/// The forwarding handler.
#[derive(Clone)]
pub struct IngestProxy {
    clients: Clients,
}

impl IngestProxy {
    /// A proxy over the downstream clients.
    pub fn new(clients: Clients) -> Self {
        IngestProxy { clients }
    }
}

#[tonic::async_trait]
impl IngestService for IngestProxy {
    async fn submit_article(
        &self,
        incoming: Request<SubmitArticleRequest>,
    ) -> Result<Response<SubmitArticleResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .ingest
            .clone()
            .submit_article(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("ingest"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn submit_articles(
        &self,
        incoming: Request<Streaming<SubmitArticlesRequest>>,
    ) -> Result<Response<SubmitArticlesResponse>, Status> {
        // Read the whole client stream first, so a broken client stream fails the
        // call instead of silently truncating it downstream.
        let mut stream = incoming.into_inner();
        let mut messages = Vec::new();
        while let Some(message) = stream.next().await {
            messages.push(message?);
        }
        let mut outbound = tonic::Request::new(tokio_stream::iter(messages));
        outbound.set_timeout(std::time::Duration::from_secs(300));
        readout_server::trace_context::inject_current(outbound.metadata_mut());
        let response = self
            .clients
            .ingest
            .clone()
            .submit_articles(outbound)
            .await
            .map_err(map_error("ingest"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn get_article(
        &self,
        incoming: Request<GetArticleRequest>,
    ) -> Result<Response<GetArticleResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .ingest
            .clone()
            .get_article(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("ingest"))?;
        Ok(Response::new(response.into_inner()))
    }
}
