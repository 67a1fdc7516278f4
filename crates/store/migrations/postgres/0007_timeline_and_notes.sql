-- The session timeline (docs/API.md "Timeline"): entries extracted on ingest live in
-- session_events, one row each (event_type click, navigation, custom, console, error, network),
-- plus one `activity` row per batch holding its spans of user interaction ([[from, to], …]).
-- Rows stored before this migration have no window_id.
ALTER TABLE session_events ADD COLUMN window_id TEXT COLLATE "C";
ALTER TABLE session_events ADD COLUMN label TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX session_events_window ON session_events (session_id, window_id, event_type, timestamp);

-- Notes at a moment of a session's replay (player clock). They go with their session.
CREATE TABLE notes (
    id          TEXT COLLATE "C" PRIMARY KEY,
    session_id  TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    author_id   TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
    at_ms       BIGINT NOT NULL,
    text        TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX notes_session ON notes (session_id, at_ms);
