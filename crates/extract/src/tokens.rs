//! Word tokens with byte spans.

use crate::text::Span;

/// A token of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte span.
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
}

/// Token classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word or number (may hold inner hyphens, dots of initials, apostrophes).
    Word,
    /// A possessive `'s` / `’s` (or a bare apostrophe after a plural or initials).
    Possessive,
    /// Any other non-space character.
    Punct,
}

impl Token {
    /// The token text.
    pub fn text(self, text: &str) -> &str {
        self.span.of(text)
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// True for a possessive `s` ending the word ("China's").
fn lone_s(next: Option<char>, after: Option<char>) -> bool {
    matches!(next, Some('s') | Some('S')) && !after.is_some_and(is_alphanumeric)
}

/// The character at byte `at` of `content` (a character boundary), if any.
fn char_at(content: &str, at: usize) -> Option<char> {
    content.get(at..).and_then(|rest| rest.chars().next())
}

/// `char::is_alphanumeric`, with a table for the characters below U+3000 that
/// are not ASCII (built from `char::is_alphanumeric` itself on first use):
/// curly quotes, dashes and letters of other scripts otherwise take the slow
/// Unicode lookup every time a text is tokenised.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_alphanumeric_non_ascii(c)
    }
}

fn is_alphanumeric_non_ascii(c: char) -> bool {
    const TABLE_END: u32 = 0x3000;
    static TABLE: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        let mut bits = vec![0u64; TABLE_END as usize / 64];
        for code in 0x80..TABLE_END {
            if char::from_u32(code).is_some_and(char::is_alphanumeric) {
                bits[code as usize / 64] |= 1 << (code % 64);
            }
        }
        bits
    });
    let code = c as u32;
    if code < TABLE_END {
        TABLE[code as usize / 64] & (1 << (code % 64)) != 0
    } else {
        c.is_alphanumeric()
    }
}

/// Tokenises `span` of `text`.
pub fn tokenize(text: &str, span: Span) -> Vec<Token> {
    // Walks byte offsets of characters (no per-call vector of characters); the
    // rules are those of the character-indexed reference kept in the tests.
    let content = &text[span.start..span.end];
    let mut tokens = Vec::with_capacity(content.len() / 5);
    let at = |i: usize| char_at(content, i);
    // The offset after the character at `i` (`i` itself at the end).
    let after = |i: usize| at(i).map_or(i, |c| i + c.len_utf8());
    let token = |start: usize, end: usize, kind: TokenKind| Token {
        span: Span::new(span.start + start, span.start + end),
        kind,
    };
    let mut i = 0;
    while let Some(c) = at(i) {
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if is_alphanumeric(c) {
            // Start of the current run of letters and digits (after the last
            // hyphen, dot or apostrophe taken into the word).
            let mut segment_start = start;
            loop {
                while let Some(d) = at(i).filter(|&d| is_alphanumeric(d)) {
                    i += d.len_utf8();
                }
                let Some(d) = at(i) else {
                    break;
                };
                let next_at = i + d.len_utf8();
                let next = at(next_at);
                match d {
                    // Inner hyphen: Chan-o-cha, Asia-Pacific, test-fired.
                    '-' if next.is_some_and(is_alphanumeric) => {
                        i = next_at;
                        segment_start = i;
                    }
                    // Initials: U.S., U.N., D.C. (a single capital before the dot).
                    '.' if i > start
                        && at(segment_start).is_some_and(|first| {
                            i - segment_start == first.len_utf8() && first.is_uppercase()
                        }) =>
                    {
                        i = next_at;
                        let next_next = at(after(i));
                        if next.is_some_and(char::is_uppercase) && next_next == Some('.') {
                            segment_start = i;
                            continue;
                        }
                        if next.is_some_and(char::is_uppercase)
                            && !next_next.is_some_and(is_alphanumeric)
                        {
                            // "U.S" without the final dot.
                            i = after(i);
                        }
                        break;
                    }
                    // Inner apostrophe not followed by a lone s: don't, We're, O'Brien.
                    a if is_apostrophe(a)
                        && next.is_some_and(char::is_alphabetic)
                        && !lone_s(next, at(after(next_at))) =>
                    {
                        i = next_at;
                        segment_start = i;
                    }
                    _ => break,
                }
            }
            tokens.push(token(start, i, TokenKind::Word));
            continue;
        }
        if is_apostrophe(c) && start > 0 {
            let previous = content[..start].chars().next_back().unwrap_or(' ');
            if !previous.is_whitespace() {
                let next_at = after(i);
                let next = at(next_at);
                let next_next = at(after(next_at));
                if matches!(next, Some('s') | Some('S')) && !next_next.is_some_and(is_alphanumeric)
                {
                    let end = after(next_at);
                    tokens.push(token(i, end, TokenKind::Possessive));
                    i = end;
                    continue;
                }
                if !next.is_some_and(is_alphanumeric) && (previous == 's' || previous == '.') {
                    tokens.push(token(i, next_at, TokenKind::Possessive));
                    i = next_at;
                    continue;
                }
            }
        }
        i += c.len_utf8();
        tokens.push(token(start, i, TokenKind::Punct));
    }
    tokens
}

#[cfg(test)]
/// The tokenizer as it was written first, over a vector of characters: the
/// reference the faster [`tokenize`] is tested against.
pub(crate) fn tokenize_reference(text: &str, span: Span) -> Vec<Token> {
    let content = &text[span.start..span.end];
    let chars: Vec<(usize, char)> = content.char_indices().collect();
    let mut tokens = Vec::with_capacity(chars.len() / 5);
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset_of = |i: usize| chars.get(i).map_or(content.len(), |&(o, _)| o) + span.start;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_alphanumeric() {
            loop {
                while at(i).is_some_and(char::is_alphanumeric) {
                    i += 1;
                }
                match at(i) {
                    // Inner hyphen: Chan-o-cha, Asia-Pacific, test-fired.
                    Some('-') if at(i + 1).is_some_and(char::is_alphanumeric) => {
                        i += 1;
                    }
                    // Initials: U.S., U.N., D.C. (a single capital before the dot).
                    Some('.')
                        if i - start >= 1 && {
                            let segment_start = (start..i)
                                .rev()
                                .find(|&k| !chars[k].1.is_alphanumeric())
                                .map_or(start, |k| k + 1);
                            i - segment_start == 1 && chars[segment_start].1.is_uppercase()
                        } =>
                    {
                        i += 1;
                        if at(i).is_some_and(char::is_uppercase) && at(i + 1) == Some('.') {
                            continue;
                        }
                        if at(i).is_some_and(char::is_uppercase)
                            && !at(i + 1).is_some_and(char::is_alphanumeric)
                        {
                            // "U.S" without the final dot.
                            i += 1;
                        }
                        break;
                    }
                    // Inner apostrophe not followed by a lone s: don't, We're, O'Brien.
                    Some(a)
                        if is_apostrophe(a)
                            && at(i + 1).is_some_and(char::is_alphabetic)
                            && !lone_s(at(i + 1), at(i + 2)) =>
                    {
                        i += 1;
                    }
                    _ => break,
                }
            }
            tokens.push(Token {
                span: Span::new(offset_of(start), offset_of(i)),
                kind: TokenKind::Word,
            });
            continue;
        }
        if is_apostrophe(c) && start > 0 {
            let previous = chars[start - 1].1;
            if !previous.is_whitespace() {
                if matches!(at(i + 1), Some('s') | Some('S'))
                    && !at(i + 2).is_some_and(char::is_alphanumeric)
                {
                    tokens.push(Token {
                        span: Span::new(offset_of(i), offset_of(i + 2)),
                        kind: TokenKind::Possessive,
                    });
                    i += 2;
                    continue;
                }
                if !at(i + 1).is_some_and(char::is_alphanumeric)
                    && (previous == 's' || previous == '.')
                {
                    tokens.push(Token {
                        span: Span::new(offset_of(i), offset_of(i + 1)),
                        kind: TokenKind::Possessive,
                    });
                    i += 1;
                    continue;
                }
            }
        }
        i += 1;
        tokens.push(Token {
            span: Span::new(offset_of(start), offset_of(i)),
            kind: TokenKind::Punct,
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, Span::new(0, text.len()))
            .iter()
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn alphanumeric_table_is_std() {
        for code in 0..=0x3_0000u32 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{code:#x}");
            }
        }
    }

    #[test]
    fn same_tokens_as_the_reference() {
        let samples = [
            "the U.S.’ commitment; China’s President Xi",
            "Prayut Chan-o-cha, U.S President U.S.A. U.N.-backed A.B.C.D.",
            "We’re ready; Harris’ meeting; the boss's; the bosses' cars; O'Brien's",
            "’s 's 'S ’ ' s. -a a- a-b-c a.b A.b A.B A.Bc Ab.C. e.g. i.e. U.K.s",
            "ＡＢＣ Ⓐ.Ⓑ. ǅ.x Éric’s café-crème İstanbul. नमस्ते दुनिया, ४२ “quoted” — dash…",
            "  \t\n trailing spaces and a final dot.  ",
            "A.",
            "A.B",
            "x’",
            "x’s",
        ];
        for text in samples {
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                        continue;
                    }
                    let span = Span::new(start, end);
                    assert_eq!(
                        tokenize(text, span),
                        tokenize_reference(text, span),
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
        fn same_tokens_as_the_reference_on_any_text(
            text in "[aAbsSUXé0-9 .,'’\\-\u{2019}\u{201c}ǅⒶİЖ२ँ\u{a0}\t]{0,40}"
        ) {
            let span = Span::new(0, text.len());
            proptest::prop_assert_eq!(tokenize(&text, span), tokenize_reference(&text, span));
        }
    }

    #[test]
    fn initials_hyphens_and_possessives() {
        assert_eq!(
            words("the U.S.’ commitment"),
            vec!["the", "U.S.", "’", "commitment"]
        );
        assert_eq!(
            words("China’s President Xi"),
            vec!["China", "’s", "President", "Xi"]
        );
        assert_eq!(
            words("Prayut Chan-o-cha, U.S President"),
            vec!["Prayut", "Chan-o-cha", ",", "U.S", "President"]
        );
        assert_eq!(words("We’re ready"), vec!["We’re", "ready"]);
        assert_eq!(words("Harris’ meeting"), vec!["Harris", "’", "meeting"]);
    }
}
