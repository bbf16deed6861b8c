//! Scopes: what a caller may do. `read` (lookups, searches, Watch), `ingest`
//! (submitting articles), `curate` (changing the registry: merge, alias, split;
//! reading the curation records).

use std::fmt;
use std::str::FromStr;

/// One scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Lookups, searches, Watch.
    Read,
    /// Submitting articles.
    Ingest,
    /// Changing the registry and reading the curation records.
    Curate,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Ingest, Scope::Curate];

    /// Its name in keys, tokens and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Ingest => "ingest",
            Scope::Curate => "curate",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;
    /// `read`, `ingest` or `curate`, also with a `readout:` or `readout.` prefix
    /// (how identity providers often namespace scopes).
    fn from_str(value: &str) -> Result<Scope, String> {
        let bare = value
            .strip_prefix("readout:")
            .or_else(|| value.strip_prefix("readout."))
            .unwrap_or(value);
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == bare)
            .ok_or_else(|| format!("unknown scope {value:?} (read, ingest or curate)"))
    }
}

/// A set of scopes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scopes(u8);

impl Scopes {
    /// No scope.
    pub const NONE: Scopes = Scopes(0);

    /// Whether `scope` is in the set.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & (1 << scope as u8) != 0
    }

    /// The scopes named in `names`; names that are no scope of Readout are
    /// ignored (a token carries other services' scopes too).
    pub fn known<'a>(names: impl IntoIterator<Item = &'a str>) -> Scopes {
        names
            .into_iter()
            .filter_map(|name| name.parse().ok())
            .collect()
    }

    /// The names of the scopes in the set.
    pub fn names(self) -> Vec<String> {
        Scope::ALL
            .into_iter()
            .filter(|scope| self.contains(*scope))
            .map(|scope| scope.as_str().to_owned())
            .collect()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Scopes {
        Scopes(
            scopes
                .into_iter()
                .fold(0, |bits, scope| bits | (1 << scope as u8)),
        )
    }
}

impl FromStr for Scopes {
    type Err = String;
    /// A comma- or space-separated list (`read,ingest`); every name must be a scope.
    fn from_str(value: &str) -> Result<Scopes, String> {
        value
            .split([',', ' '])
            .filter(|name| !name.is_empty())
            .map(str::parse::<Scope>)
            .collect()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_print() {
        let scopes: Scopes = "read,curate".parse().unwrap();
        assert!(scopes.contains(Scope::Read) && scopes.contains(Scope::Curate));
        assert!(!scopes.contains(Scope::Ingest));
        assert_eq!(scopes.to_string(), "read,curate");
        assert!("read,admin".parse::<Scopes>().is_err());
        assert_eq!("".parse::<Scopes>().unwrap(), Scopes::NONE);
        assert_eq!(
            Scopes::known(["openid", "readout:ingest", "profile"]),
            Scopes::from_iter([Scope::Ingest])
        );
    }
}
