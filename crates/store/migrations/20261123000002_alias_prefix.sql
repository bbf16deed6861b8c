-- Alias search in stages: exact and word-prefix matches through a btree that
-- supports LIKE 'prefix%' under any collation; trigram similarity (GIN, from
-- the first migration) only when those find nothing.
CREATE INDEX entity_aliases_key_pattern ON entity_aliases (alias_key text_pattern_ops);
