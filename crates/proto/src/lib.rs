//! Generated code for the `readout.v1` gRPC API, and the encoded file
//! descriptor set that server reflection serves. This is the only crate that
//! compiles protos; services depend on it.

/// The `readout.v1` package: messages, clients and servers.
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("readout.v1");
}

/// The encoded `FileDescriptorSet` of every `readout.v1` file (with imports and
/// source comments, so `grpcurl describe` shows the documentation).
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/readout_descriptor.bin"));

/// Fully qualified gRPC service names, as health checks and reflection name them.
pub mod service_names {
    /// `readout.v1.IngestService`.
    pub const INGEST: &str = "readout.v1.IngestService";
    /// `readout.v1.EntityService`.
    pub const ENTITY: &str = "readout.v1.EntityService";
    /// `readout.v1.EntityResolverService` (internal: served by the entity service only).
    pub const ENTITY_RESOLVER: &str = "readout.v1.EntityResolverService";
    /// `readout.v1.QueryService`.
    pub const QUERY: &str = "readout.v1.QueryService";
    /// `readout.v1.GatewayService`.
    pub const GATEWAY: &str = "readout.v1.GatewayService";
}
