-- Accounts (docs/SECURITY.md "Accounts"): invitations to an organization, password reset links
-- and failed logins for throttling. Tokens are kept as their SHA-256 (`token_hash`), never in
-- clear. Invitation emails are stored lowercased.
CREATE TABLE invitations (
    id               TEXT COLLATE "C" PRIMARY KEY,
    token_hash       TEXT COLLATE "C" NOT NULL UNIQUE,
    organization_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email            TEXT COLLATE "C" NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    invited_by       TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT,
    revoked_at       BIGINT
);
CREATE INDEX invitations_organization_email ON invitations (organization_id, email);

-- One-time links an admin hands a member who forgot their password; a new one replaces the
-- earlier unused ones of the user.
CREATE TABLE password_resets (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by  TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Failed logins, one row each, per throttling key (`email:<lowercased>`, `ip:<address>`):
-- in the database so every node counts the same attempts. Rows older than the window are pruned.
CREATE TABLE login_failures (
    key  TEXT COLLATE "C" NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- Ending every login of a user (password change or reset) finds them by user.
CREATE INDEX logins_user ON logins (user_id);

-- Members of an organization, and its owners (kept at one at least), by organization.
CREATE INDEX memberships_organization ON memberships (organization_id, role);
