-- Keys that find a new person name's possible spelling variants without
-- reading every registry name: variants either spell the same letters once
-- spaces and hyphens are dropped (Kim Jong Un / Kim Jong-un), or share every
-- word's initial (Prayuth Chan-ocha / Prayut Chan-o-cha). The trigram search
-- that ranked every person by similarity cost time in proportion to the
-- registry, under the registry's writer lock.
ALTER TABLE entities
    ADD COLUMN name_initials text GENERATED ALWAYS AS (regexp_replace(canonical_key, '(\S)\S*\s*', '\1', 'g')) STORED,
    ADD COLUMN name_squashed text GENERATED ALWAYS AS (regexp_replace(canonical_key, '[ -]', '', 'g')) STORED;
CREATE INDEX entities_name_initials ON entities (entity_type, name_initials);
CREATE INDEX entities_name_squashed ON entities (entity_type, name_squashed);
