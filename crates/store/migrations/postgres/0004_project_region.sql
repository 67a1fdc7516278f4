-- The storage region of each project's recording bytes (data residency); fixed at creation.
ALTER TABLE projects ADD COLUMN region TEXT COLLATE "C" NOT NULL DEFAULT 'default';
