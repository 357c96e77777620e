-- Periodic task runs: one row per (task, slot) that ran, the guarantee of "once per slot per
-- cluster"; `missed` counts the slots skipped before it. Leases: the database lease of the
-- embedded default (row 'leader') and the fencing counter (row 'fence', used with Redis too).
CREATE TABLE scheduler_task_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task TEXT NOT NULL,
    slot_start INTEGER NOT NULL,
    holder TEXT NOT NULL,
    fence INTEGER NOT NULL,
    missed INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT 'running',
    error TEXT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    UNIQUE (task, slot_start)
);
CREATE INDEX ix_task_runs_fence ON scheduler_task_runs (task, fence);

CREATE TABLE scheduler_leases (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    fence INTEGER NOT NULL DEFAULT 0,
    expires_at_ms INTEGER NOT NULL DEFAULT 0
);
INSERT INTO scheduler_leases (name, holder, fence, expires_at_ms) VALUES ('leader', '', 0, 0), ('fence', '', 0, 0);
