//! Validation of submitted articles: every rejection names its field.

use chrono::{Datelike, NaiveDate};
use readout_proto::v1::ArticleInput;
use readout_store::articles::NewArticle;
use tonic::Status;

use readout_server::status::invalid_argument;

/// Longest accepted request id.
pub const MAX_REQUEST_ID: usize = 128;
/// Longest accepted source URL.
pub const MAX_URL: usize = 2048;
/// Longest stored title (longer first lines are cut at a char boundary).
pub const MAX_TITLE: usize = 512;

fn cut(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Turns a submitted article into a storable one, or says which field is wrong.
pub fn article(
    input: Option<ArticleInput>,
    request_id: &str,
    max_bytes: usize,
) -> Result<NewArticle, Status> {
    let Some(input) = input else {
        return Err(invalid_argument("article", "is required"));
    };
    if input.text.trim().is_empty() {
        return Err(invalid_argument("article.text", "must not be empty"));
    }
    if input.text.len() > max_bytes {
        return Err(invalid_argument(
            "article.text",
            format!(
                "is {} bytes, over the limit of {max_bytes}",
                input.text.len()
            ),
        ));
    }
    if input.text.contains('\0') {
        return Err(invalid_argument(
            "article.text",
            "must not contain NUL characters",
        ));
    }
    for (field, value) in [
        ("article.title", &input.title),
        ("article.source_url", &input.source_url),
    ] {
        if value.contains('\0') {
            return Err(invalid_argument(field, "must not contain NUL characters"));
        }
    }
    if input.source_url.len() > MAX_URL {
        return Err(invalid_argument(
            "article.source_url",
            format!("must be at most {MAX_URL} bytes"),
        ));
    }
    if request_id.len() > MAX_REQUEST_ID || request_id.contains('\0') {
        return Err(invalid_argument(
            "request_id",
            format!("must be at most {MAX_REQUEST_ID} bytes of text"),
        ));
    }
    let published_date = match input.published_date.trim() {
        "" => None,
        text => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                // Years 1 to 9999 only: chrono also reads "-0001-01-01" and "+12345-01-01".
                .filter(|date| (1..=9999).contains(&date.year()))
                .ok_or_else(|| {
                    invalid_argument(
                        "article.published_date",
                        format!("expected a date YYYY-MM-DD (years 1 to 9999), got {text:?}"),
                    )
                })?,
        ),
    };
    let title = match input.title.trim() {
        "" => input
            .text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or_default()
            .to_owned(),
        title => title.to_owned(),
    };
    Ok(NewArticle {
        title: cut(&title, MAX_TITLE),
        body: input.text,
        source_url: input.source_url,
        published_date,
        request_id: Some(request_id.to_owned()).filter(|id| !id.is_empty()),
        trace_parent: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str, date: &str) -> Option<ArticleInput> {
        Some(ArticleInput {
            text: text.into(),
            title: String::new(),
            source_url: String::new(),
            published_date: date.into(),
        })
    }

    #[test]
    fn names_the_bad_field() {
        assert!(article(None, "", 100)
            .unwrap_err()
            .message()
            .starts_with("article:"));
        assert!(article(input("  ", ""), "", 100)
            .unwrap_err()
            .message()
            .starts_with("article.text:"));
        assert!(article(input("x".repeat(101).as_str(), ""), "", 100)
            .unwrap_err()
            .message()
            .starts_with("article.text:"));
        assert!(article(input("text", "2022-13-01"), "", 100)
            .unwrap_err()
            .message()
            .starts_with("article.published_date:"));
        assert!(article(input("a\0b", ""), "", 100)
            .unwrap_err()
            .message()
            .starts_with("article.text:"));
        for year in ["-0001-01-01", "0000-06-01", "+12345-01-01"] {
            assert!(article(input("text", year), "", 100)
                .unwrap_err()
                .message()
                .starts_with("article.published_date:"));
        }
        let with_url = Some(ArticleInput {
            text: "text".into(),
            source_url: "https://example.org/\0".into(),
            ..Default::default()
        });
        assert!(article(with_url, "", 100)
            .unwrap_err()
            .message()
            .starts_with("article.source_url:"));
    }

    #[test]
    fn title_defaults_to_first_line() {
        let stored = article(
            input("\n  Headline here \nBody", "2022-11-19"),
            "req-1",
            1000,
        )
        .unwrap();
        assert_eq!(stored.title, "Headline here");
        assert_eq!(stored.request_id.as_deref(), Some("req-1"));
        assert_eq!(stored.published_date, NaiveDate::from_ymd_opt(2022, 11, 19));
    }
}
