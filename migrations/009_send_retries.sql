-- When a temporary SMTP failure gave a claim back, the earliest time the next attempt may run.
-- Postgres, not BullMQ's per-job counter, decides when a retry is due and when to give up: a Redis
-- restart or flush resets BullMQ's attempt count and its backoff, and the sweeper must not promote
-- a retry that is waiting out its backoff.
ALTER TABLE notifications ADD COLUMN retry_at timestamptz;
