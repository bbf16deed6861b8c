//! The gateway's policy: the scope each public method needs. One table, so a
//! new method is refused until someone decides who may call it.

use crate::Scope;

/// What a call needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Nothing: health checks and server reflection (what the API looks like).
    Open,
    /// A principal holding this scope.
    Scope(Scope),
    /// The gateway does not serve the method to anyone.
    Refused,
}

/// The requirement of a gRPC call by its path (`/package.Service/Method`).
pub fn required_scope(path: &str) -> Requirement {
    let Some((service, method)) = path.trim_start_matches('/').split_once('/') else {
        return Requirement::Refused;
    };
    match service {
        "grpc.health.v1.Health"
        | "grpc.reflection.v1.ServerReflection"
        | "grpc.reflection.v1alpha.ServerReflection" => Requirement::Open,
        "readout.v1.GatewayService" => Requirement::Scope(Scope::Read),
        "readout.v1.IngestService" => match method {
            "SubmitArticle" | "SubmitArticles" => Requirement::Scope(Scope::Ingest),
            "GetArticle" => Requirement::Scope(Scope::Read),
            _ => Requirement::Refused,
        },
        "readout.v1.EntityService" => match method {
            "MergeEntities" | "AddEntityAlias" | "SplitEntityAlias" | "ListCurationRecords" => {
                Requirement::Scope(Scope::Curate)
            }
            "AnnotateText" | "BatchAnnotateTexts" | "GetEntity" | "SearchEntities"
            | "ListEntities" => Requirement::Scope(Scope::Read),
            _ => Requirement::Refused,
        },
        _ => Requirement::Refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_public_method_needs_its_scope() {
        assert_eq!(
            required_scope("/grpc.health.v1.Health/Check"),
            Requirement::Open
        );
        assert_eq!(
            required_scope("/readout.v1.GatewayService/GetEntityProfile"),
            Requirement::Scope(Scope::Read)
        );
        assert_eq!(
            required_scope("/readout.v1.IngestService/SubmitArticles"),
            Requirement::Scope(Scope::Ingest)
        );
        assert_eq!(
            required_scope("/readout.v1.EntityService/MergeEntities"),
            Requirement::Scope(Scope::Curate)
        );
        assert_eq!(
            required_scope("/readout.v1.EntityResolverService/ResolveEntities"),
            Requirement::Refused
        );
        assert_eq!(
            required_scope("/readout.v1.EntityService/NewMethod"),
            Requirement::Refused
        );
        assert_eq!(required_scope("garbage"), Requirement::Refused);
    }
}
