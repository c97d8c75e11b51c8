"""Background work: one registry of jobs, run in-process (SQLite) or by `coffre worker` (PostgreSQL)."""
