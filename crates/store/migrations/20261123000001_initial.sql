-- Readout's store: articles (the durable queue), the entity registry, and the
-- extracted mentions, quotes and events with their source articles.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Articles double as the processing queue: an accepted article is a row in
-- state 'pending'; workers claim rows with FOR UPDATE SKIP LOCKED under a lease.
CREATE TABLE articles (
    id               uuid PRIMARY KEY,
    content_sha256   text NOT NULL UNIQUE,
    request_id       text UNIQUE,
    title            text NOT NULL,
    body             text NOT NULL,
    source_url       text NOT NULL DEFAULT '',
    published_date   date,
    state            text NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'processing', 'done', 'failed')),
    attempt_count    integer NOT NULL DEFAULT 0,
    lease_owner      text,
    lease_expires_at timestamptz,
    last_error       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    processed_at     timestamptz
);
CREATE INDEX articles_claimable ON articles (created_at) WHERE state IN ('pending', 'processing');

-- The entity registry. Written only by the entity service.
CREATE TABLE entities (
    id             uuid PRIMARY KEY,
    display_name   text NOT NULL,
    entity_type    text NOT NULL CHECK (entity_type IN ('PERSON', 'ORG', 'GPE', 'LOC', 'EVENT_NAME')),
    canonical_key  text NOT NULL,
    affiliation_id uuid REFERENCES entities (id) ON DELETE SET NULL,
    mention_count  bigint NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entity_type, canonical_key)
);
CREATE INDEX entities_name_trgm ON entities USING gin (canonical_key gin_trgm_ops);

CREATE TABLE entity_aliases (
    entity_id uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias     text NOT NULL,
    alias_key text NOT NULL,
    PRIMARY KEY (entity_id, alias_key)
);
CREATE INDEX entity_aliases_key ON entity_aliases (alias_key);
CREATE INDEX entity_aliases_trgm ON entity_aliases USING gin (alias_key gin_trgm_ops);

CREATE TABLE entity_roles (
    entity_id  uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    title      text NOT NULL,
    seen_date  date NOT NULL,
    article_id uuid REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, title, seen_date)
);

-- Written by the ingest worker, in the transaction that marks the article done.
CREATE TABLE mentions (
    article_id   uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset   integer NOT NULL,
    entity_id    uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    text         text NOT NULL,
    PRIMARY KEY (article_id, start_offset)
);
CREATE INDEX mentions_entity ON mentions (entity_id);

-- One row per distinct quote (normalised words); quote_sources lists every article carrying it.
CREATE TABLE quotes (
    id           uuid PRIMARY KEY,
    text_key     text NOT NULL UNIQUE,
    text         text NOT NULL,
    speaker_id   uuid REFERENCES entities (id) ON DELETE SET NULL,
    speaker_text text NOT NULL DEFAULT '',
    cue          text NOT NULL DEFAULT '',
    partial      boolean NOT NULL,
    confidence   real NOT NULL,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    -- the date the quote is dated by: the earliest source's publication date
    quote_date   date,
    search       tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
);
CREATE INDEX quotes_search ON quotes USING gin (search);
CREATE INDEX quotes_speaker ON quotes (speaker_id, first_seen DESC);
CREATE INDEX quotes_recent ON quotes (first_seen DESC, id DESC);

CREATE TABLE quote_sources (
    quote_id     uuid NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    article_id   uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset   integer NOT NULL,
    PRIMARY KEY (quote_id, article_id, start_offset)
);
CREATE INDEX quote_sources_article ON quote_sources (article_id);

-- One row per real-world event; event_sources lists every article telling it.
CREATE TABLE events (
    id             uuid PRIMARY KEY,
    event_type     text NOT NULL,
    mode           text NOT NULL DEFAULT '',
    place_id       uuid REFERENCES entities (id) ON DELETE SET NULL,
    date_value     text NOT NULL DEFAULT '',
    date_precision text NOT NULL DEFAULT '',
    date_text      text NOT NULL DEFAULT '',
    -- first day of the date's period, for ordering and range filters
    date_start     date,
    status         text NOT NULL,
    confidence     real NOT NULL,
    -- sorted participant ids joined by ',': the dedup candidate key
    participant_key text NOT NULL,
    first_seen     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_dedup ON events (event_type, participant_key);
CREATE INDEX events_recent ON events (date_start DESC NULLS LAST, first_seen DESC, id DESC);

CREATE TABLE event_participants (
    event_id  uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    entity_id uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    position  integer NOT NULL,
    PRIMARY KEY (event_id, entity_id)
);
CREATE INDEX event_participants_entity ON event_participants (entity_id, event_id);

CREATE TABLE event_sources (
    event_id     uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    article_id   uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    evidence     text NOT NULL,
    start_offset integer NOT NULL,
    end_offset   integer NOT NULL,
    PRIMARY KEY (event_id, article_id, start_offset)
);
CREATE INDEX event_sources_article ON event_sources (article_id);
