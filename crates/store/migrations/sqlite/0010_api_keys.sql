-- API keys for integrations (docs/SECURITY.md "API keys"): `Authorization: Bearer <secret>`
-- acts in one organization with `role`. Only the secret's SHA-256 is kept (`hash`); `prefix`
-- is its first characters, shown in lists to tell keys apart. A revoked key stays listed
-- (`revoked_at`) so the audit log's `api_key:<id>` actors keep a name.
CREATE TABLE api_keys (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    hash             TEXT NOT NULL UNIQUE,
    prefix           TEXT NOT NULL,
    created_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    last_used_at     INTEGER,
    revoked_at       INTEGER
);
CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at);
