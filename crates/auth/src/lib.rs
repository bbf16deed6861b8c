//! Who may call Readout, decided without I/O: the [`scope`]s a caller holds,
//! the format and digest of [`api_key`]s, [`jwt`] verification against an
//! issuer's keys, and the gateway's [`policy`] (which scope each method needs).
//! The gateway looks keys up in the store and applies these rules at its edge.

pub mod api_key;
pub mod jwt;
pub mod policy;
pub mod scope;

pub use policy::{required_scope, Requirement};
pub use scope::{Scope, Scopes};

/// Why a caller was not let in.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// No credentials where some are needed.
    #[error("this call needs credentials: send `authorization: Bearer <API key or JWT>`")]
    Missing,
    /// The credentials are not valid (unknown, revoked, malformed, expired, badly signed).
    #[error("invalid credentials: {0}")]
    Invalid(String),
    /// Valid credentials without the scope the call needs.
    #[error("{principal} lacks the `{needed}` scope this call needs")]
    Forbidden {
        /// Who called.
        principal: String,
        /// The scope needed.
        needed: Scope,
    },
    /// A configuration file could not be used.
    #[error("{0}")]
    Config(String),
}

/// An authenticated caller (or the anonymous one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// Who, as recorded in the curation records: `api-key:<name>`,
    /// `jwt:<issuer>#<subject>` or `anonymous`.
    pub name: String,
    /// What they may do.
    pub scopes: Scopes,
}

impl Principal {
    /// The anonymous caller, with the scopes an operator opened to everyone.
    pub fn anonymous(scopes: Scopes) -> Principal {
        Principal {
            name: "anonymous".into(),
            scopes,
        }
    }

    /// Allows the call when the principal holds `needed`.
    pub fn authorize(&self, needed: Scope) -> Result<(), AuthError> {
        if self.scopes.contains(needed) {
            Ok(())
        } else {
            Err(AuthError::Forbidden {
                principal: self.name.clone(),
                needed,
            })
        }
    }
}

/// The bearer token of an `authorization` header value, if it is one.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn a_principal_needs_the_scope() {
        let reader = Principal::anonymous(Scopes::from_iter([Scope::Read]));
        assert!(reader.authorize(Scope::Read).is_ok());
        assert_eq!(
            reader.authorize(Scope::Curate),
            Err(AuthError::Forbidden {
                principal: "anonymous".into(),
                needed: Scope::Curate
            })
        );
    }
}
