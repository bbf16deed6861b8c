//! The store's error type.

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or refused a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A referenced row does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A request conflicts with stored data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A page cursor that no list call produced.
    #[error("malformed page cursor")]
    InvalidCursor,
}
