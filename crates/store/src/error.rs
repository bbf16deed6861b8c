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
    /// A curation that cannot apply to the entities as they are (merging
    /// entities of different types, splitting off an entity's own name).
    #[error("{0}")]
    Precondition(String),
    /// The database holds a value of a closed vocabulary this version does
    /// not know (a newer migration, or a row written by hand).
    #[error("unrecognised stored value: {0}")]
    Unrecognised(String),
    /// A page cursor that no list call produced.
    #[error("malformed page cursor")]
    InvalidCursor,
}

impl StoreError {
    /// True when the database could not be reached or is not accepting work
    /// (down, restarting, out of connections): the caller's request was fine and
    /// the same request can succeed later. The one rule every service maps to
    /// UNAVAILABLE, and by which the ingest worker tells an outage from a bad
    /// article.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(error) => match error {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                    // Class 08: connection exceptions; 57P01-57P03: shutdown or
                    // start-up in progress; 53300: too many connections.
                    code.starts_with("08")
                        || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
                }),
                _ => false,
            },
            _ => false,
        }
    }
}
