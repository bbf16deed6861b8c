-- Direction: who acts (source) and whom the act is aimed at (target), beside
-- the other participants; events stored before carry 'other'.
ALTER TABLE event_participants ADD COLUMN role text NOT NULL DEFAULT 'other'
    CHECK (role IN ('source', 'target', 'other'));

-- What the one identity rule (readout_extract::events::identity) needs of a
-- stored event: the anchor its relative date was resolved against, and when
-- the telling that created it was reported ('' when unknown).
ALTER TABLE events ADD COLUMN date_anchor text NOT NULL DEFAULT '',
                   ADD COLUMN reported text NOT NULL DEFAULT '';
