//! A subset of AIP-160 filters: comparisons `field OP value` joined by `AND`.
//! Values are bare words or double-quoted strings (with `\"` escapes).

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// One comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The field name.
    pub field: String,
    /// The operator.
    pub op: Op,
    /// The value, unquoted.
    pub value: String,
}

/// Why a filter does not parse.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Op(Op),
}

fn lex(filter: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = filter.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(FilterError("unterminated string".into())),
                    Some('\\') if chars.get(i + 1).is_some() => {
                        value.push(chars[i + 1]);
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        value.push(other);
                        i += 1;
                    }
                }
            }
            tokens.push(Token::Quoted(value));
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let next = chars.get(i + 1).copied();
            let (op, width) = match (c, next) {
                ('!', Some('=')) => (Op::Ne, 2),
                ('<', Some('=')) => (Op::Le, 2),
                ('>', Some('=')) => (Op::Ge, 2),
                ('<', _) => (Op::Lt, 1),
                ('>', _) => (Op::Gt, 1),
                ('=', _) => (Op::Eq, 1),
                _ => return Err(FilterError(format!("unexpected `{c}`"))),
            };
            tokens.push(Token::Op(op));
            i += width;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '=' | '!' | '<' | '>' | '"')
            {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
        }
    }
    Ok(tokens)
}

/// Parses a filter into its comparisons (empty filter: none).
pub fn parse(filter: &str) -> Result<Vec<Comparison>, FilterError> {
    if filter.len() > 4096 {
        return Err(FilterError("longer than 4096 bytes".into()));
    }
    if filter.contains('\0') {
        return Err(FilterError("contains a NUL character".into()));
    }
    let tokens = lex(filter)?;
    let mut comparisons = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !comparisons.is_empty() {
            match &tokens[i] {
                Token::Word(word) if word == "AND" => i += 1,
                Token::Word(word) if word == "OR" || word == "NOT" => {
                    return Err(FilterError(format!(
                        "`{word}` is not supported; join comparisons with AND"
                    )))
                }
                _ => return Err(FilterError("expected AND between comparisons".into())),
            }
        }
        let field = match tokens.get(i) {
            Some(Token::Word(word)) => word.clone(),
            _ => return Err(FilterError("expected a field name".into())),
        };
        let op = match tokens.get(i + 1) {
            Some(Token::Op(op)) => *op,
            _ => return Err(FilterError(format!("expected an operator after `{field}`"))),
        };
        let value = match tokens.get(i + 2) {
            Some(Token::Word(word)) | Some(Token::Quoted(word)) => word.clone(),
            _ => return Err(FilterError(format!("expected a value after `{field}`"))),
        };
        comparisons.push(Comparison { field, op, value });
        i += 3;
    }
    Ok(comparisons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_conjunctions() {
        let parsed =
            parse(r#"participant = "entities/a b" AND type=CONSULT AND date >= "2022-11-01""#)
                .unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(
            parsed[0],
            Comparison {
                field: "participant".into(),
                op: Op::Eq,
                value: "entities/a b".into()
            }
        );
        assert_eq!(parsed[2].op, Op::Ge);
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn rejects_what_it_cannot_do() {
        assert!(parse("a = 1 OR b = 2").is_err());
        assert!(parse("a =").is_err());
        assert!(parse("\"open").is_err());
        assert!(parse("a = 1 b = 2").is_err());
    }
}
