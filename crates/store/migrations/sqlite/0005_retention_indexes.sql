-- Retention finds a project's sessions by the server time of their last batch; end-user erasure finds one user's sessions.
CREATE INDEX sessions_project_ended ON sessions (project_id, last_ingest_at);
CREATE INDEX sessions_org_user ON sessions (organization_id, user_id);
