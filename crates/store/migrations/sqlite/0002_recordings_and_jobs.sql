-- Format v1 recordings (docs/FORMAT.md) and the background job queue.

-- A compacted segment keeps its row (its blob is deleted): the primary key still makes a retried
-- batch a duplicate after compaction. Live segments have compacted_at NULL.
ALTER TABLE segments ADD COLUMN compacted_at INTEGER;

-- One seekable recording per compacted window. `block_index` is the blob's index (JSON), kept
-- here so a range read needs no extra round trip. `generation` grows by one per compaction of
-- the window; a compaction commits only over the generation it read.
CREATE TABLE recordings (
    session_id             TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id              TEXT NOT NULL,
    blob_key               TEXT NOT NULL,
    format_version         INTEGER NOT NULL,
    generation             INTEGER NOT NULL,
    size_bytes             INTEGER NOT NULL,
    block_index            TEXT NOT NULL,
    first_ts               INTEGER NOT NULL,
    last_ts                INTEGER NOT NULL,
    event_count            INTEGER NOT NULL,
    compacted_through_seq  INTEGER NOT NULL,
    created_at             INTEGER NOT NULL,
    PRIMARY KEY (session_id, window_id)
);

-- Background jobs (compaction, …), claimed with a lease so each runs on one node at a time.
CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL,
    target            TEXT NOT NULL,
    run_after         INTEGER NOT NULL,
    claimed_by        TEXT,
    claim_expires_at  INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    done_at           INTEGER
);
-- At most one waiting (unclaimed, not done) job per kind and target: enqueueing is idempotent.
CREATE UNIQUE INDEX jobs_one_waiting ON jobs (kind, target) WHERE done_at IS NULL AND claimed_by IS NULL;
CREATE INDEX jobs_due ON jobs (run_after) WHERE done_at IS NULL;
