//! What the registry is asked to resolve for one article: each entity the
//! extractor found, with the names the article uses for it, its role and its
//! country. The ingest worker sends these to the entity service, and the
//! entity service's read-only annotation looks them up, so both see the same
//! candidates for the same text.

use crate::entities::DocEntities;
use crate::lexicon::{EntityKind, Known, LEXICON};

/// One entity of an article, as the registry resolves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryEntry {
    /// The entity's canonical name in the article.
    pub name: String,
    /// Its type.
    pub kind: EntityKind,
    /// Other surface forms the article uses for it, in order of first use.
    pub aliases: Vec<String>,
    /// The titles the article gives it, in order of first sight.
    pub roles: Vec<String>,
    /// The country it belongs to: the one the article gives, or for a known
    /// place, the country the gazetteer puts it in (so the registry can tell
    /// that Bali and Indonesia agree while Bali and San Francisco do not).
    pub affiliation: Option<String>,
}

/// The registry entries of an article's entities, index for index with
/// `entities.entities`. `text` is the article the mentions point into.
pub fn entries(entities: &DocEntities, text: &str) -> Vec<RegistryEntry> {
    let mut aliases: Vec<Vec<String>> = vec![Vec::new(); entities.entities.len()];
    for mention in &entities.mentions {
        let entity = &entities.entities[mention.entity];
        let surface = mention.span.of(text);
        let seen = &mut aliases[mention.entity];
        if surface != entity.name && !seen.iter().any(|alias| alias == surface) {
            seen.push(surface.to_owned());
        }
    }
    entities
        .entities
        .iter()
        .zip(aliases)
        .map(|(entity, aliases)| RegistryEntry {
            name: entity.name.clone(),
            kind: entity.kind,
            aliases,
            roles: entity.roles.clone(),
            affiliation: entity
                .affiliation
                .clone()
                .or_else(|| place_country(&entity.name, entity.kind))
                .filter(|country| country != &entity.name),
        })
        .collect()
}

/// The country a known place lies in, from the gazetteer.
fn place_country(name: &str, kind: EntityKind) -> Option<String> {
    if !matches!(kind, EntityKind::Gpe | EntityKind::Loc) {
        return None;
    }
    LEXICON.lookup(name)?.iter().find_map(|known| match known {
        Known::Place {
            country: Some(country),
            is_country: false,
            ..
        } => Some(country.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    #[test]
    fn entries_carry_aliases_roles_and_countries() {
        let text = "Leaders Meet\n\nChinese Vice President Han Zheng met officials in Bali on Monday. Han said little.";
        let analysis = analyze(text, None);
        let entries = entries(&analysis.entities, text);
        assert_eq!(entries.len(), analysis.entities.entities.len());
        let han = entries
            .iter()
            .find(|entry| entry.name == "Han Zheng")
            .expect("Han Zheng found");
        assert_eq!(han.kind, EntityKind::Person);
        assert_eq!(han.roles, vec!["Vice President".to_owned()]);
        assert_eq!(han.affiliation.as_deref(), Some("China"));
        assert!(han.aliases.iter().any(|alias| alias == "Han"));
        let bali = entries
            .iter()
            .find(|entry| entry.name == "Bali")
            .expect("Bali found");
        assert_eq!(bali.affiliation.as_deref(), Some("Indonesia"));
    }
}
