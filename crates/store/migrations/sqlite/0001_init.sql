-- Tapedeck metadata, SQLite flavour. Times are milliseconds since the epoch (INTEGER);
-- JSON columns hold serde_json text. PostgreSQL gets the same schema in spirit.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE projects (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    ingest_key       TEXT NOT NULL UNIQUE,
    allowed_origins  TEXT NOT NULL DEFAULT '[]',
    settings         TEXT NOT NULL DEFAULT '{}',
    created_at       INTEGER NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE memberships (
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);

-- One-time links that let the first owner of an organization create their account.
CREATE TABLE setup_tokens (
    token_hash       TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);

-- Web app logins (the cookie holds the token, we keep its SHA-256).
CREATE TABLE logins (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY,
    project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    organization_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id             TEXT,
    user_email          TEXT,
    user_name           TEXT,
    started_at          INTEGER NOT NULL,
    ended_at            INTEGER NOT NULL,
    duration            REAL NOT NULL,
    browser_info        TEXT NOT NULL DEFAULT '{}',
    viewport_size       TEXT,
    page_views          INTEGER NOT NULL DEFAULT 0,
    first_url           TEXT,
    urls                TEXT NOT NULL DEFAULT '[]',
    event_count         INTEGER NOT NULL DEFAULT 0,
    storage_url         TEXT NOT NULL,
    storage_size_bytes  INTEGER NOT NULL DEFAULT 0,
    tags                TEXT NOT NULL DEFAULT '{}',
    metadata            TEXT NOT NULL DEFAULT '{}',
    status              TEXT NOT NULL CHECK (status IN ('recording', 'processing', 'ready', 'failed')),
    last_ingest_at      INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX sessions_org_started ON sessions (organization_id, started_at DESC, id DESC);
CREATE INDEX sessions_status_ingest ON sessions (status, last_ingest_at);

-- One row per acknowledged ingest batch; the primary key makes ingest idempotent.
CREATE TABLE segments (
    session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    blob_key     TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    first_ts     INTEGER NOT NULL,
    last_ts      INTEGER NOT NULL,
    event_count  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, window_id, seq)
);

-- Searchable facts extracted on ingest (page views for now; clicks, errors … later).
CREATE TABLE session_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    timestamp        INTEGER NOT NULL,
    data             TEXT NOT NULL DEFAULT '{}',
    searchable_text  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_events_session ON session_events (session_id, timestamp);

-- Small key/value settings of the installation (e.g. which project the demo records into).
CREATE TABLE instance_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
