//! `readout.v1.EntityService` on the gateway, forwarded to the entity service:
//! registry lookups and curation (merge, alias) through the public address.
//! Curation changes the registry, so the gateway forwards it only for callers
//! that present the operator's curation token (`READOUT_CURATION_TOKEN`) as a
//! bearer token; without a configured token curation is closed here.

use readout_proto::v1::entity_service_server::EntityService;
use readout_proto::v1::{
    AddEntityAliasRequest, AddEntityAliasResponse, AnnotateTextRequest, AnnotateTextResponse,
    BatchAnnotateTextsRequest, BatchAnnotateTextsResponse, GetEntityRequest, GetEntityResponse,
    ListEntitiesRequest, ListEntitiesResponse, MergeEntitiesRequest, MergeEntitiesResponse,
    SearchEntitiesRequest, SearchEntitiesResponse, SplitEntityAliasRequest,
    SplitEntityAliasResponse,
};
use readout_server::request::caller_deadline;
use readout_server::Secret;
use tonic::{Request, Response, Status};

use crate::downstream::{map_error, request, Clients};

/// The forwarding handler.
#[derive(Clone)]
pub struct EntityProxy {
    clients: Clients,
    curation_token: Option<Secret>,
}

impl EntityProxy {
    /// A proxy over the downstream clients; curation needs `curation_token`.
    pub fn new(clients: Clients, curation_token: Option<Secret>) -> Self {
        EntityProxy {
            clients,
            curation_token,
        }
    }

    /// Lets a curation call through only with the configured bearer token.
    fn authorize_curation<T>(&self, incoming: &Request<T>) -> Result<(), Status> {
        let Some(expected) = &self.curation_token else {
            return Err(Status::permission_denied(
                "curation is closed on this gateway: an operator sets READOUT_CURATION_TOKEN \
                 and callers send it as `authorization: Bearer <token>`",
            ));
        };
        let presented = incoming
            .metadata()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        match presented {
            None => Err(Status::unauthenticated(
                "curation needs `authorization: Bearer <curation token>`",
            )),
            Some(token) if constant_time_eq(token.as_bytes(), expected.expose().as_bytes()) => {
                Ok(())
            }
            Some(_) => Err(Status::permission_denied(
                "the bearer token does not allow curation",
            )),
        }
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
        self.authorize_curation(&incoming)?;
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
        self.authorize_curation(&incoming)?;
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
        self.authorize_curation(&incoming)?;
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
