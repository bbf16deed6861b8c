-- Failures caused by the article itself, counted apart from processing
-- attempts: an outage of the database or of the entity service releases the
-- article without counting against it, and only `max_attempts` failures of its
-- own make it `failed`.
ALTER TABLE articles ADD COLUMN failures integer NOT NULL DEFAULT 0;
