//! Helpers to build `tonic::Status` values that name the offending field.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// `INVALID_ARGUMENT` naming the field: the message is `"{field}: {problem}"`
/// and the details carry a `google.rpc.BadRequest` field violation, so clients
/// (and `grpcurl`) can point at the field programmatically.
pub fn invalid_argument(field: &str, problem: impl std::fmt::Display) -> Status {
    let problem = problem.to_string();
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {problem}"),
        ErrorDetails::with_bad_request_violation(field, problem),
    )
}

/// Opaque `INTERNAL` for a cause that was logged with its context.
pub fn internal(context: &str, cause: impl std::fmt::Display) -> Status {
    tracing::error!(error = %cause, context, "internal error");
    Status::internal(format!("internal error while {context}; see server logs"))
}
