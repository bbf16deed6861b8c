//! The entity service's errors and their one mapping to gRPC status codes.

use readout_store::StoreError;
use tonic::Status;

/// Errors of the entity service.
#[derive(Debug, thiserror::Error)]
pub enum EntityError {
    /// The client sent a bad field.
    #[error("{field}: {message}")]
    InvalidArgument {
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No such entity.
    #[error("{0} not found")]
    NotFound(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<EntityError> for Status {
    fn from(error: EntityError) -> Status {
        match error {
            EntityError::InvalidArgument { field, message } => {
                readout_server::status::invalid_argument(&field, message)
            }
            EntityError::NotFound(what) => Status::not_found(format!("{what} not found")),
            EntityError::Store(StoreError::NotFound(what)) => {
                Status::not_found(format!("{what} not found"))
            }
            EntityError::Store(StoreError::Precondition(why)) => Status::failed_precondition(why),
            EntityError::Store(error) if error.is_unavailable() => {
                tracing::warn!(%error, "database unavailable");
                Status::unavailable("database unavailable, retry later")
            }
            EntityError::Store(error) => {
                readout_server::status::internal("accessing the entity registry", error)
            }
        }
    }
}
