//! An article's full record as stored (GetArticle with ARTICLE_VIEW_FULL): its
//! entities with their mentions and roles, and the quotes and events it tells,
//! each with this article's offsets and the registry entities it resolved to.

use readout_proto::v1::{ArticleEntity, ArticleRecord, Entity, Event, Mention, Quote};
use readout_server::request::resource_name;
use readout_store::reads::{self, EventFilter, Page, QuoteFilter};
use readout_store::{PgPool, StoreError};
use uuid::Uuid;

/// Rows read per page while collecting an article's quotes and events.
const PAGE_ROWS: i64 = 500;

/// Reads the record of `article`.
pub async fn article_record(pool: &PgPool, article: Uuid) -> Result<ArticleRecord, StoreError> {
    let article_name = resource_name("articles", article);
    let (mentions, roles) = reads::article_entities(pool, article).await?;
    let mut entities: Vec<ArticleEntity> = Vec::new();
    let mut index_of: std::collections::HashMap<Uuid, usize> = Default::default();
    for mention in mentions {
        let index = *index_of.entry(mention.entity_id).or_insert_with(|| {
            entities.push(ArticleEntity {
                entity: Some(Entity {
                    name: resource_name("entities", mention.entity_id),
                    display_name: mention.display_name.clone(),
                    r#type: crate::pipeline::entity_type(mention.entity_type) as i32,
                    affiliation: mention
                        .affiliation_id
                        .map(|id| resource_name("entities", id))
                        .unwrap_or_default(),
                    affiliation_display_name: mention.affiliation_name.clone().unwrap_or_default(),
                    ..Entity::default()
                }),
                roles: roles
                    .iter()
                    .filter(|(entity, _)| *entity == mention.entity_id)
                    .map(|(_, title)| title.clone())
                    .collect(),
                mentions: Vec::new(),
            });
            entities.len() - 1
        });
        entities[index].mentions.push(Mention {
            entity: resource_name("entities", mention.entity_id),
            text: mention.text,
            full_text: mention.full_text,
            start_offset: mention.start_offset,
            end_offset: mention.end_offset,
        });
    }

    let quote_filter = QuoteFilter {
        article: Some(article),
        ..QuoteFilter::default()
    };
    let mut quotes: Vec<Quote> = all_pages(|page| reads::list_quotes(pool, &quote_filter, page))
        .await?
        .iter()
        .map(readout_query::convert::quote)
        .collect();
    for quote in &mut quotes {
        quote
            .sources
            .retain(|source| source.article == article_name);
    }
    quotes.sort_by_key(|quote| quote.sources.first().map_or(i32::MAX, |s| s.start_offset));

    let event_filter = EventFilter {
        article: Some(article),
        ..EventFilter::default()
    };
    let mut events: Vec<Event> = all_pages(|page| reads::list_events(pool, &event_filter, page))
        .await?
        .iter()
        .map(readout_query::convert::event)
        .collect();
    for event in &mut events {
        event
            .sources
            .retain(|source| source.article == article_name);
    }
    events.sort_by_key(|event| event.sources.first().map_or(i32::MAX, |s| s.start_offset));
    Ok(ArticleRecord {
        entities,
        quotes,
        events,
    })
}

/// Every row of a paginated list, page after page.
async fn all_pages<T, F, Fut>(mut list: F) -> Result<Vec<T>, StoreError>
where
    F: FnMut(Page) -> Fut,
    Fut: std::future::Future<Output = Result<reads::Listed<T>, StoreError>>,
{
    let mut rows = Vec::new();
    let mut page = Page::first(PAGE_ROWS);
    loop {
        let listed = list(page).await?;
        rows.extend(listed.items);
        match listed.next {
            Some(after) => {
                page = Page {
                    limit: PAGE_ROWS,
                    after: Some(after),
                }
            }
            None => return Ok(rows),
        }
    }
}
