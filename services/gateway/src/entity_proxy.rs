//! `readout.v1.EntityService` on the gateway, forwarded to the entity service:
//! registry lookups and curation (merge, alias, split) through the public
//! address. Who may call what is decided before a call gets here (`auth`:
//! curation and its records need the `curate` scope); curation calls carry the
//! principal's name on to the entity service, which records them.

use readout_proto::v1::entity_service_server::EntityService;
use readout_proto::v1::{
    AddEntityAliasRequest, AddEntityAliasResponse, AnnotateTextRequest, AnnotateTextResponse,
    BatchAnnotateTextsRequest, BatchAnnotateTextsResponse, GetEntityRequest, GetEntityResponse,
    ListCurationRecordsRequest, ListCurationRecordsResponse, ListEntitiesRequest,
    ListEntitiesResponse, MergeEntitiesRequest, MergeEntitiesResponse, SearchEntitiesRequest,
    SearchEntitiesResponse, SplitEntityAliasRequest, SplitEntityAliasResponse,
};
use readout_server::request::{caller_deadline, PRINCIPAL_HEADER};
use tonic::{Request, Response, Status};

use crate::downstream::{map_error, request, Clients};

/// The forwarding handler.
#[derive(Clone)]
pub struct EntityProxy {
    clients: Clients,
}

impl EntityProxy {
    /// A proxy over the downstream clients.
    pub fn new(clients: Clients) -> Self {
        EntityProxy { clients }
    }
}

/// The downstream request of a curation call: the message, the caller's
/// deadline, and the principal the gateway authenticated.
fn curation_request<T>(incoming: Request<T>) -> Request<T> {
    let deadline = caller_deadline(&incoming);
    let principal = incoming.metadata().get(PRINCIPAL_HEADER).cloned();
    let mut outbound = request(incoming.into_inner(), deadline);
    if let Some(principal) = principal {
        outbound.metadata_mut().insert(PRINCIPAL_HEADER, principal);
    }
    outbound
}

#[tonic::async_trait]
impl EntityService for EntityProxy {
    async fn annotate_text(
        &self,
        incoming: Request<AnnotateTextRequest>,
    ) -> Result<Response<AnnotateTextResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .annotate_text(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn batch_annotate_texts(
        &self,
        incoming: Request<BatchAnnotateTextsRequest>,
    ) -> Result<Response<BatchAnnotateTextsResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .batch_annotate_texts(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn get_entity(
        &self,
        incoming: Request<GetEntityRequest>,
    ) -> Result<Response<GetEntityResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .get_entity(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn search_entities(
        &self,
        incoming: Request<SearchEntitiesRequest>,
    ) -> Result<Response<SearchEntitiesResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .search_entities(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn list_entities(
        &self,
        incoming: Request<ListEntitiesRequest>,
    ) -> Result<Response<ListEntitiesResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .list_entities(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn merge_entities(
        &self,
        incoming: Request<MergeEntitiesRequest>,
    ) -> Result<Response<MergeEntitiesResponse>, Status> {
        let response = self
            .clients
            .entity
            .clone()
            .merge_entities(curation_request(incoming))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn add_entity_alias(
        &self,
        incoming: Request<AddEntityAliasRequest>,
    ) -> Result<Response<AddEntityAliasResponse>, Status> {
        let response = self
            .clients
            .entity
            .clone()
            .add_entity_alias(curation_request(incoming))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn split_entity_alias(
        &self,
        incoming: Request<SplitEntityAliasRequest>,
    ) -> Result<Response<SplitEntityAliasResponse>, Status> {
        let response = self
            .clients
            .entity
            .clone()
            .split_entity_alias(curation_request(incoming))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn list_curation_records(
        &self,
        incoming: Request<ListCurationRecordsRequest>,
    ) -> Result<Response<ListCurationRecordsResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .list_curation_records(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }
}
