-- Session search (docs/API.md "List sessions"): every filter of the sessions list is an indexed
-- lookup, not a scan of JSON columns or blobs.
--
-- Columns kept current by ingest (store_segment): counters, the parsed browser, OS, device and
-- viewport width, experiments (JSON name → variant), and the search words (core::search):
-- search_text (URLs, custom events, error messages, failed request URLs), search_console
-- (console messages) and search_labels (the end user and experiments; tags are indexed from the
-- tags column itself).
ALTER TABLE sessions ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN console_error_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN failed_request_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN rage_click_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN viewport_width INTEGER;
ALTER TABLE sessions ADD COLUMN browser TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN device_type TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN experiments TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sessions ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN search_console TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN search_labels TEXT NOT NULL DEFAULT '';

-- The other sort keys, each with the id tie-break of the keyset.
CREATE INDEX sessions_org_duration ON sessions (organization_id, duration, id);
CREATE INDEX sessions_org_event_count ON sessions (organization_id, event_count, id);
CREATE INDEX sessions_org_errors ON sessions (organization_id, error_count, id);

-- Every URL a session visited (not capped like sessions.urls): exact lookups by the index,
-- "contains" by the trigram index below.
CREATE TABLE session_urls (
    id               INTEGER PRIMARY KEY,
    session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL,
    url              TEXT NOT NULL,
    UNIQUE (session_id, url)
);
CREATE INDEX session_urls_org_url ON session_urls (organization_id, url);
CREATE VIRTUAL TABLE session_urls_trigram USING fts5(
    url, content = 'session_urls', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER session_urls_trigram_insert AFTER INSERT ON session_urls BEGIN
    INSERT INTO session_urls_trigram (rowid, url) VALUES (new.id, new.url);
END;
CREATE TRIGGER session_urls_trigram_delete AFTER DELETE ON session_urls BEGIN
    INSERT INTO session_urls_trigram (session_urls_trigram, rowid, url) VALUES ('delete', old.id, old.url);
END;

-- Tags, one row per key, rewritten by trigger whenever sessions.tags changes (ingest or the tags
-- API): whoever writes the tags, the index follows.
CREATE TABLE session_tags (
    session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL,
    key              TEXT NOT NULL,
    value            TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
);
CREATE INDEX session_tags_lookup ON session_tags (organization_id, key, value);
CREATE TRIGGER session_tags_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO session_tags (session_id, organization_id, key, value)
    SELECT new.id, new.organization_id, key, value FROM json_each(new.tags);
END;
CREATE TRIGGER session_tags_update AFTER UPDATE OF tags ON sessions WHEN old.tags IS NOT new.tags BEGIN
    DELETE FROM session_tags WHERE session_id = new.id;
    INSERT INTO session_tags (session_id, organization_id, key, value)
    SELECT new.id, new.organization_id, key, value FROM json_each(new.tags);
END;

-- Exact-match facts of a session, one row each: facet `event` (custom event name), `status`
-- (network status; 0 = failed), `experiment` (name), `variant` (name=variant), `user` (the
-- end user's id, email and name, lowercase, for exact or prefix matches).
CREATE TABLE session_facets (
    session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL,
    facet            TEXT NOT NULL,
    value            TEXT NOT NULL,
    PRIMARY KEY (session_id, facet, value)
);
CREATE INDEX session_facets_lookup ON session_facets (organization_id, facet, value);

-- Links from a session to tickets and issues (from the SDK's meta.ticket, or the links API).
CREATE TABLE session_links (
    id               TEXT PRIMARY KEY,
    session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('ticket', 'issue', 'link')),
    ref              TEXT NOT NULL,
    url              TEXT,
    created_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (session_id, kind, ref)
);
CREATE INDEX session_links_org_ref ON session_links (organization_id, ref);
-- A link's ref is searchable text at once, whoever adds it (ingest recomputes the labels from
-- the session's links with its next batch; a deleted link's words stay until then).
CREATE TRIGGER session_links_search AFTER INSERT ON session_links BEGIN
    UPDATE sessions SET search_labels = trim(search_labels || ' ' || lower(new.ref))
    WHERE id = new.session_id;
END;

-- Free text: FTS5 over the search columns and the tags, keyed by the session's rowid (external
-- content: the text lives once, in sessions). Triggers (at the end) keep it in step with every
-- write.
-- (A VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY; after one, run
-- INSERT INTO sessions_fts(sessions_fts) VALUES ('rebuild').)
CREATE VIRTUAL TABLE sessions_fts USING fts5(
    search_text, search_console, search_labels, tags, content = 'sessions', content_rowid = 'rowid'
);
-- Backfill what the stored rows tell cheaply. Not backfilled (stored sealed or never kept):
-- console_error_count, rage_click_count, console text's levels; experiments did not exist.
UPDATE sessions SET
    browser = coalesce(json_extract(browser_info, '$.browser'), ''),
    os = coalesce(json_extract(browser_info, '$.os'), ''),
    device_type = coalesce(json_extract(browser_info, '$.device_type'), ''),
    viewport_width = json_extract(viewport_size, '$.width'),
    error_count = (SELECT count(*) FROM session_events e
                   WHERE e.session_id = sessions.id AND e.event_type = 'error'),
    failed_request_count = (SELECT count(*) FROM session_events e
                            WHERE e.session_id = sessions.id AND e.event_type = 'network'
                              AND (e.searchable_text LIKE '% failed'
                                   OR CAST(substr(e.searchable_text, length(rtrim(e.searchable_text, '0123456789')) + 1) AS INTEGER) >= 400)),
    search_text = substr(coalesce((SELECT group_concat(e.searchable_text, ' ') FROM session_events e
                                   WHERE e.session_id = sessions.id
                                     AND e.event_type IN ('page_view', 'custom', 'error')), ''), 1, 16384),
    search_console = substr(coalesce((SELECT group_concat(e.searchable_text, ' ') FROM session_events e
                                      WHERE e.session_id = sessions.id AND e.event_type = 'console'), ''), 1, 16384),
    search_labels = lower(coalesce(user_id, '') || ' ' || coalesce(user_email, '') || ' ' || coalesce(user_name, ''));
INSERT OR IGNORE INTO session_urls (session_id, organization_id, url)
SELECT s.id, s.organization_id, json_extract(u.value, '$.url') FROM sessions s, json_each(s.urls) u
WHERE json_extract(u.value, '$.url') IS NOT NULL;
INSERT OR IGNORE INTO session_tags (session_id, organization_id, key, value)
SELECT s.id, s.organization_id, t.key, t.value FROM sessions s, json_each(s.tags) t;
INSERT OR IGNORE INTO session_facets (session_id, organization_id, facet, value)
SELECT s.id, s.organization_id, 'event', substr(e.label, 1, 200) FROM sessions s
JOIN session_events e ON e.session_id = s.id
WHERE e.event_type = 'custom' AND e.label NOT LIKE 'tapedeck.%';
INSERT OR IGNORE INTO session_facets (session_id, organization_id, facet, value)
SELECT id, organization_id, 'status', status FROM (
    SELECT s.id, s.organization_id,
           CASE WHEN e.searchable_text LIKE '% failed' THEN '0'
                ELSE substr(e.searchable_text, length(rtrim(e.searchable_text, '0123456789')) + 1) END AS status
    FROM sessions s JOIN session_events e ON e.session_id = s.id
    WHERE e.event_type = 'network'
) WHERE status != '';
INSERT OR IGNORE INTO session_facets (session_id, organization_id, facet, value)
SELECT id, organization_id, 'user', lower(v) FROM (
    SELECT id, organization_id, user_id AS v FROM sessions
    UNION ALL SELECT id, organization_id, user_email FROM sessions
    UNION ALL SELECT id, organization_id, user_name FROM sessions
) WHERE v IS NOT NULL AND v != '';
INSERT INTO sessions_fts (sessions_fts) VALUES ('rebuild');

-- The FTS triggers come last: during the backfill above they would have asked FTS5 to delete
-- rows it never indexed, which corrupts an external-content index.
CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO sessions_fts (rowid, search_text, search_console, search_labels, tags)
    VALUES (new.rowid, new.search_text, new.search_console, new.search_labels, new.tags);
END;
CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO sessions_fts (sessions_fts, rowid, search_text, search_console, search_labels, tags)
    VALUES ('delete', old.rowid, old.search_text, old.search_console, old.search_labels, old.tags);
END;
CREATE TRIGGER sessions_fts_update AFTER UPDATE OF search_text, search_console, search_labels, tags ON sessions
WHEN old.search_text IS NOT new.search_text OR old.search_console IS NOT new.search_console
  OR old.search_labels IS NOT new.search_labels OR old.tags IS NOT new.tags BEGIN
    INSERT INTO sessions_fts (sessions_fts, rowid, search_text, search_console, search_labels, tags)
    VALUES ('delete', old.rowid, old.search_text, old.search_console, old.search_labels, old.tags);
    INSERT INTO sessions_fts (rowid, search_text, search_console, search_labels, tags)
    VALUES (new.rowid, new.search_text, new.search_console, new.search_labels, new.tags);
END;
