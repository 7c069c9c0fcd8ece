-- Retention for every table, subject access and erasure, board figures (issue 16). Each rule is
-- in docs/retention.md; the job that applies them is src/queue/retention-job.ts, its SQL
-- src/store/retention-store.ts.

-- Every run of every retention rule: when, up to which cutoff, how many rows. Timing facts only.
CREATE TABLE retention_runs (
  id             bigserial PRIMARY KEY,
  rule           text NOT NULL,
  ran_at         timestamptz NOT NULL,
  cutoff         timestamptz,
  rows_affected  int NOT NULL,
  detail         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX retention_runs_rule ON retention_runs (rule, ran_at DESC);

-- Incidents reduced to timing facts once the record period has passed: the police reference, the
-- settings named by the officer, who was e-mailed and what the mail server said are removed.
ALTER TABLE incidents ADD COLUMN minimised_at timestamptz;

-- A keyed pseudonym of each child (HMAC-SHA256 of the normalised name and date of birth under
-- REPORT_PSEUDONYM_KEY, which the database never holds), kept only as long as it takes to count
-- repeats within 12 months, and the count itself: how many times this child had been notified in
-- the 12 months up to and including this incident. The count is a fact about the notification and
-- stays; the pseudonym goes after PSEUDONYM_RETENTION_DAYS.
ALTER TABLE children
  ADD COLUMN pseudonym text,
  ADD COLUMN times_notified_12m int,
  ADD COLUMN erased_at timestamptz,
  -- The child's age in whole years on the day the police knew (London date), for the board's age
  -- bands: worked out while the date of birth is held, kept after it goes.
  ADD COLUMN age_years int;
CREATE INDEX children_pseudonym ON children (pseudonym) WHERE pseudonym IS NOT NULL;
CREATE INDEX children_unpseudonymised ON children (id) WHERE pseudonym IS NULL AND times_notified_12m IS NULL AND purged_at IS NULL;

-- The audit trail has a retention period too. Sealed rows older than AUDIT_RETENTION_DAYS are
-- removed from the head of the chain, and only by the retention job, which first writes (and
-- seals) a row recording the seq and hash it removes up to: verification then starts there.
-- Deleting is allowed only when the transaction says it is that job (encompass.audit_retention);
-- any other delete, update or truncate is still refused, and a delete that skipped the job's
-- record breaks the keyed chain's verification.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.seq IS NULL AND NEW.hash IS NOT NULL AND NEW.seq IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor, NEW.actor_role, NEW.action, NEW.subject_type, NEW.subject_id, NEW.reason, NEW.detail)
         IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor, OLD.actor_role, OLD.action, OLD.subject_type, OLD.subject_id, OLD.reason, OLD.detail)
  THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND OLD.seq IS NOT NULL AND current_setting('encompass.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END $$;
