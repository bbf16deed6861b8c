-- Lookups that stay fast as the store grows: every list is read newest first
-- along a btree index that leads with the filter and ends with the sort key
-- (sort_date, first_seen, id), so a page costs an index descent plus the rows
-- returned, and the next page starts where the last one ended (keyset
-- pagination). The sort key is copied to the tables a lookup starts from
-- (participants, pairs, countries); triggers keep the copies true.

-- Undated events sort last: the day before any real news.
ALTER TABLE events ADD COLUMN sort_date date
    GENERATED ALWAYS AS (COALESCE(date_start, DATE '0001-01-01')) STORED;
DROP INDEX events_recent;
CREATE INDEX events_order ON events (sort_date, first_seen, id);
CREATE INDEX events_type_order ON events (event_type, sort_date, first_seen, id);
CREATE INDEX events_place_order ON events (place_id, sort_date, first_seen, id);

ALTER TABLE event_participants
    ADD COLUMN sort_date date NOT NULL DEFAULT DATE '0001-01-01',
    ADD COLUMN first_seen timestamptz NOT NULL DEFAULT now();
UPDATE event_participants p SET sort_date = e.sort_date, first_seen = e.first_seen
FROM events e WHERE e.id = p.event_id;
DROP INDEX event_participants_entity;
CREATE INDEX event_participants_order ON event_participants (entity_id, sort_date, first_seen, event_id);

ALTER TABLE event_pairs ADD COLUMN sort_date date NOT NULL DEFAULT DATE '0001-01-01';
UPDATE event_pairs p SET sort_date = e.sort_date FROM events e WHERE e.id = p.event_id;
CREATE INDEX event_pairs_order ON event_pairs (entity_a, entity_b, sort_date, first_seen, event_id);

-- The countries taking part in each event: a participating country itself, and
-- the country every participant is affiliated with.
CREATE TABLE event_countries (
    event_id   uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    country_id uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    sort_date  date NOT NULL,
    first_seen timestamptz NOT NULL,
    PRIMARY KEY (event_id, country_id)
);
CREATE INDEX event_countries_order ON event_countries (country_id, sort_date, first_seen, event_id);

-- The country a participant or speaker stands for: itself when it is one,
-- otherwise its affiliation.
CREATE FUNCTION readout_country_of(entity uuid) RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN entity_type = 'GPE' THEN id ELSE affiliation_id END FROM entities WHERE id = entity
$$;

-- Recomputes one event's countries from its participants.
CREATE FUNCTION readout_refresh_event_countries(event uuid) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM event_countries WHERE event_id = event;
    INSERT INTO event_countries (event_id, country_id, sort_date, first_seen)
    SELECT DISTINCT e.id, c.country, e.sort_date, e.first_seen
    FROM events e
    JOIN event_participants p ON p.event_id = e.id
    CROSS JOIN LATERAL (SELECT readout_country_of(p.entity_id) AS country) c
    WHERE e.id = event AND c.country IS NOT NULL;
$$;

INSERT INTO event_countries (event_id, country_id, sort_date, first_seen)
SELECT DISTINCT e.id, readout_country_of(p.entity_id), e.sort_date, e.first_seen
FROM events e JOIN event_participants p ON p.event_id = e.id
WHERE readout_country_of(p.entity_id) IS NOT NULL;

-- New participants and pairs take their event's sort key.
CREATE FUNCTION readout_copy_event_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT e.sort_date, e.first_seen INTO NEW.sort_date, NEW.first_seen FROM events e WHERE e.id = NEW.event_id;
    RETURN NEW;
END $$;
CREATE TRIGGER event_participants_order BEFORE INSERT ON event_participants
    FOR EACH ROW EXECUTE FUNCTION readout_copy_event_order();
CREATE TRIGGER event_pairs_order BEFORE INSERT ON event_pairs
    FOR EACH ROW EXECUTE FUNCTION readout_copy_event_order();

-- A new participant adds its country; a removed or re-pointed one (merges) recomputes them.
CREATE FUNCTION readout_participant_countries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO event_countries (event_id, country_id, sort_date, first_seen)
        SELECT NEW.event_id, readout_country_of(NEW.entity_id), NEW.sort_date, NEW.first_seen
        WHERE readout_country_of(NEW.entity_id) IS NOT NULL
        ON CONFLICT DO NOTHING;
        RETURN NEW;
    END IF;
    PERFORM readout_refresh_event_countries(OLD.event_id);
    RETURN NULL;
END $$;
CREATE TRIGGER event_participants_countries AFTER INSERT OR DELETE OR UPDATE OF entity_id ON event_participants
    FOR EACH ROW EXECUTE FUNCTION readout_participant_countries();

-- A re-dated event moves in every copy of its sort key.
CREATE FUNCTION readout_event_redated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_participants SET sort_date = NEW.sort_date WHERE event_id = NEW.id;
    UPDATE event_pairs SET sort_date = NEW.sort_date WHERE event_id = NEW.id;
    UPDATE event_countries SET sort_date = NEW.sort_date WHERE event_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER events_redated AFTER UPDATE OF date_start ON events
    FOR EACH ROW WHEN (OLD.sort_date IS DISTINCT FROM NEW.sort_date)
    EXECUTE FUNCTION readout_event_redated();

-- Quotes: newest first by speaker, by the speaker's country, or overall.
ALTER TABLE quotes ADD COLUMN speaker_country_id uuid REFERENCES entities (id) ON DELETE SET NULL;
UPDATE quotes SET speaker_country_id = readout_country_of(speaker_id) WHERE speaker_id IS NOT NULL;
DROP INDEX quotes_speaker;
DROP INDEX quotes_recent;
CREATE INDEX quotes_speaker_order ON quotes (speaker_id, first_seen, id);
CREATE INDEX quotes_country_order ON quotes (speaker_country_id, first_seen, id);
CREATE INDEX quotes_order ON quotes (first_seen, id);

CREATE FUNCTION readout_quote_country() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.speaker_country_id := CASE WHEN NEW.speaker_id IS NULL THEN NULL ELSE readout_country_of(NEW.speaker_id) END;
    RETURN NEW;
END $$;
CREATE TRIGGER quotes_country BEFORE INSERT OR UPDATE OF speaker_id ON quotes
    FOR EACH ROW EXECUTE FUNCTION readout_quote_country();

-- An entity whose affiliation changes moves its events and quotes to the new country.
CREATE FUNCTION readout_entity_reaffiliated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM readout_refresh_event_countries(p.event_id) FROM event_participants p WHERE p.entity_id = NEW.id;
    UPDATE quotes SET speaker_country_id = readout_country_of(NEW.id) WHERE speaker_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER entities_reaffiliated AFTER UPDATE OF affiliation_id ON entities
    FOR EACH ROW WHEN (OLD.affiliation_id IS DISTINCT FROM NEW.affiliation_id)
    EXECUTE FUNCTION readout_entity_reaffiliated();
