-- Fills a migrated Readout store with {articles} synthetic articles' worth of
-- results, in bulk, for the lookup benchmark. Shapes follow what the pipeline
-- stores for the generated corpus: about 5 mentions, 3 quotes and 2.3 event
-- tellings per article, events retold by several articles, people's
-- prominence skewed (a few appear in a few percent of all articles, most
-- rarely), affiliations to countries equally skewed. Rows are written
-- directly; the benchmark measures lookups, not extraction.
-- Placeholders: {articles} {events} {quotes} {people} {countries} {places}.
SELECT setseed(0.42);

-- Articles: ten years of news, five minutes apart.
INSERT INTO articles (id, content_sha256, title, body, published_date, state, created_at, processed_at)
SELECT md5('article-' || i)::uuid, md5('article-' || i) || md5('body-' || i),
       'Synthetic article ' || i,
       'Synthetic article ' || i || ': rows written by the lookup benchmark, no text.',
       DATE '2015-01-01' + (i::bigint * 3650 / {articles})::int, 'done',
       TIMESTAMPTZ '2015-01-01 00:00:00+00' + i * interval '5 minutes',
       TIMESTAMPTZ '2015-01-01 00:00:00+00' + i * interval '5 minutes'
FROM generate_series(0, {articles} - 1) i;

-- Mentions: three people, a country and a place per article.
INSERT INTO mentions (article_id, start_offset, end_offset, entity_id, text)
SELECT md5('article-' || i)::uuid, k * 20, k * 20 + 10,
       CASE WHEN k < 3 THEN md5('person-' || ((floor({people} * power(random(), 3))::int + k * 7) % {people}))::uuid
            WHEN k = 3 THEN md5('country-' || floor({countries} * power(random(), 2))::int)::uuid
            ELSE md5('place-' || floor({places} * power(random(), 2))::int)::uuid END,
       'name'
FROM generate_series(0, {articles} - 1) i, generate_series(0, 4) k;

-- Events, told first by article floor(e * articles / events).
CREATE TEMP TABLE bench_events AS
SELECT e AS ordinal, md5('event-' || e)::uuid AS id,
       a, CASE WHEN b = a THEN (b + 1) % {people} ELSE b END AS b,
       (ARRAY['CONSULT','CONSULT','CONSULT','CONSULT','CONSULT','CONSULT','AGREE','AGREE','ACCUSE','MOBILIZE','SANCTION'])[1 + floor(random() * 11)::int] AS event_type,
       CASE WHEN random() < 0.8 THEN md5('place-' || floor({places} * power(random(), 2))::int)::uuid END AS place_id,
       DATE '2015-01-01' + (e::bigint * 3650 / {events})::int - floor(random() * 3)::int AS date_start,
       TIMESTAMPTZ '2015-01-01 00:00:00+00' + (e::bigint * {articles} / {events}) * interval '5 minutes' AS first_seen,
       (e::bigint * {articles} / {events})::int AS first_article,
       1 + floor(random() * 5)::int AS tellings
FROM (SELECT e,
             floor({people} * power(random(), 3))::int AS a,
             floor({people} * power(random(), 3))::int AS b
      FROM generate_series(0, {events} - 1) e) drawn;

INSERT INTO events (id, event_type, mode, place_id, date_value, date_precision, date_text, date_start,
                    status, confidence, participant_key, first_seen)
SELECT id, event_type, CASE WHEN event_type = 'CONSULT' THEN 'meet' ELSE '' END, place_id,
       to_char(date_start, 'YYYY-MM-DD'), 'day', to_char(date_start, 'FMDay'), date_start,
       'occurred', 0.8,
       least(md5('person-' || a)::uuid::text, md5('person-' || b)::uuid::text) || ',' ||
       greatest(md5('person-' || a)::uuid::text, md5('person-' || b)::uuid::text),
       first_seen
FROM bench_events;

INSERT INTO event_participants (event_id, entity_id, position)
SELECT id, md5('person-' || a)::uuid, 0 FROM bench_events
UNION ALL
SELECT id, md5('person-' || b)::uuid, 1 FROM bench_events;

INSERT INTO event_pairs (event_id, event_type, entity_a, entity_b, first_seen)
SELECT id, event_type, least(md5('person-' || a)::uuid, md5('person-' || b)::uuid),
       greatest(md5('person-' || a)::uuid, md5('person-' || b)::uuid), first_seen
FROM bench_events;

INSERT INTO event_sources (event_id, article_id, evidence, start_offset, end_offset)
SELECT id, md5('article-' || least(first_article + t * 3, {articles} - 1))::uuid,
       'The two met.', 100 + t, 112 + t
FROM bench_events, generate_series(0, 4) t
WHERE t < tellings
ON CONFLICT DO NOTHING;

-- Quotes: three per article, words drawn from a news vocabulary.
CREATE TEMP TABLE bench_words AS
SELECT array_agg(word ORDER BY ordinal) AS words, count(*) AS n FROM unnest(ARRAY[
  'the','we','will','our','and','to','of','in','a','is','that','for','on','with','not','this','are','it','be','have',
  'security','trade','cooperation','relations','talks','economy','region','peace','support','dialogue',
  'government','people','future','stability','partners','interests','sovereignty','development','growth','agreement',
  'military','sanctions','tariffs','climate','energy','investment','technology','markets','exports','supply',
  'taiwan','ukraine','russia','china','europe','africa','asia','pacific','ocean','border',
  'election','democracy','rights','law','court','justice','freedom','press','reform','corruption',
  'nuclear','missile','defence','alliance','troops','navy','weapons','drills','ceasefire','conflict',
  'inflation','budget','debt','jobs','wages','banks','currency','prices','oil','gas',
  'health','vaccine','pandemic','water','food','farmers','floods','drought','emissions','coal',
  'students','schools','science','space','chips','data','privacy','internet','media','culture',
  'refugees','migration','aid','humanitarian','hostages','terrorism','cyber','espionage','smuggling','fisheries',
  'summit','visit','meeting','bilateral','multilateral','treaty','framework','roadmap','commitment','consensus',
  'respect','trust','responsibility','mutual','shared','common','strategic','comprehensive','practical','constructive',
  'concerns','serious','unacceptable','provocation','interference','pressure','threat','warning','escalation','restraint'
]) WITH ORDINALITY AS w(word, ordinal);

INSERT INTO quotes (id, text_key, text, speaker_id, speaker_text, cue, partial, confidence, first_seen, quote_date)
SELECT md5('quote-' || q)::uuid, md5('quote-' || q),
       initcap(substr(body, 1, 1)) || substr(body, 2) || '.',
       md5('person-' || floor({people} * power(random(), 3))::int)::uuid,
       'the official', 'said', random() < 0.2, 0.9,
       TIMESTAMPTZ '2015-01-01 00:00:00+00' + (q / 3) * interval '5 minutes' + (q % 3) * interval '1 second',
       DATE '2015-01-01' + ((q / 3)::bigint * 3650 / {articles})::int
FROM (SELECT q, (SELECT string_agg(words[1 + floor(n * power(random(), 1.6))::int], ' ')
                 FROM bench_words, generate_series(1, 12 + (q % 9)) g WHERE q >= 0) AS body
      FROM generate_series(0, {quotes} - 1) q) drawn;

INSERT INTO quote_sources (quote_id, article_id, start_offset, end_offset)
SELECT md5('quote-' || q)::uuid, md5('article-' || (q / 3))::uuid, 200 + (q % 3) * 100, 280 + (q % 3) * 100
FROM generate_series(0, {quotes} - 1) q;

UPDATE entities e SET mention_count = m.count
FROM (SELECT entity_id, count(*) AS count FROM mentions GROUP BY entity_id) m WHERE m.entity_id = e.id;
