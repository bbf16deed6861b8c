//! `readout.v1.IngestService` on the gateway, forwarded to the ingest service.

use readout_proto::v1::ingest_service_server::IngestService;
use readout_proto::v1::{
    GetArticleRequest, GetArticleResponse, SubmitArticleRequest, SubmitArticleResponse,
    SubmitArticlesRequest, SubmitArticlesResponse,
};
use readout_server::request::caller_deadline;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::{Request, Response, Status, Streaming};

use crate::downstream::{map_error, request, Clients};

/// How many SubmitArticles messages the gateway holds between the client
/// and the ingest service (each at most the largest article).
const FORWARD_WINDOW: usize = 8;

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
        // Forwarded as it arrives, through a window of FORWARD_WINDOW messages:
        // when the ingest service reads slowly the window fills, this stops
        // reading the client, and HTTP/2 flow control holds the client back, so
        // memory stays bounded however long the stream is.
        let mut inbound = incoming.into_inner();
        let (sender, receiver) = mpsc::channel(FORWARD_WINDOW);
        // On a broken client stream the reader reports the status and keeps its
        // sender open, so the ingest call never sees the stream end cleanly.
        let (broken, client_failed) = oneshot::channel::<Status>();
        tokio::spawn(async move {
            while let Some(message) = inbound.next().await {
                match message {
                    Ok(message) => {
                        if sender.send(message).await.is_err() {
                            return; // The ingest call ended.
                        }
                    }
                    Err(status) => {
                        let _ = broken.send(status);
                        // Never end the downstream stream cleanly: hold it open
                        // until the ingest call is cancelled (dropped).
                        sender.closed().await;
                        return;
                    }
                }
            }
        });
        let mut outbound = tonic::Request::new(ReceiverStream::new(receiver));
        outbound.set_timeout(std::time::Duration::from_secs(300));
        readout_server::trace_context::inject_current(outbound.metadata_mut());
        let mut ingest = self.clients.ingest.clone();
        let call = ingest.submit_articles(outbound);
        tokio::pin!(call);
        tokio::select! {
            biased;
            // A broken client stream fails the call instead of truncating it:
            // dropping the ingest call cancels it (what it committed so far is
            // stored, and a resubmission with the same request ids is idempotent).
            Ok(status) = client_failed => Err(status),
            response = &mut call => Ok(Response::new(
                response.map_err(map_error("ingest"))?.into_inner(),
            )),
        }
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
