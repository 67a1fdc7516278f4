-- Encryption at rest: one data key per organization, wrapped (sealed) by the master key.
CREATE TABLE data_keys (
    id TEXT PRIMARY KEY,                 -- key id (hex), written into every sealed part
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    wrapped_key BLOB NOT NULL,           -- nonce || XChaCha20-Poly1305(data key) under the master key
    master_key_id TEXT NOT NULL,         -- which master key wrapped it (rotation re-wraps)
    created_at INTEGER NOT NULL
);
-- One data key per organization; two nodes creating it at once agree on the first.
CREATE UNIQUE INDEX data_keys_organization ON data_keys(organization_id);

-- The audit log: append-only (no code path updates or deletes rows).
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,                 -- UUIDv7: time-ordered
    organization_id TEXT,                -- NULL for instance-wide actions
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,                 -- "user:<id>", "api_key:<id>", "system:retention", "cli"
    action TEXT NOT NULL,                -- e.g. session.view, session.delete, end_user.erase
    target TEXT NOT NULL,                -- e.g. "session:<id>"
    ip TEXT,
    details TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX audit_log_org_at ON audit_log(organization_id, at);
