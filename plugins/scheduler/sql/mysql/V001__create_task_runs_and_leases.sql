-- Periodic task runs: one row per (task, slot) that ran, the guarantee of "once per slot per
-- cluster"; `missed` counts the slots skipped before it. Leases: the database lease of the
-- embedded default (row 'leader') and the fencing counter (row 'fence', used with Redis too).
CREATE TABLE scheduler_task_runs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    task VARCHAR(100) NOT NULL,
    slot_start BIGINT NOT NULL,
    holder VARCHAR(100) NOT NULL,
    fence BIGINT NOT NULL,
    missed BIGINT NOT NULL DEFAULT 0,
    outcome VARCHAR(16) NOT NULL DEFAULT 'running',
    error VARCHAR(1000) NULL,
    started_at CHAR(19) NOT NULL,
    finished_at CHAR(19) NULL,
    UNIQUE KEY uq_task_runs_slot (task, slot_start),
    INDEX ix_task_runs_fence (task, fence)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE scheduler_leases (
    name VARCHAR(100) NOT NULL PRIMARY KEY,
    holder VARCHAR(100) NOT NULL,
    fence BIGINT NOT NULL DEFAULT 0,
    expires_at_ms BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO scheduler_leases (name, holder, fence, expires_at_ms) VALUES ('leader', '', 0, 0), ('fence', '', 0, 0);
