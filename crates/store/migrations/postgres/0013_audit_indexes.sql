-- The audit log is read newest first by id (UUIDv7, time-ordered) within one organization, in
-- keyset pages, optionally narrowed to one actor, one action (or an action prefix such as
-- `session.`) or one target. Each filter gets an index that serves both the match and the order,
-- so a page costs a range scan however long the log grows.
CREATE INDEX audit_log_org_id ON audit_log (organization_id, id);
CREATE INDEX audit_log_org_action_id ON audit_log (organization_id, action, id);
CREATE INDEX audit_log_org_actor_id ON audit_log (organization_id, actor, id);
CREATE INDEX audit_log_org_target_id ON audit_log (organization_id, target, id);
