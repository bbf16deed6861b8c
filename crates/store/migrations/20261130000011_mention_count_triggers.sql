-- Mention counts follow the mention rows themselves: a statement-level trigger
-- appends one delta per entity for the rows a statement inserts or deletes, in
-- that statement's transaction. An article's mentions are inserted in the
-- transaction that stores its results and marks it done, so they are counted
-- exactly once however often the article was annotated or retried, and a
-- replaced attempt's rows count down as they go. Merges and splits move mention
-- rows with UPDATE, which is not counted here: they move the counts themselves.
CREATE FUNCTION readout_mentions_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO entity_count_deltas (entity_id, events, quotes, mentions)
    SELECT entity_id, 0, 0, count(*) FROM inserted_mentions GROUP BY entity_id;
    RETURN NULL;
END $$;

CREATE FUNCTION readout_mentions_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO entity_count_deltas (entity_id, events, quotes, mentions)
    SELECT entity_id, 0, 0, -count(*) FROM deleted_mentions GROUP BY entity_id;
    RETURN NULL;
END $$;

CREATE TRIGGER mentions_counted_on_insert AFTER INSERT ON mentions
    REFERENCING NEW TABLE AS inserted_mentions
    FOR EACH STATEMENT EXECUTE FUNCTION readout_mentions_inserted();
CREATE TRIGGER mentions_counted_on_delete AFTER DELETE ON mentions
    REFERENCING OLD TABLE AS deleted_mentions
    FOR EACH STATEMENT EXECUTE FUNCTION readout_mentions_deleted();

-- Counts written by annotation until now counted retried batches twice: start
-- again from the stored rows.
DELETE FROM entity_count_deltas WHERE events = 0 AND quotes = 0;
UPDATE entities e SET mention_count = COALESCE(
    (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id), 0);

-- A mention's name with the titles and nationality words attached
-- ("Chinese Vice President Han Zheng" for "Han Zheng"), when longer: what the
-- extractor reports, so an article's stored record renders as `readout extract`.
ALTER TABLE mentions ADD COLUMN full_text text NOT NULL DEFAULT '';

-- Two of an article's mentions can start at the same offset ("China" inside
-- "China's foreign ministry"): both are stored.
ALTER TABLE mentions DROP CONSTRAINT mentions_pkey,
    ADD PRIMARY KEY (article_id, start_offset, entity_id);

-- A role seen in an article that gives no date is recorded without one,
-- instead of being stamped with the day the article was processed.
ALTER TABLE entity_roles DROP CONSTRAINT entity_roles_pkey;
ALTER TABLE entity_roles ALTER COLUMN seen_date DROP NOT NULL;
CREATE UNIQUE INDEX entity_roles_sighting
    ON entity_roles (entity_id, title, COALESCE(seen_date, '-infinity'::date));
