-- The retention job prunes finished jobs by the time they finished.
CREATE INDEX jobs_done ON jobs (done_at) WHERE done_at IS NOT NULL;
