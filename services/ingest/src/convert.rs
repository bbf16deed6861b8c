//! Conversions from stored articles to `readout.v1` messages.

use chrono::{DateTime, Utc};
use readout_proto::v1;
use readout_server::request::resource_name;
use readout_store::articles::{ArticleRecord, ArticleState};

fn timestamp(time: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: time.timestamp(),
        nanos: time.timestamp_subsec_nanos() as i32,
    }
}

/// A stored article as a proto article.
pub fn article(record: &ArticleRecord) -> v1::Article {
    v1::Article {
        name: resource_name("articles", record.id),
        title: record.title.clone(),
        text: record.body.clone(),
        source_url: record.source_url.clone(),
        published_date: record
            .published_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        state: match record.state() {
            ArticleState::Pending => v1::ArticleState::Pending,
            ArticleState::Processing => v1::ArticleState::Processing,
            ArticleState::Done => v1::ArticleState::Done,
            ArticleState::Failed => v1::ArticleState::Failed,
        } as i32,
        content_sha256: record.content_sha256.clone(),
        create_time: Some(timestamp(record.created_at)),
        process_time: record.processed_at.map(timestamp),
        attempt_count: record.attempt_count,
        last_error: record.last_error.clone(),
    }
}
