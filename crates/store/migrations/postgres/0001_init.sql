-- Tapedeck metadata, PostgreSQL flavour of sqlite/0001_init.sql (same tables, same meaning).
-- Times are milliseconds since the epoch (BIGINT); JSON columns are JSONB. Every TEXT column
-- collates "C" (byte order, like SQLite's BINARY), so ORDER BY, keyset pages and equality are the
-- same on both engines whatever the database's default locale is.

CREATE TABLE organizations (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE projects (
    id               TEXT COLLATE "C" PRIMARY KEY,
    organization_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT COLLATE "C" NOT NULL,
    ingest_key       TEXT COLLATE "C" NOT NULL UNIQUE,
    allowed_origins  JSONB NOT NULL DEFAULT '[]',
    settings         JSONB NOT NULL DEFAULT '{}',
    created_at       BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

-- Emails are unique ignoring ASCII case, exactly like SQLite's COLLATE NOCASE: lower() under
-- the "C" collation folds A-Z only.
CREATE TABLE users (
    id             TEXT COLLATE "C" PRIMARY KEY,
    email          TEXT COLLATE "C" NOT NULL,
    password_hash  TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_nocase ON users (lower(email));

CREATE TABLE memberships (
    user_id          TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role             TEXT COLLATE "C" NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);

-- One-time links that let the first owner of an organization create their account.
CREATE TABLE setup_tokens (
    token_hash       TEXT COLLATE "C" PRIMARY KEY,
    organization_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role             TEXT COLLATE "C" NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT
);

-- Web app logins (the cookie holds the token, we keep its SHA-256).
CREATE TABLE logins (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE sessions (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    project_id          TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    organization_id     TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id             TEXT COLLATE "C",
    user_email          TEXT COLLATE "C",
    user_name           TEXT COLLATE "C",
    started_at          BIGINT NOT NULL,
    ended_at            BIGINT NOT NULL,
    duration            DOUBLE PRECISION NOT NULL,
    browser_info        JSONB NOT NULL DEFAULT '{}',
    viewport_size       JSONB,
    page_views          BIGINT NOT NULL DEFAULT 0,
    first_url           TEXT COLLATE "C",
    urls                JSONB NOT NULL DEFAULT '[]',
    event_count         BIGINT NOT NULL DEFAULT 0,
    storage_url         TEXT COLLATE "C" NOT NULL,
    storage_size_bytes  BIGINT NOT NULL DEFAULT 0,
    tags                JSONB NOT NULL DEFAULT '{}',
    metadata            JSONB NOT NULL DEFAULT '{}',
    status              TEXT COLLATE "C" NOT NULL CHECK (status IN ('recording', 'processing', 'ready', 'failed')),
    last_ingest_at      BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX sessions_org_started ON sessions (organization_id, started_at DESC, id DESC);
CREATE INDEX sessions_status_ingest ON sessions (status, last_ingest_at);

-- One row per acknowledged ingest batch; the primary key makes ingest idempotent.
CREATE TABLE segments (
    session_id   TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id    TEXT COLLATE "C" NOT NULL,
    seq          BIGINT NOT NULL,
    blob_key     TEXT COLLATE "C" NOT NULL,
    size_bytes   BIGINT NOT NULL,
    first_ts     BIGINT NOT NULL,
    last_ts      BIGINT NOT NULL,
    event_count  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (session_id, window_id, seq)
);

-- Searchable facts extracted on ingest (page views for now; clicks, errors … later).
CREATE TABLE session_events (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id       TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    event_type       TEXT COLLATE "C" NOT NULL,
    timestamp        BIGINT NOT NULL,
    data             JSONB NOT NULL DEFAULT '{}',
    searchable_text  TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX session_events_session ON session_events (session_id, timestamp);

-- Small key/value settings of the installation (e.g. which project the demo records into).
CREATE TABLE instance_settings (
    key    TEXT COLLATE "C" PRIMARY KEY,
    value  TEXT COLLATE "C" NOT NULL
);
