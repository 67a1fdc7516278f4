-- Session search (docs/API.md "List sessions"): every filter of the sessions list is an indexed
-- lookup, not a scan of JSON columns or blobs. Same tables as SQLite's 0008; free text is a
-- tsvector with a GIN index (session_search), URL "contains" a pg_trgm GIN index.
--
-- Columns kept current by ingest (store_segment): counters, the parsed browser, OS, device and
-- viewport width, experiments (name → variant), and the search words (core::search):
-- search_text (URLs, custom events, error messages, failed request URLs), search_console
-- (console messages) and search_labels (the end user and experiments; tags come from the tags
-- column itself).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE sessions ADD COLUMN error_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN console_error_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN failed_request_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN rage_click_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN viewport_width BIGINT;
ALTER TABLE sessions ADD COLUMN browser TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN os TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN device_type TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN experiments JSONB NOT NULL DEFAULT '{}';
ALTER TABLE sessions ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN search_console TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN search_labels TEXT NOT NULL DEFAULT '';
-- Free text: a tsvector in its own table, rewritten by trigger only when a search column or the
-- tags change. (On sessions itself, every batch's update — a new row version, since indexed
-- columns change — would re-insert all of the session's words into the GIN index.) Console
-- words carry weight A, so the `console` filter asks for `word:A`; `q` matches any. Tags are
-- split into words here (the JSON's punctuation would glue them together).
CREATE TABLE session_search (
    session_id       TEXT COLLATE "C" PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT COLLATE "C" NOT NULL,
    tsv              tsvector NOT NULL
);
CREATE INDEX session_search_tsv ON session_search USING GIN (tsv);
CREATE FUNCTION session_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.search_text IS NOT DISTINCT FROM OLD.search_text
        AND NEW.search_console IS NOT DISTINCT FROM OLD.search_console
        AND NEW.search_labels IS NOT DISTINCT FROM OLD.search_labels
        AND NEW.tags IS NOT DISTINCT FROM OLD.tags THEN
        RETURN NULL;
    END IF;
    INSERT INTO session_search (session_id, organization_id, tsv)
    VALUES (NEW.id, NEW.organization_id,
        setweight(to_tsvector('simple'::regconfig,
            NEW.search_text || ' ' || NEW.search_labels || ' '
            || regexp_replace(lower(NEW.tags::text), '[^[:alnum:]]+', ' ', 'g')), 'D')
        || setweight(to_tsvector('simple'::regconfig, NEW.search_console), 'A'))
    ON CONFLICT (session_id) DO UPDATE SET tsv = EXCLUDED.tsv;
    RETURN NULL;
END;
$$;
CREATE TRIGGER session_search_sync AFTER INSERT OR UPDATE OF search_text, search_console, search_labels, tags
    ON sessions FOR EACH ROW EXECUTE FUNCTION session_search_sync();

-- The other sort keys, each with the id tie-break of the keyset.
CREATE INDEX sessions_org_duration ON sessions (organization_id, duration, id);
CREATE INDEX sessions_org_event_count ON sessions (organization_id, event_count, id);
CREATE INDEX sessions_org_errors ON sessions (organization_id, error_count, id);

-- Every URL a session visited (not capped like sessions.urls). URLs may be longer than a btree
-- entry allows: exact lookups use a hash index, "contains" the trigram index. Ingest inserts
-- each URL once under the session row's lock (no unique index for the same reason).
CREATE TABLE session_urls (
    session_id       TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT COLLATE "C" NOT NULL,
    url              TEXT COLLATE "C" NOT NULL
);
CREATE INDEX session_urls_session ON session_urls (session_id);
CREATE INDEX session_urls_exact ON session_urls USING HASH (url);
CREATE INDEX session_urls_trigram ON session_urls USING GIN (lower(url) gin_trgm_ops);

-- Tags, one row per key, rewritten by trigger whenever sessions.tags changes (ingest or the tags
-- API): whoever writes the tags, the index follows.
CREATE TABLE session_tags (
    session_id       TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT COLLATE "C" NOT NULL,
    key              TEXT COLLATE "C" NOT NULL,
    value            TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (session_id, key)
);
CREATE INDEX session_tags_lookup ON session_tags (organization_id, key, value);
CREATE FUNCTION session_tags_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.tags IS NOT DISTINCT FROM NEW.tags THEN
            RETURN NULL;
        END IF;
        DELETE FROM session_tags WHERE session_id = NEW.id;
    END IF;
    INSERT INTO session_tags (session_id, organization_id, key, value)
    SELECT NEW.id, NEW.organization_id, t.key, t.value FROM jsonb_each_text(NEW.tags) t;
    RETURN NULL;
END;
$$;
CREATE TRIGGER session_tags_sync AFTER INSERT OR UPDATE OF tags ON sessions
    FOR EACH ROW EXECUTE FUNCTION session_tags_sync();

-- Exact-match facts of a session, one row each: facet `event` (custom event name), `status`
-- (network status; 0 = failed), `experiment` (name), `variant` (name=variant), `user` (the
-- end user's id, email and name, lowercase, for exact or prefix matches).
CREATE TABLE session_facets (
    session_id       TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT COLLATE "C" NOT NULL,
    facet            TEXT COLLATE "C" NOT NULL,
    value            TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (session_id, facet, value)
);
CREATE INDEX session_facets_lookup ON session_facets (organization_id, facet, value);

-- Links from a session to tickets and issues (from the SDK's meta.ticket, or the links API).
CREATE TABLE session_links (
    id               TEXT COLLATE "C" PRIMARY KEY,
    session_id       TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT COLLATE "C" NOT NULL,
    kind             TEXT COLLATE "C" NOT NULL CHECK (kind IN ('ticket', 'issue', 'link')),
    ref              TEXT COLLATE "C" NOT NULL,
    url              TEXT COLLATE "C",
    created_by       TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
    created_at       BIGINT NOT NULL,
    UNIQUE (session_id, kind, ref)
);
CREATE INDEX session_links_org_ref ON session_links (organization_id, ref);
-- A link's ref is searchable text at once, whoever adds it (ingest recomputes the labels from
-- the session's links with its next batch; a deleted link's words stay until then).
CREATE FUNCTION session_links_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions
    SET search_labels = trim(search_labels || ' '
        || regexp_replace(lower(NEW.ref), '[^[:alnum:]]+', ' ', 'g'))
    WHERE id = NEW.session_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER session_links_search AFTER INSERT ON session_links
    FOR EACH ROW EXECUTE FUNCTION session_links_search();

-- Backfill what the stored rows tell cheaply. Not backfilled (stored sealed or never kept):
-- console_error_count, rage_click_count, console text's levels; experiments did not exist.
UPDATE sessions SET
    browser = coalesce(browser_info ->> 'browser', ''),
    os = coalesce(browser_info ->> 'os', ''),
    device_type = coalesce(browser_info ->> 'device_type', ''),
    viewport_width = (viewport_size ->> 'width')::bigint,
    error_count = (SELECT count(*) FROM session_events e
                   WHERE e.session_id = sessions.id AND e.event_type = 'error'),
    failed_request_count = (SELECT count(*) FROM session_events e
                            WHERE e.session_id = sessions.id AND e.event_type = 'network'
                              AND (e.searchable_text LIKE '% failed'
                                   OR coalesce(substring(e.searchable_text FROM '([0-9]{3})$')::int, 0) >= 400)),
    search_text = left(regexp_replace(lower(coalesce((
        SELECT string_agg(e.searchable_text, ' ') FROM session_events e
        WHERE e.session_id = sessions.id AND e.event_type IN ('page_view', 'custom', 'error')), '')),
        '[^[:alnum:]]+', ' ', 'g'), 16384),
    search_console = left(regexp_replace(lower(coalesce((
        SELECT string_agg(e.searchable_text, ' ') FROM session_events e
        WHERE e.session_id = sessions.id AND e.event_type = 'console'), '')),
        '[^[:alnum:]]+', ' ', 'g'), 16384),
    search_labels = regexp_replace(lower(coalesce(user_id, '') || ' ' || coalesce(user_email, '')
        || ' ' || coalesce(user_name, '')), '[^[:alnum:]]+', ' ', 'g');
INSERT INTO session_urls (session_id, organization_id, url)
SELECT DISTINCT s.id, s.organization_id, u.value ->> 'url' FROM sessions s, jsonb_array_elements(s.urls) u
WHERE u.value ->> 'url' IS NOT NULL;
INSERT INTO session_tags (session_id, organization_id, key, value)
SELECT s.id, s.organization_id, t.key, t.value FROM sessions s, jsonb_each_text(s.tags) t
ON CONFLICT DO NOTHING;
INSERT INTO session_facets (session_id, organization_id, facet, value)
SELECT s.id, s.organization_id, 'event', left(e.label, 200) FROM sessions s
JOIN session_events e ON e.session_id = s.id
WHERE e.event_type = 'custom' AND e.label NOT LIKE 'tapedeck.%'
ON CONFLICT DO NOTHING;
INSERT INTO session_facets (session_id, organization_id, facet, value)
SELECT s.id, s.organization_id, 'status',
       CASE WHEN e.searchable_text LIKE '% failed' THEN '0'
            ELSE substring(e.searchable_text FROM '([0-9]{3})$') END
FROM sessions s JOIN session_events e ON e.session_id = s.id
WHERE e.event_type = 'network'
  AND (e.searchable_text LIKE '% failed' OR e.searchable_text ~ '[0-9]{3}$')
ON CONFLICT DO NOTHING;
INSERT INTO session_facets (session_id, organization_id, facet, value)
SELECT id, organization_id, 'user', lower(v) FROM (
    SELECT id, organization_id, user_id AS v FROM sessions
    UNION ALL SELECT id, organization_id, user_email FROM sessions
    UNION ALL SELECT id, organization_id, user_name FROM sessions
) users WHERE v IS NOT NULL AND v <> ''
ON CONFLICT DO NOTHING;
