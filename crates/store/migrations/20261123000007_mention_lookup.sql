-- "Does this article mention that entity?" from the index alone: the check
-- behind quotes about an entity.
CREATE INDEX mentions_article_entity ON mentions (article_id, entity_id);
