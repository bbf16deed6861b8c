//! `readout.v1.EntityService` on the gateway, forwarded to the entity service:
//! registry lookups and curation (merge, alias) through the public address.

use readout_proto::v1::entity_service_server::EntityService;
use readout_proto::v1::{
    AddEntityAliasRequest, AddEntityAliasResponse, AnnotateTextRequest, AnnotateTextResponse,
    BatchAnnotateTextsRequest, BatchAnnotateTextsResponse, GetEntityRequest, GetEntityResponse,
    ListEntitiesRequest, ListEntitiesResponse, MergeEntitiesRequest, MergeEntitiesResponse,
    SearchEntitiesRequest, SearchEntitiesResponse, SplitEntityAliasRequest,
    SplitEntityAliasResponse,
};
use readout_server::request::caller_deadline;
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
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .merge_entities(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn add_entity_alias(
        &self,
        incoming: Request<AddEntityAliasRequest>,
    ) -> Result<Response<AddEntityAliasResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .add_entity_alias(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }

    async fn split_entity_alias(
        &self,
        incoming: Request<SplitEntityAliasRequest>,
    ) -> Result<Response<SplitEntityAliasResponse>, Status> {
        let deadline = caller_deadline(&incoming);
        let response = self
            .clients
            .entity
            .clone()
            .split_entity_alias(request(incoming.into_inner(), deadline))
            .await
            .map_err(map_error("entity"))?;
        Ok(Response::new(response.into_inner()))
    }
}
