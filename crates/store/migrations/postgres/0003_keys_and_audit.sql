-- Encryption at rest: one data key per organization, wrapped (sealed) by the master key.
CREATE TABLE data_keys (
    id TEXT COLLATE "C" PRIMARY KEY,              -- key id (hex), written into every sealed part
    organization_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    wrapped_key BYTEA NOT NULL,                   -- nonce || XChaCha20-Poly1305(data key) under the master key
    master_key_id TEXT COLLATE "C" NOT NULL,      -- which master key wrapped it (rotation re-wraps)
    created_at BIGINT NOT NULL
);
-- One data key per organization; two nodes creating it at once agree on the first.
CREATE UNIQUE INDEX data_keys_organization ON data_keys(organization_id);

-- The audit log: append-only (no code path updates or deletes rows).
CREATE TABLE audit_log (
    id TEXT COLLATE "C" PRIMARY KEY,              -- UUIDv7: time-ordered
    organization_id TEXT COLLATE "C",             -- NULL for instance-wide actions
    at BIGINT NOT NULL,
    actor TEXT COLLATE "C" NOT NULL,              -- "user:<id>", "api_key:<id>", "system:retention", "cli"
    action TEXT COLLATE "C" NOT NULL,             -- e.g. session.view, session.delete, end_user.erase
    target TEXT COLLATE "C" NOT NULL,             -- e.g. "session:<id>"
    ip TEXT COLLATE "C",
    details JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_org_at ON audit_log(organization_id, at);
