//! The reporting-verb lexicon: the cues of attributions ("said", "told",
//! "called it", "according to"), from `data/reporting_verbs.txt`, with every
//! inflection derived from the base form.

use crate::lexicon::FastHashMap;
use std::sync::LazyLock;

/// The grammatical form a cue word was matched in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueForm {
    /// "say": a cue only after an auxiliary, "to" or a pronoun ("they say").
    Base,
    /// "says": not after a determiner ("the claims").
    ThirdPerson,
    /// "said", "told".
    Past,
    /// "saying".
    Participle,
    /// A fixed phrase ("according to").
    Phrase,
}

/// One entry: the words after the first and the form.
#[derive(Clone, Debug)]
pub struct CueEntry {
    /// The following words, lower case.
    pub rest: Vec<&'static str>,
    /// The form of the first word.
    pub form: CueForm,
    /// The lemma ("say").
    pub lemma: &'static str,
}

/// The lexicon: first word → entries, longest first.
pub struct CueLexicon {
    entries: FastHashMap<String, Vec<CueEntry>>,
}

fn third_person(base: &str) -> String {
    let consonant_y =
        base.ends_with('y') && !base[..base.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ies", &base[..base.len() - 1])
    } else if base.ends_with(['s', 'x', 'z', 'o']) || base.ends_with("sh") || base.ends_with("ch") {
        format!("{base}es")
    } else {
        format!("{base}s")
    }
}

fn regular_past(base: &str) -> String {
    let consonant_y =
        base.ends_with('y') && !base[..base.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ied", &base[..base.len() - 1])
    } else if base.ends_with('e') {
        format!("{base}d")
    } else {
        format!("{base}ed")
    }
}

fn participle(base: &str, past: &str) -> String {
    // A doubled consonant in the past doubles here too: quipped → quipping.
    if let Some(stem) = past.strip_suffix("ed") {
        let bytes = stem.as_bytes();
        if stem.len() == base.len() + 1
            && bytes.len() >= 2
            && bytes[bytes.len() - 1] == bytes[bytes.len() - 2]
        {
            return format!("{stem}ing");
        }
    }
    if let Some(stem) = base.strip_suffix("ie") {
        format!("{stem}ying")
    } else if base.ends_with('e')
        && !base.ends_with("ee")
        && !base.ends_with("ye")
        && base.len() > 2
    {
        format!("{}ing", &base[..base.len() - 1])
    } else {
        format!("{base}ing")
    }
}

fn build() -> CueLexicon {
    let mut entries: FastHashMap<String, Vec<CueEntry>> = FastHashMap::default();
    let mut add = |word: String, rest: Vec<&'static str>, form: CueForm, lemma: &'static str| {
        let list = entries.entry(word).or_default();
        if !list.iter().any(|e| e.rest == rest && e.form == form) {
            list.push(CueEntry { rest, form, lemma });
        }
    };
    let data: &'static str = include_str!("../data/reporting_verbs.txt");
    for line in data.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(phrase) = line.strip_prefix('=') {
            let mut words = phrase.split_whitespace();
            let Some(first) = words.next() else { continue };
            add(first.to_owned(), words.collect(), CueForm::Phrase, first);
            continue;
        }
        let (forms, particle) = match line.split_once('+') {
            Some((forms, particle)) => (forms, particle.split_whitespace().collect::<Vec<_>>()),
            None => (line, Vec::new()),
        };
        let mut forms = forms.split_whitespace();
        let Some(base) = forms.next() else { continue };
        let past = forms
            .next()
            .map_or_else(|| regular_past(base), str::to_owned);
        let past_participle = forms.next().map(str::to_owned);
        add(base.to_owned(), particle.clone(), CueForm::Base, base);
        add(
            third_person(base),
            particle.clone(),
            CueForm::ThirdPerson,
            base,
        );
        add(
            participle(base, &past),
            particle.clone(),
            CueForm::Participle,
            base,
        );
        if let Some(pp) = past_participle {
            add(pp, particle.clone(), CueForm::Past, base);
        }
        add(past, particle, CueForm::Past, base);
    }
    for list in entries.values_mut() {
        list.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
    }
    CueLexicon { entries }
}

/// The shared lexicon.
pub static CUE_LEXICON: LazyLock<CueLexicon> = LazyLock::new(build);

impl CueLexicon {
    /// The entries whose first word is `word` (lower case).
    pub fn get(&self, word: &str) -> &[CueEntry] {
        self.entries.get(word).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_are_derived() {
        let lexicon = &*CUE_LEXICON;
        for (word, form) in [
            ("said", CueForm::Past),
            ("says", CueForm::ThirdPerson),
            ("saying", CueForm::Participle),
            ("quipped", CueForm::Past),
            ("quipping", CueForm::Participle),
            ("criticizes", CueForm::ThirdPerson),
            ("denies", CueForm::ThirdPerson),
            ("denied", CueForm::Past),
            ("told", CueForm::Past),
            ("arguing", CueForm::Participle),
            ("stresses", CueForm::ThirdPerson),
        ] {
            assert!(
                lexicon.get(word).iter().any(|e| e.form == form),
                "{word} as {form:?}"
            );
        }
        assert!(lexicon.get("pointed").iter().any(|e| e.rest == ["out"]));
        assert!(lexicon.get("according").iter().any(|e| e.rest == ["to"]));
        assert!(lexicon.get("the").is_empty());
    }
}
