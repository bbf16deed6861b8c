//! Page cleaning and segmentation: the article's lines classified as headline,
//! body, caption or boilerplate, split into sentences, all as byte spans into
//! the original text (offsets never change; noise is skipped, not removed).

/// A byte range of the article text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The spanned text.
    pub fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// True when `other` lies inside this span.
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// What a line of the page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// The first content line.
    Headline,
    /// Running text.
    Body,
    /// A photo caption (its credit is cut off).
    Caption,
    /// A short line without closing punctuation between paragraphs: a section
    /// heading, a related-story link, a caption without a credit. Its names are
    /// read; it tells no events and is no antecedent for pronouns.
    Heading,
    /// Site chrome, ads, credits, footers: skipped.
    Boilerplate,
}

/// One line (paragraph) of the page.
#[derive(Clone, Debug)]
pub struct Block {
    /// The content part of the line (trimmed, tags and credits cut off).
    pub span: Span,
    /// What it is.
    pub kind: BlockKind,
    /// True when most words are capitalised (headline style), so capitals say little.
    pub title_case: bool,
}

/// A sentence inside a block.
#[derive(Clone, Copy, Debug)]
pub struct Sentence {
    /// The sentence text span.
    pub span: Span,
    /// Index of its block.
    pub block: usize,
}

/// The segmented article.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    /// The original text.
    pub text: &'a str,
    /// Content and boilerplate lines in order.
    pub blocks: Vec<Block>,
    /// Sentences of the content blocks in order.
    pub sentences: Vec<Sentence>,
}

/// Platforms a follow line names (lowercase).
const SOCIAL_PLATFORMS: &[&str] = &[
    "twitter",
    "facebook",
    "instagram",
    "youtube",
    "telegram",
    "whatsapp",
    "tiktok",
    "linkedin",
    "threads",
    "bluesky",
    "mastodon",
];

/// True for a social platform's name, lowercase ("twitter", "youtube").
pub fn is_social_platform(lower: &str) -> bool {
    SOCIAL_PLATFORMS.contains(&lower)
}

const BOILERPLATE_PHRASES: &[&str] = &[
    "advertisement",
    "comments are closed",
    "next post",
    "previous post",
    "add comment",
    "no comment",
    "comment url",
    "learn more",
    "get more with",
    "a personalised news feed",
    "a personalized news feed",
    "produced in association with",
    "sign up for",
    "subscribe",
    "read more",
    "follow us",
    "share this",
    "all rights reserved",
    "click here",
    "taboola",
    "recommended for you",
    "you may also like",
    "(reporting by",
    "reporting by",
    "(additional reporting",
    "additional reporting by",
    "(editing by",
    "editing by",
    "(writing by",
    "copyright ",
    "©",
];

fn is_credit_word(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(char::is_uppercase)
}

/// Cuts a trailing photo credit off a caption: "... 2022. DING HAITAO/XINHUA VIA
/// GETTY IMAGES" or "... on Monday. Photo: Xinhua". Returns the kept end.
fn strip_credit(line: &str, start: usize, end: usize) -> (usize, bool) {
    let content = &line[start..end];
    if let Some(position) = content
        .rfind("Photo:")
        .or_else(|| content.rfind("Photo credit"))
    {
        return (start + content[..position].trim_end().len(), true);
    }
    // A bare agency credit after the caption: "... October 27, 2023. Reuters".
    for agency in [
        "Reuters",
        "AFP",
        "AP",
        "Xinhua",
        "Getty Images",
        "EPA",
        "Bloomberg",
        "Kyodo",
        "Yonhap",
        "AAP",
    ] {
        if let Some(before) = content.strip_suffix(agency) {
            let before = before.trim_end();
            if before.ends_with('.') && before.len() + 1 < content.len() {
                return (start + before.len(), true);
            }
        }
    }
    // An agency credit with a photographer: "... 2025. REUTERS/Altaf Hussain".
    if let Some(slash_word) = content.split_whitespace().rev().take(4).find(|w| {
        w.split_once('/').is_some_and(|(agency, _)| {
            agency.len() >= 2 && agency.chars().all(|c| c.is_ascii_uppercase())
        })
    }) {
        let position = slash_word.as_ptr() as usize - content.as_ptr() as usize;
        let before = content[..position].trim_end();
        if before.ends_with(['.', ')']) {
            return (start + before.len(), true);
        }
    }
    // A trailing run of upper-case words with a slash or "VIA" after a sentence end
    // (read from the end: the words before the run do not matter).
    let (mut credit_words, mut credit_hint) = (0usize, false);
    let mut first_credit: Option<&str> = None;
    let mut before_credit: Option<&str> = None;
    for word in content.split_whitespace().rev() {
        if !is_credit_word(word) {
            before_credit = Some(word);
            break;
        }
        credit_words += 1;
        credit_hint |= word.contains('/') || word == "VIA" || word == "PHOTO" || word == "IMAGES";
        first_credit = Some(word);
    }
    let looks_like_credit = credit_words >= 2 && credit_hint;
    if let (true, Some(before), Some(first)) = (looks_like_credit, before_credit, first_credit) {
        if before.ends_with(['.', ')']) {
            let position = first.as_ptr() as usize - content.as_ptr() as usize;
            return (start + content[..position].trim_end().len(), true);
        }
    }
    (end, false)
}

fn is_boilerplate(content: &str) -> bool {
    let lower = content.to_lowercase();
    let words = content.split_whitespace().count();
    if words == 0 {
        return true;
    }
    if BOILERPLATE_PHRASES
        .iter()
        .any(|phrase| lower.starts_with(phrase))
        && words <= 12
    {
        return true;
    }
    // A social-media follow line anywhere in a short line ("For the latest news,
    // follow us on Twitter. We are also on Facebook and YouTube.").
    if words <= 30
        && (lower.contains("follow us") || lower.contains("we are also on"))
        && SOCIAL_PLATFORMS.iter().any(|p| lower.contains(p))
    {
        return true;
    }
    // Social handles and bare links.
    if words <= 3
        && content
            .split_whitespace()
            .all(|w| w.starts_with('@') || w.starts_with("http") || w.starts_with('#'))
    {
        return true;
    }
    // An attribution line under an embedded post: "— Name (@handle)".
    if content.starts_with('\u{2014}') && content.contains("(@") {
        return true;
    }
    false
}

/// A short line that does not end like a sentence.
fn is_heading(content: &str) -> bool {
    let words = content.split_whitespace().count();
    let last = content.trim_end().chars().last().unwrap_or('.');
    words <= 16
        && !matches!(
            last,
            '.' | '!' | '?' | '"' | '\u{201d}' | ':' | ';' | ',' | '\u{2026}'
        )
}

fn is_title_case(content: &str) -> bool {
    let (mut words, mut capitalised) = (0usize, 0usize);
    for word in content.split_whitespace() {
        if let Some(first) = word.chars().next().filter(|c| c.is_alphabetic()) {
            words += 1;
            capitalised += usize::from(first.is_uppercase());
        }
    }
    words >= 4 && capitalised * 10 >= words * 8
}

/// Trims whitespace and HTML tags (`<p>`, `</p>`, `<br>`) from both ends of a line.
fn trim_tags(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    loop {
        let slice = &text[start..end];
        let trimmed = slice.trim_start();
        start += slice.len() - trimmed.len();
        if trimmed.starts_with('<') {
            if let Some(close) = trimmed.find('>') {
                if close < 12 && !trimmed[1..close].contains(' ') {
                    start += close + 1;
                    continue;
                }
            }
        }
        break;
    }
    loop {
        let slice = &text[start..end];
        let trimmed = slice.trim_end();
        end = start + trimmed.len();
        if trimmed.ends_with('>') {
            if let Some(open) = trimmed.rfind('<') {
                if trimmed.len() - open < 12 && !trimmed[open..].contains(' ') {
                    end = start + open;
                    continue;
                }
            }
        }
        break;
    }
    (start, end.max(start))
}

const CAPTION_HINTS: &[&str] = &[
    " (L)", " (R)", " (C)", "(left)", "(right)", "(center)", "(centre)", "pictured",
];

/// A line that ends like a written sentence (a full stop, possibly inside a
/// closing quote) and is long enough not to be a label.
fn reads_as_prose(content: &str) -> bool {
    let trimmed = content.trim_end_matches(['"', '\u{201d}', '\'', '\u{2019}', ' ']);
    trimmed.ends_with('.') && !trimmed.ends_with("..") && content.split_whitespace().count() >= 8
}

/// Segments an article.
pub fn segment(text: &str) -> Document<'_> {
    let mut blocks = Vec::new();
    let mut offset = 0;
    let mut seen_headline = false;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let (start, end) = trim_tags(
            text,
            line_start,
            line_start + raw_line.trim_end_matches(['\n', '\r']).len(),
        );
        if start >= end {
            continue;
        }
        let content = &text[start..end];
        if is_boilerplate(content) {
            blocks.push(Block {
                span: Span::new(start, end),
                kind: BlockKind::Boilerplate,
                title_case: false,
            });
            continue;
        }
        let (kept_end, had_credit) = strip_credit(text, start, end);
        let content = &text[start..kept_end];
        // Asked only after the first line (the headline never is a caption).
        let looks_like_caption =
            || had_credit || CAPTION_HINTS.iter().any(|hint| content.contains(hint));
        let kind = if !seen_headline {
            seen_headline = true;
            // Text submitted without a headline starts with prose: a full
            // sentence is body text, not a headline (headlines drop the period).
            if reads_as_prose(content) {
                BlockKind::Body
            } else {
                BlockKind::Headline
            }
        } else if looks_like_caption() {
            BlockKind::Caption
        } else if is_heading(content) {
            BlockKind::Heading
        } else {
            BlockKind::Body
        };
        let title_case = kind == BlockKind::Headline || is_title_case(content);
        blocks.push(Block {
            span: Span::new(start, kept_end),
            kind,
            title_case,
        });
    }
    let mut sentences = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        if block.kind == BlockKind::Boilerplate {
            continue;
        }
        for span in split_sentences(text, block.span) {
            sentences.push(Sentence { span, block: index });
        }
    }
    Document {
        text,
        blocks,
        sentences,
    }
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Col", "Lt", "Sgt", "Capt", "Adm",
    "St", "Jr", "Sr", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "No", "vs", "etc", "Inc", "Corp", "Ltd", "Co", "Mt", "Ft", "Rev", "Del", "Sens", "Reps",
    "Maj", "Cmdr", "Atty", "Supt",
];

/// True for a word whose period does not end a sentence ("Sen", "Del", "Corp").
pub fn is_abbreviation(word: &str) -> bool {
    ABBREVIATIONS.contains(&word)
}

fn is_closing_mark(c: char) -> bool {
    matches!(c, '"' | '\u{201d}' | '\u{2019}' | ')' | ']')
}

/// Whether the word ending at `position` (just before a dot) is an
/// abbreviation, an initial or initials with dots: "U.S. officials" keeps
/// going, and "in the U.S. The next" cannot be told apart cheaply, so
/// initials-with-dots never end a sentence.
fn abbreviation_before(content: &str, position: usize) -> bool {
    let word_start = content[..position]
        .char_indices()
        .rev()
        .find(|&(_, ch)| ch.is_whitespace() || ch == '(' || ch == '"' || ch == '\u{201c}')
        .map_or(0, |(p, ch)| p + ch.len_utf8());
    let word = &content[word_start..position];
    ABBREVIATIONS.contains(&word)
        || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || (word.contains('.') && word.len() <= 5 && !word.ends_with('.'))
}

/// Splits a block into sentences at `.`, `!`, `?` (and `…`) followed by space and
/// an upper-case letter, digit or quote mark, skipping abbreviations and initials.
pub fn split_sentences(text: &str, block: Span) -> Vec<Span> {
    // Walks byte offsets of characters (no vector of characters per block); the
    // rules are those of the character-indexed reference kept in the tests.
    let content = &text[block.start..block.end];
    let at = |i: usize| content.get(i..).and_then(|rest| rest.chars().next());
    let mut spans = Vec::new();
    let mut sentence_start = 0;
    let mut i = 0;
    while let Some(c) = at(i) {
        let position = i;
        if matches!(c, '.' | '!' | '?' | '\u{2026}') {
            let mut j = i + c.len_utf8();
            while let Some(d) =
                at(j).filter(|&d| is_closing_mark(d) || matches!(d, '.' | '!' | '?'))
            {
                j += d.len_utf8();
            }
            let followed_by_space = at(j).is_some_and(char::is_whitespace);
            let mut k = j;
            while let Some(d) = at(k).filter(|d| d.is_whitespace()) {
                k += d.len_utf8();
            }
            let next_starts_sentence = at(k).is_some_and(|d| {
                d.is_uppercase()
                    || d.is_ascii_digit()
                    || matches!(d, '"' | '\u{201c}' | '\u{2018}' | '\'')
            });
            if c == '.'
                && followed_by_space
                && next_starts_sentence
                && abbreviation_before(content, position)
            {
                i = j;
                continue;
            }
            if followed_by_space && next_starts_sentence {
                spans.push(Span::new(block.start + sentence_start, block.start + j));
                sentence_start = k;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += c.len_utf8();
    }
    if sentence_start < content.len() {
        let tail = content[sentence_start..].trim_end();
        if !tail.is_empty() {
            spans.push(Span::new(
                block.start + sentence_start,
                block.start + sentence_start + tail.len(),
            ));
        }
    }
    spans
}

/// The sentence splitter as first written, over a vector of characters: the
/// reference the faster [`split_sentences`] is tested against.
#[cfg(test)]
fn split_sentences_reference(text: &str, block: Span) -> Vec<Span> {
    let content = &text[block.start..block.end];
    let bytes: Vec<(usize, char)> = content.char_indices().collect();
    let mut spans = Vec::new();
    let mut sentence_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (position, c) = bytes[i];
        if matches!(c, '.' | '!' | '?' | '\u{2026}') {
            let mut j = i + 1;
            while j < bytes.len()
                && (is_closing_mark(bytes[j].1) || matches!(bytes[j].1, '.' | '!' | '?'))
            {
                j += 1;
            }
            let followed_by_space = j < bytes.len() && bytes[j].1.is_whitespace();
            let mut k = j;
            while k < bytes.len() && bytes[k].1.is_whitespace() {
                k += 1;
            }
            let next_starts_sentence = k < bytes.len()
                && (bytes[k].1.is_uppercase()
                    || bytes[k].1.is_ascii_digit()
                    || matches!(bytes[k].1, '"' | '\u{201c}' | '\u{2018}' | '\''));
            if c == '.'
                && followed_by_space
                && next_starts_sentence
                && abbreviation_before(content, position)
            {
                i = j;
                continue;
            }
            if followed_by_space && next_starts_sentence {
                let end = if j < bytes.len() {
                    bytes[j].0
                } else {
                    content.len()
                };
                spans.push(Span::new(block.start + sentence_start, block.start + end));
                sentence_start = bytes[k].0;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if sentence_start < content.len() {
        let tail = content[sentence_start..].trim_end();
        if !tail.is_empty() {
            spans.push(Span::new(
                block.start + sentence_start,
                block.start + sentence_start + tail.len(),
            ));
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_written_as_a_sentence_is_body_text() {
        let text =
            "\"We need every country at the table,\" John Kerry said in Beijing on Wednesday.";
        assert_eq!(segment(text).blocks[0].kind, BlockKind::Body);
        let text = "Kerry Presses China on Climate\n\nJohn Kerry spoke on Wednesday.";
        assert_eq!(segment(text).blocks[0].kind, BlockKind::Headline);
        let text = "Talks end. Nothing agreed.\nBody text follows here.";
        assert_eq!(segment(text).blocks[0].kind, BlockKind::Headline);
    }

    #[test]
    fn boilerplate_and_credits_are_skipped() {
        let text = "Headline Here For Story\nAdvertisement\n<p>Xi and Harris in Bangkok, Nov. 19, 2022. DING HAITAO/XINHUA VIA GETTY IMAGES </p>\nBody text. More text.\n";
        let document = segment(text);
        let kinds: Vec<BlockKind> = document.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::Headline,
                BlockKind::Boilerplate,
                BlockKind::Caption,
                BlockKind::Body
            ]
        );
        assert_eq!(
            document.blocks[2].span.of(text),
            "Xi and Harris in Bangkok, Nov. 19, 2022."
        );
    }

    #[test]
    fn social_follow_lines_are_boilerplate() {
        for line in [
            "For the latest news, follow us on Twitter @Aaj_Urdu. We are also on Facebook, Instagram and YouTube.",
            "Follow us on Telegram for breaking news.",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
        for line in [
            "Protesters vowed to follow us to the capital, the union leader said.",
            "The minister said on Facebook that the talks had failed.",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn same_sentences_as_the_reference() {
        let samples = [
            "Mr. Smith met U.S. officials on Nov. 19. They talked. \u{201c}Yes,\u{201d} he said.",
            "It rained!! \"Why?\" she asked… (Then) 3 more. A. B. Jr. Co. e.g. No. 5. É. Ünal wins.",
            "End.\u{201d} \u{2018}Next\u{2019}. Done?) Yes. ..\u{2026} Ok.\u{a0}Now. x.Y. Z",
            "   trailing   ",
            "",
        ];
        for text in samples {
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                        continue;
                    }
                    let block = Span::new(start, end);
                    assert_eq!(
                        split_sentences(text, block),
                        split_sentences_reference(text, block),
                        "{:?}",
                        &text[start..end]
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn same_sentences_as_the_reference_on_any_text(
            text in "[aAbMrUSÉ1 .!?…\"'()\u{201c}\u{201d}\u{2018}\u{2019}\u{a0}\n]{0,40}"
        ) {
            let block = Span::new(0, text.len());
            proptest::prop_assert_eq!(
                split_sentences(&text, block),
                split_sentences_reference(&text, block)
            );
        }
    }

    #[test]
    fn sentences_respect_abbreviations() {
        let text =
            "Mr. Smith met U.S. officials on Nov. 19. They talked. \u{201c}Yes,\u{201d} he said.";
        let spans = split_sentences(text, Span::new(0, text.len()));
        let sentences: Vec<&str> = spans.iter().map(|s| s.of(text)).collect();
        assert_eq!(
            sentences,
            vec![
                "Mr. Smith met U.S. officials on Nov. 19.",
                "They talked.",
                "\u{201c}Yes,\u{201d} he said."
            ]
        );
    }
}
