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
    matches!(next, Some('s') | Some('S')) && !after.is_some_and(char::is_alphanumeric)
}

/// Tokenises `span` of `text`.
pub fn tokenize(text: &str, span: Span) -> Vec<Token> {
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
