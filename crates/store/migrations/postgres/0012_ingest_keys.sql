-- Ingest keys (docs/SECURITY.md "Ingest keys"): a project may have several at once, so a key can
-- be rotated without cutting off the pages already recording with the old one. A key is live
-- while `retires_at` is NULL or in the future. `projects.ingest_key` stays the primary (newest)
-- key's value, kept in sync by the store, for the code and tools that read it; it is how a key
-- is known to be the primary. `rate_limit_per_minute` NULL means the server's default.
CREATE TABLE project_ingest_keys (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    project_id             TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    key                    TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at             BIGINT NOT NULL,
    retires_at             BIGINT,
    rate_limit_per_minute  INTEGER CHECK (rate_limit_per_minute BETWEEN 1 AND 1000000)
);
CREATE INDEX project_ingest_keys_project ON project_ingest_keys (project_id, created_at);

-- Every existing project's key becomes its first (primary) key.
INSERT INTO project_ingest_keys (id, project_id, key, created_at)
SELECT md5(random()::text || id), id, ingest_key, created_at FROM projects;
