-- The audit trail's hash chain, sealed in the background instead of row by row at insert.
--
-- 005 chained each row to the previous one inside the inserting transaction, under one advisory
-- lock held until that transaction committed: every notification step in every worker queued
-- behind every other, commit flush included. Now a row is written with no hash and no lock, and
-- seal_audit_log() (the sweeper, each round; `cli audit verify`, first) chains the rows written
-- since, in id order, numbering them `seq`: the chain runs in seq order, so a row whose
-- transaction commits late is simply sealed in a later round. A sealed row's content cannot be
-- changed or removed (the trigger), and if the trigger is switched off the chain shows it. The
-- only change ever allowed is the sealing of an unsealed row.

ALTER TABLE audit_log ADD COLUMN seq bigint UNIQUE;
ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;

-- Rows chained so far keep their hashes: they were chained in id order.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log a SET seq = o.n FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_log) o WHERE o.id = a.id;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

DROP TRIGGER audit_log_chain ON audit_log;
DROP FUNCTION audit_log_chain();

CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Sealing: an unsealed row gains its place and hashes, and nothing else about it changes.
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.seq IS NULL AND NEW.hash IS NOT NULL AND NEW.seq IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor, NEW.actor_role, NEW.action, NEW.subject_type, NEW.subject_id, NEW.reason, NEW.detail)
         IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor, OLD.actor_role, OLD.action, OLD.subject_type, OLD.subject_id, OLD.reason, OLD.detail)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END $$;

CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

-- Chains the rows not yet sealed, oldest first; returns how many. One sealer at a time.
CREATE FUNCTION seal_audit_log(max_rows int DEFAULT 50000) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  last_hash text;
  last_seq bigint;
  r audit_log;
  n int := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(7316642003);
  SELECT hash, seq INTO last_hash, last_seq FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  last_hash := coalesce(last_hash, 'genesis');
  last_seq := coalesce(last_seq, 0);
  FOR r IN SELECT * FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT max_rows LOOP
    last_seq := last_seq + 1;
    r.prev_hash := last_hash;
    last_hash := audit_row_hash(last_hash, r);
    UPDATE audit_log SET seq = last_seq, prev_hash = r.prev_hash, hash = last_hash WHERE id = r.id;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
