-- Cross-article event deduplication looks up candidate events by a pair of
-- participants: one row per participant pair (ordered ids) of each event. The
-- index serves "the newest events of this type between these two actors" with
-- a bounded scan, so matching cost does not grow with the store.
CREATE TABLE event_pairs (
    event_id   uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_type text NOT NULL,
    entity_a   uuid NOT NULL,
    entity_b   uuid NOT NULL,
    first_seen timestamptz NOT NULL,
    PRIMARY KEY (event_id, entity_a, entity_b)
);
CREATE INDEX event_pairs_lookup ON event_pairs (event_type, entity_a, entity_b, first_seen DESC);

INSERT INTO event_pairs (event_id, event_type, entity_a, entity_b, first_seen)
SELECT e.id, e.event_type, a.entity_id, b.entity_id, e.first_seen
FROM events e
JOIN event_participants a ON a.event_id = e.id
JOIN event_participants b ON b.event_id = e.id AND a.entity_id < b.entity_id;
