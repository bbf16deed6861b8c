//! Helpers to build `tonic::Status` values that name the offending field.

use tonic::Status;

/// `INVALID_ARGUMENT` naming the field: `"{field}: {problem}"`.
pub fn invalid_argument(field: &str, problem: impl std::fmt::Display) -> Status {
    Status::invalid_argument(format!("{field}: {problem}"))
}

/// Opaque `INTERNAL` for a cause that was logged with its context.
pub fn internal(context: &str, cause: impl std::fmt::Display) -> Status {
    tracing::error!(error = %cause, context, "internal error");
    Status::internal(format!("internal error while {context}; see server logs"))
}
