-- Saved views (docs/API.md "Saved views"): a named set of the sessions list's filters, kept per
-- user in one organization and shareable within it. `filters` holds the list's query parameters
-- as a JSON object. A view outlives its author's account (author_id becomes NULL), so shared
-- views stay for the team.
CREATE TABLE saved_views (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    author_id        TEXT REFERENCES users(id) ON DELETE SET NULL,
    name             TEXT NOT NULL,
    filters          TEXT NOT NULL DEFAULT '{}',
    shared           INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (organization_id, author_id, name)
);
CREATE INDEX saved_views_author ON saved_views (author_id);
CREATE INDEX saved_views_shared ON saved_views (organization_id, shared);
