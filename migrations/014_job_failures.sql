-- No child stuck without anyone knowing (issue 12). A job that keeps failing must end in a state
-- people see after a bounded number of attempts, counted here rather than in Redis (a restart or
-- flush of Redis resets BullMQ's own count): one row per job id (match-<child>, notify-<id>,
-- escalate-<step>-<id>), written only when an attempt fails, so the work that succeeds pays
-- nothing. last_error is a summary that names no child. gave_up_at: the job stopped retrying and
-- its work was put where people see it; the force's 'jobs-failed' alert reads these rows.
CREATE TABLE job_failures (
  job_id           text PRIMARY KEY,
  queue            text NOT NULL CHECK (queue IN ('match', 'notify', 'escalate')),
  failures         int NOT NULL DEFAULT 0,
  last_error       text,
  first_failed_at  timestamptz NOT NULL,
  last_failed_at   timestamptz NOT NULL,
  force_code       text,
  gave_up_at       timestamptz
);
CREATE INDEX job_failures_gave_up ON job_failures (force_code, gave_up_at) WHERE gave_up_at IS NOT NULL;

-- A child whose match gave up waits in the review queue as 'match-failed', with why (no child
-- details). match_requeues counts the sweeper's re-queues of a pending child: a match that never
-- finishes, and so never reports a failure (its worker dies each time), is given up too.
ALTER TABLE children
  ADD COLUMN match_error text,
  ADD COLUMN match_requeues int NOT NULL DEFAULT 0;

ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
  CHECK (kind IN ('feed-quiet', 'delivery-overdue', 'children-held', 'jobs-failed'));
