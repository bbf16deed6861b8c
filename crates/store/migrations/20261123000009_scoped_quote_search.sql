-- Month-scoped full-text keys for quote search that reaches past the newest
-- quotes. Each quote's lexemes are stored again prefixed with the month it
-- was said in (`m202311~taiwan`), so a GIN posting list holds one month's
-- matches of a word. One GIN index holds these keys with the speaker and the
-- speaker's country (btree_gin, which must be installable: it is a trusted
-- contrib extension since PostgreSQL 13): a search probes months newest first, and
-- within a month the index intersects the (short) posting lists of the words
-- with the speaker's or country's, driven by the shortest. Its cost follows
-- the matches it needs, not how many quotes hold a word or how many quotes a
-- speaker has.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The month-scoped keys of one quote. Immutable: it reads nothing but its
-- arguments (to_char of a timestamp's numeric fields depends on no setting).
CREATE FUNCTION readout_quote_month_keys(body text, day date)
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(array_to_tsvector(array_agg('m' || to_char(day::timestamp, 'YYYYMM') || '~' || w)), ''::tsvector)
    FROM unnest(tsvector_to_array(to_tsvector('english', body))) w
$$;

-- A text-search query over one month's keys (`scope` is `m<YYYYMM>~`): every
-- lexeme prefixed; phrase operators become AND (the keys carry no positions;
-- searches check the exact query against quotes.search as well).
CREATE FUNCTION readout_scoped_query(query tsquery, scope text)
RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(
               regexp_replace(query::text, '<[0-9-]+>', '&', 'g'),
               '''((?:[^'']|'''')+)''', '''' || scope || '\1''', 'g')::tsquery
$$;

ALTER TABLE quotes ADD COLUMN month_search tsvector
    GENERATED ALWAYS AS (readout_quote_month_keys(text, COALESCE(quote_date, DATE '0001-01-01'))) STORED;
-- Speaker and country as text: only searches that ask for this index match
-- these expressions, so no plan mistakes it for the order indexes.
CREATE INDEX quotes_month_search ON quotes
    USING gin ((speaker_id::text), (speaker_country_id::text), month_search);
