-- Format v1 recordings (docs/FORMAT.md) and the background job queue; PostgreSQL flavour of
-- sqlite/0002_recordings_and_jobs.sql (same tables, same meaning).

-- A compacted segment keeps its row (its blob is deleted): the primary key still makes a retried
-- batch a duplicate after compaction. Live segments have compacted_at NULL.
ALTER TABLE segments ADD COLUMN compacted_at BIGINT;

-- One seekable recording per compacted window. `block_index` is the blob's index, kept here so
-- a range read needs no extra round trip. `generation` grows by one per compaction of the
-- window; a compaction commits only over the generation it read.
CREATE TABLE recordings (
    session_id             TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id              TEXT COLLATE "C" NOT NULL,
    blob_key               TEXT COLLATE "C" NOT NULL,
    format_version         INTEGER NOT NULL,
    generation             BIGINT NOT NULL,
    size_bytes             BIGINT NOT NULL,
    block_index            JSONB NOT NULL,
    first_ts               BIGINT NOT NULL,
    last_ts                BIGINT NOT NULL,
    event_count            BIGINT NOT NULL,
    compacted_through_seq  BIGINT NOT NULL,
    created_at             BIGINT NOT NULL,
    PRIMARY KEY (session_id, window_id)
);

-- Background jobs (compaction, …), claimed with a lease (FOR UPDATE SKIP LOCKED) so each runs on
-- one node at a time.
CREATE TABLE jobs (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              TEXT COLLATE "C" NOT NULL,
    target            TEXT COLLATE "C" NOT NULL,
    run_after         BIGINT NOT NULL,
    claimed_by        TEXT COLLATE "C",
    claim_expires_at  BIGINT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        BIGINT NOT NULL,
    done_at           BIGINT
);
-- At most one waiting (unclaimed, not done) job per kind and target: enqueueing is idempotent.
CREATE UNIQUE INDEX jobs_one_waiting ON jobs (kind, target) WHERE done_at IS NULL AND claimed_by IS NULL;
CREATE INDEX jobs_due ON jobs (run_after) WHERE done_at IS NULL;
