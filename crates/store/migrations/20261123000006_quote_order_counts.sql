-- Quotes are read newest first by the date they were said (their earliest
-- source's publication date), like events by their date, so date ranges are
-- index ranges.
ALTER TABLE quotes ADD COLUMN sort_date date
    GENERATED ALWAYS AS (COALESCE(quote_date, DATE '0001-01-01')) STORED;
DROP INDEX quotes_speaker_order;
DROP INDEX quotes_country_order;
DROP INDEX quotes_order;
CREATE INDEX quotes_speaker_order ON quotes (speaker_id, sort_date, first_seen, id);
CREATE INDEX quotes_country_order ON quotes (speaker_country_id, sort_date, first_seen, id);
CREATE INDEX quotes_order ON quotes (sort_date, first_seen, id);

-- Exact event and quote counts per entity without counting at read time.
-- Writers append deltas (no lock on the entity row, so concurrent workers never
-- wait on a popular entity); readers add the pending deltas to the folded
-- counters; the ingest service folds deltas into the counters every second.
ALTER TABLE entities
    ADD COLUMN event_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN quote_count bigint NOT NULL DEFAULT 0;
UPDATE entities e SET event_count = c.n
FROM (SELECT entity_id, count(*) AS n FROM event_participants GROUP BY entity_id) c WHERE c.entity_id = e.id;
UPDATE entities e SET quote_count = c.n
FROM (SELECT speaker_id, count(*) AS n FROM quotes WHERE speaker_id IS NOT NULL GROUP BY speaker_id) c
WHERE c.speaker_id = e.id;

CREATE TABLE entity_count_deltas (
    entity_id uuid NOT NULL,
    events    bigint NOT NULL,
    quotes    bigint NOT NULL
);
CREATE INDEX entity_count_deltas_entity ON entity_count_deltas (entity_id);

CREATE FUNCTION readout_participant_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO entity_count_deltas VALUES (NEW.entity_id, 1, 0);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO entity_count_deltas VALUES (OLD.entity_id, -1, 0);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER event_participants_count AFTER INSERT OR DELETE OR UPDATE OF entity_id ON event_participants
    FOR EACH ROW EXECUTE FUNCTION readout_participant_count();

CREATE FUNCTION readout_quote_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.speaker_id IS NOT NULL THEN
        INSERT INTO entity_count_deltas VALUES (NEW.speaker_id, 0, 1);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.speaker_id IS NOT NULL THEN
        INSERT INTO entity_count_deltas VALUES (OLD.speaker_id, 0, -1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER quotes_count AFTER INSERT OR DELETE OR UPDATE OF speaker_id ON quotes
    FOR EACH ROW EXECUTE FUNCTION readout_quote_count();
