-- Mention counts join the event and quote counts as appended deltas, folded
-- into entities.mention_count every second: annotating an article no longer
-- locks the rows of the entities it mentions (a popular country is in nearly
-- every article, and its row lock queued every concurrent annotation and every
-- foreign-key check behind it).
ALTER TABLE entity_count_deltas ADD COLUMN mentions bigint NOT NULL DEFAULT 0;
