//! JWTs from an identity provider the operator trusts: verified against the
//! issuer's public keys (a JWKS document the operator mounts as a file), with
//! the configured issuer and audience, an expiry, and Readout's scopes in the
//! `scope` claim (space-separated, as OAuth 2.0 writes it) or `scp` (a list or
//! a string). RSA (RS256/384/512, PS256/384/512), ECDSA (ES256/384) and EdDSA
//! keys; shared-secret (HS*) tokens are refused.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::{AuthError, Principal, Scopes};

/// Seconds of clock difference tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;

/// Verifies tokens of one issuer.
#[derive(Clone)]
pub struct Verifier {
    issuer: String,
    audience: String,
    keys: JwkSet,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("keys", &self.keys.keys.len())
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ScopeClaim {
    Spaced(String),
    Listed(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    scope: Option<ScopeClaim>,
    #[serde(default)]
    scp: Option<ScopeClaim>,
}

impl Verifier {
    /// A verifier for tokens of `issuer` meant for `audience`, signed by a key of
    /// the JWKS document `jwks` (JSON).
    pub fn new(issuer: &str, audience: &str, jwks: &str) -> Result<Verifier, AuthError> {
        let keys: JwkSet = serde_json::from_str(jwks).map_err(|error| {
            AuthError::Config(format!("the JWKS document is not valid: {error}"))
        })?;
        if keys.keys.is_empty() {
            return Err(AuthError::Config("the JWKS document holds no key".into()));
        }
        for key in &keys.keys {
            DecodingKey::from_jwk(key).map_err(|error| {
                AuthError::Config(format!("a key of the JWKS document cannot verify: {error}"))
            })?;
        }
        Ok(Verifier {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            keys,
        })
    }

    /// The caller a valid token names, with the Readout scopes it grants.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let invalid = |why: &str| AuthError::Invalid(format!("JWT: {why}"));
        let header = decode_header(token).map_err(|_| invalid("not a well-formed token"))?;
        if matches!(
            header.alg,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        ) {
            return Err(invalid("shared-secret (HS*) tokens are not accepted"));
        }
        let jwk = match &header.kid {
            Some(kid) => self
                .keys
                .find(kid)
                .ok_or_else(|| invalid("signed by a key the issuer's JWKS does not hold"))?,
            None if self.keys.keys.len() == 1 => &self.keys.keys[0],
            None => return Err(invalid("no `kid` to choose among the issuer's keys")),
        };
        let key = DecodingKey::from_jwk(jwk).map_err(|_| invalid("unusable key"))?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data =
            decode::<Claims>(token, &key, &validation).map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => invalid("the token has expired"),
                ErrorKind::ImmatureSignature => invalid("the token is not valid yet"),
                ErrorKind::InvalidIssuer => invalid("issued by another issuer"),
                ErrorKind::InvalidAudience => invalid("meant for another audience"),
                ErrorKind::InvalidSignature => invalid("the signature does not verify"),
                ErrorKind::MissingRequiredClaim(claim) => invalid(&format!("no `{claim}` claim")),
                ErrorKind::InvalidAlgorithm => invalid("the algorithm does not match the key"),
                _ => invalid("cannot be verified"),
            })?;
        let names = |claim: &Option<ScopeClaim>| -> Vec<String> {
            match claim {
                Some(ScopeClaim::Spaced(spaced)) => {
                    spaced.split_whitespace().map(str::to_owned).collect()
                }
                Some(ScopeClaim::Listed(listed)) => listed.clone(),
                None => Vec::new(),
            }
        };
        let mut granted = names(&data.claims.scope);
        granted.extend(names(&data.claims.scp));
        Ok(Principal {
            name: format!("jwt:{}#{}", self.issuer, data.claims.sub),
            scopes: Scopes::known(granted.iter().map(String::as_str)),
        })
    }
}

/// An issuer for tests and local trials: an ECDSA P-256 key pair, its JWKS
/// document, and tokens signed with it.
#[cfg(any(test, feature = "test-issuer"))]
pub mod test_issuer {
    use base64::Engine;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

    /// A signing key and the JWKS that publishes its public half (kid `test-1`).
    pub struct TestIssuer {
        key: EncodingKey,
        /// The JWKS document.
        pub jwks: String,
    }

    impl TestIssuer {
        /// A new random key.
        pub fn new() -> TestIssuer {
            let random = SystemRandom::new();
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &random)
                .expect("key generation");
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &random)
                    .expect("key pair");
            let point = pair.public_key().as_ref();
            let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            let jwks = serde_json::json!({"keys": [{
                "kty": "EC", "crv": "P-256", "kid": "test-1", "alg": "ES256", "use": "sig",
                "x": b64(&point[1..33]), "y": b64(&point[33..65]),
            }]})
            .to_string();
            TestIssuer {
                key: EncodingKey::from_ec_der(pkcs8.as_ref()),
                jwks,
            }
        }

        /// A token with these claims (`iss`, `aud`, `sub`, `exp`, `scope`...).
        pub fn token(&self, claims: &serde_json::Value) -> String {
            let mut header = Header::new(jsonwebtoken::Algorithm::ES256);
            header.kid = Some("test-1".into());
            encode(&header, claims, &self.key).expect("signing")
        }
    }

    impl Default for TestIssuer {
        fn default() -> Self {
            TestIssuer::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_issuer::TestIssuer;
    use super::*;
    use crate::Scope;

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn tokens_are_verified_with_issuer_audience_expiry_and_scopes() {
        let issuer = TestIssuer::new();
        let verifier = Verifier::new("https://id.example", "readout", &issuer.jwks).unwrap();
        let claims = |exp: u64, aud: &str, scope: &str| serde_json::json!({"iss": "https://id.example", "aud": aud, "sub": "ana", "exp": exp, "scope": scope});
        let good = verifier
            .verify(&issuer.token(&claims(now() + 600, "readout", "openid read curate")))
            .unwrap();
        assert_eq!(good.name, "jwt:https://id.example#ana");
        assert!(good.scopes.contains(Scope::Read) && good.scopes.contains(Scope::Curate));
        assert!(!good.scopes.contains(Scope::Ingest));
        let expired = verifier.verify(&issuer.token(&claims(now() - 600, "readout", "read")));
        assert_eq!(
            expired,
            Err(AuthError::Invalid("JWT: the token has expired".into()))
        );
        assert!(verifier
            .verify(&issuer.token(&claims(now() + 600, "other", "read")))
            .is_err());
        let stranger = TestIssuer::new();
        assert!(verifier
            .verify(&stranger.token(&claims(now() + 600, "readout", "read")))
            .is_err());
        assert!(verifier.verify("not.a.token").is_err());
    }
}
