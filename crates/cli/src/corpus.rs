//! A generator of realistic synthetic news articles for load tests and
//! benchmarks: people with titles and nationalities, organisations, places,
//! meetings, visits, calls, agreements, condemnations and sanctions, quotes with
//! attributions, captions and dates. Names are built from syllables and the
//! general gazetteer (countries, capitals), never taken from the seed articles.
//!
//! Articles retell a pool of underlying events, so the same event appears in
//! several articles, as in real news.

use readout_extract::lexicon::{Known, LEXICON};

/// A deterministic pseudo-random generator (xorshift), repeatable across runs.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `bound`.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    /// One of the items (a copy).
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const ONSETS: &[&str] = &[
    "b", "br", "ch", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "sh", "t", "v",
    "w", "y", "z",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ei", "ou", "ia"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "l", "m", "k", "t", "ng"];

fn name_word(rng: &mut Rng, syllables: usize) -> String {
    let mut word = String::new();
    for _ in 0..syllables {
        word.push_str(rng.pick(ONSETS));
        word.push_str(rng.pick(VOWELS));
        word.push_str(rng.pick(CODAS));
    }
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A person of the synthetic world.
#[derive(Clone, Debug)]
pub struct Person {
    /// Given name.
    pub given: String,
    /// Family name.
    pub family: String,
    /// Title.
    pub title: &'static str,
    /// Country (canonical name) and its demonym.
    pub country: (String, String),
}

impl Person {
    /// "Given Family".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
}

const TITLES: &[&str] = &[
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Trade Minister",
    "Vice President",
    "Secretary of State",
    "Ambassador",
];

/// The synthetic world: people, countries with capitals, and a pool of events.
#[derive(Clone, Debug)]
pub struct World {
    /// People.
    pub people: Vec<Person>,
    /// Countries with a demonym and a capital: (country, demonym, capital).
    pub countries: Vec<(String, String, String)>,
    /// Underlying events: (kind, person a, person b, capital index, day offset).
    pub events: Vec<(usize, usize, usize, usize, u32)>,
    /// The statement made at each underlying event (same index as `events`).
    pub event_quotes: Vec<String>,
}

impl World {
    /// A world of `people` people and `events` underlying events.
    pub fn new(rng: &mut Rng, people: usize, events: usize) -> World {
        let mut countries: Vec<(String, String, String)> = Vec::new();
        let mut capitals: Vec<(String, String)> = Vec::new();
        let mut demonyms: Vec<(String, String)> = Vec::new();
        for (phrase, meanings) in &LEXICON.phrases {
            for known in meanings {
                match known {
                    Known::Place {
                        canonical,
                        is_country: false,
                        country: Some(country),
                        ..
                    } if canonical == phrase => capitals.push((country.clone(), canonical.clone())),
                    Known::Demonym { country }
                        if !country.is_empty()
                            && !phrase.contains('.')
                            && phrase.chars().all(|c| c.is_alphabetic() || c == ' ') =>
                    {
                        demonyms.push((country.clone(), phrase.clone()))
                    }
                    _ => {}
                }
            }
        }
        capitals.sort();
        demonyms.sort();
        for (country, demonym) in &demonyms {
            if countries.iter().any(|(c, ..)| c == country) {
                continue;
            }
            if let Some((_, capital)) = capitals.iter().find(|(c, _)| c == country) {
                countries.push((country.clone(), demonym.clone(), capital.clone()));
            }
        }
        let people = (0..people)
            .map(|_| {
                let (country, demonym, _) = rng.pick(&countries);
                let family_syllables = 1 + rng.below(2);
                Person {
                    given: name_word(rng, 2),
                    family: name_word(rng, family_syllables),
                    title: rng.pick(TITLES),
                    country: (country, demonym),
                }
            })
            .collect::<Vec<_>>();
        let events = (0..events)
            .map(|_| {
                let a = rng.below(people.len());
                let mut b = rng.below(people.len());
                if b == a {
                    b = (b + 1) % people.len();
                }
                (
                    rng.below(6),
                    a,
                    b,
                    rng.below(countries.len()),
                    rng.below(700) as u32,
                )
            })
            .collect::<Vec<_>>();
        let event_quotes = events.iter().map(|_| quote_words(rng)).collect();
        World {
            people,
            countries,
            events,
            event_quotes,
        }
    }
}

fn date_words(day_offset: u32) -> (String, String) {
    let date = readout_extract::Ymd::from_days(
        readout_extract::Ymd {
            year: 2022,
            month: 1,
            day: 1,
        }
        .to_days()
            + i64::from(day_offset),
    );
    (
        format!(
            "{} {}, {}",
            readout_extract::dates::MONTH_NAMES[(date.month - 1) as usize],
            date.day,
            date.year
        ),
        date.format(),
    )
}

const QUOTE_SUBJECTS: &[&str] = &[
    "We",
    "Our government",
    "Both sides",
    "Our country",
    "This administration",
    "The people of our nation",
    "Our partners and we",
];

const QUOTE_VERBS: &[&str] = &[
    "will not accept",
    "are ready to discuss",
    "remain committed to",
    "strongly oppose",
    "welcome",
    "will keep pressing for",
    "cannot ignore",
    "have agreed to strengthen",
    "expect real progress on",
    "reject any attempt to undermine",
    "will defend",
    "are deeply concerned about",
];

const QUOTE_OBJECTS: &[&str] = &[
    "the new tariffs on steel",
    "cooperation on climate change",
    "the security of the region",
    "fair access to markets",
    "the talks on nuclear arms",
    "freedom of navigation in international waters",
    "export controls on advanced chips",
    "the humanitarian corridor",
    "the ceasefire agreement",
    "investment in clean energy",
    "the rights of workers",
    "stable supply chains",
    "the sanctions on our banks",
    "the military exercises near our border",
    "a fair trade deal",
    "the peace process",
    "food security for the poorest countries",
    "the fight against corruption",
];

const QUOTE_TAILS: &[&str] = &[
    "",
    "",
    " and we will say so clearly",
    " in the coming months",
    ", whatever others may claim",
    " because our people demand it",
    " at every level",
    ", and that will not change",
    " as long as it takes",
];

/// A quote built from general phrase lists: thousands of distinct sentences.
fn quote_words(rng: &mut Rng) -> String {
    format!(
        "{} {} {}{}",
        rng.pick(QUOTE_SUBJECTS),
        rng.pick(QUOTE_VERBS),
        rng.pick(QUOTE_OBJECTS),
        rng.pick(QUOTE_TAILS)
    )
}

/// One synthetic article: its text and publication date (`YYYY-MM-DD`).
pub fn article(world: &World, rng: &mut Rng, index: usize) -> (String, String) {
    let told = 1 + rng.below(3);
    let mut body = Vec::new();
    let mut headline = String::new();
    let mut published = String::new();
    for position in 0..told {
        let event_index = rng.below(world.events.len());
        let (kind, a, b, place, day) = world.events[event_index];
        let (pa, pb) = (&world.people[a], &world.people[b]);
        let (country, _, capital) = &world.countries[place];
        let (date_text, date_value) = date_words(day);
        if position == 0 {
            published = date_value;
            headline = format!("{} and {} hold talks in {}", pa.family, pb.family, capital);
        }
        let sentence = match kind {
            0 => format!(
                "{demonym_a} {title_a} {a_name} met {demonym_b} {title_b} {b_name} in {capital} on {date_text}.",
                demonym_a = pa.country.1,
                title_a = pa.title,
                a_name = pa.full_name(),
                demonym_b = pb.country.1,
                title_b = pb.title,
                b_name = pb.full_name(),
            ),
            1 => format!("{} {} {} visited {} on {}, meeting {} {}.", pa.country.1, pa.title, pa.full_name(), country, date_text, pb.title, pb.full_name()),
            2 => format!("{} {} {} held a phone call with {} {} {} on {}.", pa.country.1, pa.title, pa.full_name(), pb.country.1, pb.title, pb.full_name(), date_text),
            3 => format!("{} {} and {} {} agreed on {} to expand trade between their countries.", pa.title, pa.full_name(), pb.title, pb.full_name(), date_text),
            4 => format!("{} {} {} condemned {} on {} over its military drills.", pa.country.1, pa.title, pa.full_name(), pb.country.0, date_text),
            _ => format!("{} {} {} will visit {} next month, officials said on {}.", pa.country.1, pa.title, pa.full_name(), country, date_text),
        };
        body.push(sentence);
        // Half the retellings carry the event's own quote (the same words in
        // several articles, as when wires repeat a statement), half a new one.
        let quote = if rng.below(2) == 0 {
            world.event_quotes[event_index].clone()
        } else {
            quote_words(rng)
        };
        body.push(format!("\u{201c}{quote},\u{201d} {} said.", pa.family));
        body.push(format!(
            "{} also spoke about the economy, according to local media.",
            pb.family
        ));
    }
    let caption = format!(
        "Officials arrive for talks in {}. Photo: Wire",
        world.countries[rng.below(world.countries.len())].2
    );
    let text = format!("{headline} ({index})\n{caption}\n{}\n", body.join("\n"));
    (text, published)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_varied_and_extractable() {
        let mut rng = Rng::new(7);
        let world = World::new(&mut rng, 500, 200);
        assert!(world.countries.len() > 50);
        let (text, published) = article(&world, &mut rng, 1);
        assert_eq!(published.len(), 10);
        let analysis = readout_extract::analyze(&text, readout_extract::Ymd::parse(&published));
        assert!(!analysis.quotes.is_empty(), "{text}");
        assert!(
            analysis.quotes.iter().all(|q| q.speaker.is_some()),
            "{text}"
        );
        assert!(!analysis.events.is_empty(), "{text}");
    }

    #[test]
    fn quotes_vary_but_retellings_repeat_some() {
        let mut rng = Rng::new(11);
        let world = World::new(&mut rng, 200, 100);
        let mut quotes = Vec::new();
        for index in 0..300 {
            let (text, published) = article(&world, &mut rng, index);
            let analysis = readout_extract::analyze(&text, readout_extract::Ymd::parse(&published));
            quotes.extend(analysis.quotes.iter().map(|q| q.span.of(&text).to_owned()));
        }
        let total = quotes.len();
        quotes.sort();
        quotes.dedup();
        assert!(total > 300, "{total} quotes");
        assert!(
            quotes.len() > total / 2,
            "{} distinct of {total}",
            quotes.len()
        );
        assert!(quotes.len() < total, "no quote is retold");
    }
}
