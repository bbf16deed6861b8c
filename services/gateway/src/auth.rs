//! Who may call the gateway: every call to a Readout method needs a principal
//! holding the method's scope (`readout_auth::policy`). Callers present an
//! API key (looked up in the store by its public part, compared by digest) or
//! a JWT of the configured issuer as `authorization: Bearer …`; callers with
//! no credentials are the anonymous principal, holding only the scopes an
//! operator opened (`READOUT_ANONYMOUS_SCOPES`, none by default). Denials are
//! UNAUTHENTICATED (no, unknown, revoked, expired or badly signed credentials)
//! and PERMISSION_DENIED (valid credentials without the scope). The
//! credentials never travel further: downstream services receive the
//! principal's name in `x-readout-principal` (for the curation records).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use readout_auth::{
    api_key, bearer, jwt, required_scope, AuthError, Principal, Requirement, Scopes,
};
use readout_server::gate::Gate;
use readout_server::request::PRINCIPAL_HEADER;
use readout_store::PgPool;
use tonic::codegen::http;
use tonic::Status;

/// How long a looked-up key (or its absence) is trusted before the store is
/// asked again: a revoked key stops working within this time.
const KEY_CACHE_TTL: Duration = Duration::from_secs(10);
/// Most keys remembered (the cache starts again beyond).
const KEY_CACHE_MAX: usize = 10_000;

/// A cached key lookup: the key's digest, name and scopes, or nothing.
type CachedKey = Option<(Vec<u8>, String, Scopes)>;

/// The gateway's authentication and authorisation.
pub struct Authenticator {
    keys: Option<PgPool>,
    jwt: Option<jwt::Verifier>,
    anonymous: Scopes,
    cache: Mutex<HashMap<String, (Instant, CachedKey)>>,
}

impl Authenticator {
    /// Keys from `keys` (when given), JWTs verified by `jwt` (when given),
    /// `anonymous` for callers without credentials.
    pub fn new(keys: Option<PgPool>, jwt: Option<jwt::Verifier>, anonymous: Scopes) -> Self {
        Authenticator {
            keys,
            jwt,
            anonymous,
            cache: Mutex::default(),
        }
    }

    /// The principal `token` names.
    async fn authenticate(&self, token: &str) -> Result<Principal, Status> {
        if let Some(id) = api_key::key_id(token) {
            let Some(pool) = &self.keys else {
                return Err(unauthenticated(AuthError::Invalid(
                    "this gateway accepts no API keys".into(),
                )));
            };
            let (digest, name, scopes) = self.lookup(pool, id).await?.ok_or_else(|| {
                unauthenticated(AuthError::Invalid("unknown or revoked API key".into()))
            })?;
            if !api_key::matches(token, &digest) {
                return Err(unauthenticated(AuthError::Invalid(
                    "unknown or revoked API key".into(),
                )));
            }
            return Ok(Principal {
                name: format!("api-key:{name}"),
                scopes,
            });
        }
        match &self.jwt {
            Some(verifier) => verifier.verify(token).map_err(unauthenticated),
            None => Err(unauthenticated(AuthError::Invalid(
                "not an API key, and this gateway accepts no JWTs".into(),
            ))),
        }
    }

    async fn lookup(&self, pool: &PgPool, id: &str) -> Result<CachedKey, Status> {
        if let Some((at, cached)) = self.lock().get(id) {
            if at.elapsed() < KEY_CACHE_TTL {
                return Ok(cached.clone());
            }
        }
        let found = readout_store::access::find_key(pool, id)
            .await
            .map_err(|error| {
                tracing::warn!(%error, "cannot look up an API key");
                Status::unavailable("cannot check credentials now; retry with backoff")
            })?
            .filter(|key| key.revoked_at.is_none())
            .map(|key| {
                (
                    key.token_sha256,
                    key.name,
                    Scopes::known(key.scopes.iter().map(String::as_str)),
                )
            });
        let mut cache = self.lock();
        if cache.len() >= KEY_CACHE_MAX {
            cache.clear();
        }
        cache.insert(id.to_owned(), (Instant::now(), found.clone()));
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, CachedKey)>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A principal's name as a header value: printable ASCII as it is, anything
/// else (a JWT subject in another script, a control character) escaped as
/// `\u{…}`, so every caller is recorded under a name that says who they are.
fn header_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c.to_string()
            } else {
                c.escape_unicode().to_string()
            }
        })
        .collect()
}

fn unauthenticated(error: AuthError) -> Status {
    Status::unauthenticated(error.to_string())
}

impl Gate for Authenticator {
    fn admit<'a>(
        &'a self,
        path: &'a str,
        headers: &'a mut http::HeaderMap,
    ) -> Pin<Box<dyn Future<Output = Result<(), Status>> + Send + 'a>> {
        Box::pin(async move {
            // Whatever a client claims, downstream learns the principal from us only.
            headers.remove(PRINCIPAL_HEADER);
            let needed = match required_scope(path) {
                Requirement::Open => return Ok(()),
                Requirement::Refused => {
                    return Err(Status::unimplemented(format!(
                        "{} is not served by the gateway",
                        path.trim_start_matches('/')
                    )))
                }
                Requirement::Scope(scope) => scope,
            };
            let presented = headers.get(http::header::AUTHORIZATION).map(|value| {
                value
                    .to_str()
                    .ok()
                    .and_then(bearer)
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        unauthenticated(AuthError::Invalid(
                            "the authorization header is not `Bearer <token>`".into(),
                        ))
                    })
            });
            let principal = match presented {
                Some(token) => self.authenticate(&token?).await?,
                None if self.anonymous.contains(needed) => Principal::anonymous(self.anonymous),
                None => return Err(unauthenticated(AuthError::Missing)),
            };
            principal
                .authorize(needed)
                .map_err(|error| Status::permission_denied(error.to_string()))?;
            headers.remove(http::header::AUTHORIZATION);
            if let Ok(name) = http::HeaderValue::from_str(&header_safe(&principal.name)) {
                headers.insert(PRINCIPAL_HEADER, name);
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_names_become_header_values_whatever_their_script() {
        assert_eq!(header_safe("api-key:ci"), "api-key:ci");
        assert_eq!(
            header_safe("jwt:https://id.example#ana lima"),
            "jwt:https://id.example#ana lima"
        );
        let escaped = header_safe("jwt:https://id.example#José\n");
        assert_eq!(escaped, "jwt:https://id.example#Jos\\u{e9}\\u{a}");
        assert!(http::HeaderValue::from_str(&escaped).is_ok());
    }
}
