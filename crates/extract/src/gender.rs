//! People's grammatical gender, from general word lists: given names
//! (`data/given_names.txt`) and titles ("Mrs.", "congressman"). Quotes match
//! pronouns to people with it; resolution keeps "Mr. Obama" apart from Michelle Obama.

use std::sync::LazyLock;

/// A person's grammatical gender, for pronouns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

/// Given names and their usual gender, from `data/given_names.txt`.
pub(crate) static GIVEN_NAMES: LazyLock<crate::lexicon::FastHashMap<&'static str, Gender>> =
    LazyLock::new(|| {
        include_str!("../data/given_names.txt")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (name, gender) = line.split_once(' ')?;
                let gender = match gender.trim() {
                    "M" => Gender::Male,
                    "F" => Gender::Female,
                    _ => return None,
                };
                Some((name, gender))
            })
            .collect()
    });

/// The gender a title or honorific tells ("Mrs.", "congresswoman").
pub(crate) fn title_gender(word: &str) -> Option<Gender> {
    match word.trim_end_matches('.').to_lowercase().as_str() {
        "mr" | "sir" | "king" | "prince" | "congressman" | "chairman" | "spokesman"
        | "businessman" | "father" | "husband" | "son" | "brother" | "lord" | "duke" => {
            Some(Gender::Male)
        }
        "mrs" | "ms" | "miss" | "madam" | "queen" | "princess" | "congresswoman" | "chairwoman"
        | "spokeswoman" | "businesswoman" | "mother" | "wife" | "daughter" | "sister" | "lady"
        | "duchess" | "actress" => Some(Gender::Female),
        _ => None,
    }
}
