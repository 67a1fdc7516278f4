-- The session timeline (docs/API.md "Timeline"): entries extracted on ingest live in
-- session_events, one row each (event_type click, navigation, custom, console, error, network),
-- plus one `activity` row per batch holding its spans of user interaction ([[from, to], …]).
-- Rows stored before this migration have no window_id.
ALTER TABLE session_events ADD COLUMN window_id TEXT;
ALTER TABLE session_events ADD COLUMN label TEXT NOT NULL DEFAULT '';
CREATE INDEX session_events_window ON session_events (session_id, window_id, event_type, timestamp);

-- Notes at a moment of a session's replay (player clock). They go with their session.
CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    author_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
    at_ms       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX notes_session ON notes (session_id, at_ms);
