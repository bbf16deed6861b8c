//! The general word lists the extractor uses, shipped in `data/` and parsed once:
//! countries with their other names and demonyms, places, organisations known by
//! acronym, titles, and capitalised words that are not names.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// FxHash, the hasher of `rustc` (per 8-byte word: rotate, xor, multiply),
/// written here rather than taken as a dependency: fast and deterministic for
/// the string keys of the shipped word lists. SipHash's defence against chosen
/// keys buys nothing for tables whose keys are fixed lists: article words are
/// only looked up in them, never inserted.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut rest = chunks.remainder();
        if rest.len() >= 4 {
            let mut word = [0u8; 4];
            word.copy_from_slice(&rest[..4]);
            self.add(u64::from(u32::from_le_bytes(word)));
            rest = &rest[4..];
        }
        for &b in rest {
            self.add(u64::from(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map over [`FxHasher`], for fixed word lists.
pub type FastHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A hash set over [`FxHasher`], for fixed word lists.
pub type FastHashSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

/// The entity types the extractor assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation.
    Org,
    /// A country, city or region with a government.
    Gpe,
    /// A sea, strait, continent or broad region.
    Loc,
    /// The proper name of a specific gathering.
    EventName,
}

impl EntityKind {
    /// The gold-schema spelling: `PERSON`, `ORG`, `GPE`, `LOC`, `EVENT_NAME`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "PERSON",
            EntityKind::Org => "ORG",
            EntityKind::Gpe => "GPE",
            EntityKind::Loc => "LOC",
            EntityKind::EventName => "EVENT_NAME",
        }
    }
}

/// What a known phrase is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known {
    /// A country or place name, with its canonical name and kind; `country` is the
    /// canonical country it lies in (itself for a country).
    Place {
        /// Canonical name.
        canonical: String,
        /// GPE or LOC.
        kind: EntityKind,
        /// The country it lies in, if any.
        country: Option<String>,
        /// True for countries.
        is_country: bool,
    },
    /// A demonym or national adjective ("Chinese") of a country.
    Demonym {
        /// The canonical country.
        country: String,
    },
    /// An organisation, with its canonical name.
    Org {
        /// Canonical name.
        canonical: String,
    },
    /// A title ("Vice President"), with its expansion.
    Title {
        /// The expanded title, empty for courtesy titles (Mr., Ms.).
        expanded: String,
    },
}

/// All word lists, keyed by phrase (exact case, words separated by single spaces).
pub struct Lexicon {
    /// Known phrases; several meanings are possible for one phrase (e.g. "US").
    pub phrases: FastHashMap<String, Vec<Known>>,
    /// The longest known phrase, in words.
    pub max_words: usize,
    /// Lowercase words that are never names when capitalised.
    pub common_words: FastHashSet<String>,
    /// Lowercase title words, for role nouns in lower case ("spokesperson").
    pub lowercase_titles: FastHashSet<String>,
    /// Every capitalised word of a title ("Secretary", "State", "Vice").
    pub title_words: FastHashSet<String>,
    /// Abbreviations of common nouns ("GDP", "SUV", "MVP"), without dots.
    pub common_acronyms: FastHashSet<String>,
}

impl Lexicon {
    /// The meanings of a phrase, if known.
    pub fn lookup(&self, phrase: &str) -> Option<&[Known]> {
        self.phrases.get(phrase).map(Vec::as_slice)
    }

    /// True for a word that belongs to a title ("Secretary", "State").
    pub fn is_title_word(&self, word: &str) -> bool {
        self.title_words.contains(word)
    }

    /// True for an abbreviation of a common noun ("GDP", "G.D.P.", "SUVs"): it
    /// names no entity (`data/common_acronyms.txt`).
    pub fn is_common_acronym(&self, word: &str) -> bool {
        if word.contains('.') {
            self.common_acronyms.contains(&word.replace('.', ""))
        } else {
            self.common_acronyms.contains(word)
        }
    }

    /// True for a Titlecase word whose lowercase form is a common non-name word.
    pub fn is_common_word(&self, word: &str) -> bool {
        self.common_words.contains(&word.to_lowercase())
    }
}

fn add(phrases: &mut FastHashMap<String, Vec<Known>>, phrase: &str, known: Known) {
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    if phrase.is_empty() {
        return;
    }
    let entry = phrases.entry(phrase).or_default();
    if !entry.contains(&known) {
        entry.push(known);
    }
}

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn build() -> Lexicon {
    let mut phrases: FastHashMap<String, Vec<Known>> = FastHashMap::default();
    for line in data_lines(include_str!("../data/countries.txt")) {
        let (names, demonyms) = line.split_once(';').unwrap_or((line, ""));
        let mut names = names
            .split('|')
            .map(str::trim)
            .filter(|name| !name.is_empty());
        let Some(canonical) = names.next() else {
            continue;
        };
        let place = Known::Place {
            canonical: canonical.to_owned(),
            kind: EntityKind::Gpe,
            country: Some(canonical.to_owned()),
            is_country: true,
        };
        add(&mut phrases, canonical, place.clone());
        for name in names {
            add(&mut phrases, name, place.clone());
        }
        for demonym in demonyms.split('|').map(str::trim).filter(|d| !d.is_empty()) {
            add(
                &mut phrases,
                demonym,
                Known::Demonym {
                    country: canonical.to_owned(),
                },
            );
        }
    }
    for line in data_lines(include_str!("../data/places.txt")) {
        let mut fields = line.split('|').map(str::trim);
        let (Some(name), Some(kind), Some(country)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let kind = if kind == "LOC" {
            EntityKind::Loc
        } else {
            EntityKind::Gpe
        };
        let country = (country != "-").then(|| country.to_owned());
        add(
            &mut phrases,
            name,
            Known::Place {
                canonical: name.to_owned(),
                kind,
                country,
                is_country: false,
            },
        );
    }
    for line in data_lines(include_str!("../data/organizations.txt")) {
        let mut names = line
            .split('|')
            .map(str::trim)
            .filter(|name| !name.is_empty());
        let Some(canonical) = names.next() else {
            continue;
        };
        let org = Known::Org {
            canonical: canonical.to_owned(),
        };
        add(&mut phrases, canonical, org.clone());
        for name in names {
            add(&mut phrases, name, org.clone());
        }
    }
    let mut lowercase_titles = FastHashSet::default();
    let mut title_words = FastHashSet::default();
    for line in data_lines(include_str!("../data/titles.txt")) {
        let (title, expanded) = match line.split_once("=>") {
            Some((title, expanded)) => (title.trim(), expanded.trim().to_owned()),
            None => (line, line.to_owned()),
        };
        add(
            &mut phrases,
            title,
            Known::Title {
                expanded: expanded.clone(),
            },
        );
        if !expanded.is_empty() {
            title_words.extend(
                title
                    .split_whitespace()
                    .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                    .map(str::to_owned),
            );
        }
        if !expanded.is_empty() && !title.contains('.') && title.chars().any(char::is_lowercase) {
            lowercase_titles.insert(title.to_lowercase());
        }
    }
    let common_words = data_lines(include_str!("../data/common_words.txt"))
        .flat_map(str::split_whitespace)
        .map(str::to_owned)
        .collect();
    let common_acronyms = data_lines(include_str!("../data/common_acronyms.txt"))
        .flat_map(str::split_whitespace)
        .map(str::to_owned)
        .collect();
    for line in data_lines(include_str!("../data/adjectives.txt")) {
        add(
            &mut phrases,
            line,
            Known::Demonym {
                country: String::new(),
            },
        );
    }
    let max_words = phrases
        .keys()
        .map(|phrase| phrase.split(' ').count())
        .max()
        .unwrap_or(1);
    Lexicon {
        phrases,
        max_words,
        common_words,
        lowercase_titles,
        title_words,
        common_acronyms,
    }
}

/// The shared lexicon, parsed on first use.
pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(build);

/// Head words that make a capitalised phrase an organisation.
pub const ORG_HEADS: &[&str] = &[
    "Administration",
    "Agency",
    "Airlines",
    "Alliance",
    "Army",
    "Assembly",
    "Association",
    "Authority",
    "Bank",
    "Board",
    "Broadcasting",
    "Bureau",
    "Cabinet",
    "Center",
    "Centre",
    "Club",
    "College",
    "Command",
    "Commission",
    "Committee",
    "Company",
    "Congress",
    "Corp",
    "Corporation",
    "Council",
    "Court",
    "Department",
    "Embassy",
    "Federation",
    "Force",
    "Forces",
    "Foundation",
    "Fund",
    "Government",
    "Group",
    "Guard",
    "House",
    "Inc",
    "Institute",
    "Institution",
    "League",
    "Ltd",
    "Media",
    "Ministry",
    "Mission",
    "Movement",
    "Navy",
    "Network",
    "News",
    "Office",
    "Organisation",
    "Organization",
    "Parliament",
    "Party",
    "Police",
    "Post",
    "Press",
    "Senate",
    "Service",
    "Society",
    "Times",
    "Tribunal",
    "Union",
    "University",
    "Agency",
];

/// Head words that make a capitalised phrase the name of a gathering.
pub const EVENT_HEADS: &[&str] = &[
    "Summit",
    "Meeting",
    "Forum",
    "Conference",
    "Retreat",
    "Dialogue",
    "Olympics",
    "Games",
    "Expo",
    "Congress",
];

/// Generic organisation names that need their country to be specific
/// ("Foreign Ministry" in a Chinese context is the Chinese Foreign Ministry).
pub const GENERIC_ORG_WORDS: &[&str] = &[
    "Foreign",
    "Defense",
    "Defence",
    "Commerce",
    "Trade",
    "Finance",
    "Interior",
    "Justice",
    "Ministry",
    "Embassy",
    "Mission",
    "Government",
    "Army",
    "Navy",
    "Military",
    "Parliament",
    "Cabinet",
    "Affairs",
    "of",
    "State",
    "Department",
    "Coast",
    "Guard",
    "Air",
    "Force",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_knows_countries_demonyms_titles() {
        let lexicon = &*LEXICON;
        assert!(matches!(
            lexicon.lookup("U.S.").unwrap()[0],
            Known::Place {
                is_country: true,
                ..
            }
        ));
        assert!(lexicon
            .lookup("Chinese")
            .unwrap()
            .iter()
            .any(|k| matches!(k, Known::Demonym { .. })));
        assert!(lexicon.lookup("Vice President").is_some());
        assert!(lexicon.is_common_word("However"));
        assert!(lexicon.max_words >= 3);
    }
}
