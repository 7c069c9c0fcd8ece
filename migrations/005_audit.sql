-- The audit trail: who saw or did what, when and why. Append-only (updates and deletes are
-- refused by trigger) and tamper-evident: each row carries the SHA-256 of its own content chained
-- to the previous row's hash, so editing or deleting a row (even with the trigger disabled)
-- breaks the chain that `cli audit verify` recomputes.

CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,          -- 'token:<id>', 'system', 'cli', 'e-mail link'
  actor_role    text,
  action        text NOT NULL,          -- e.g. 'incident.read', 'notification.sent', 'token.create'
  subject_type  text NOT NULL,
  subject_id    text,
  reason        text,
  detail        jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash     text NOT NULL,
  hash          text NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_row_hash(prev text, r audit_log) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', prev, r.id::text,
    to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.actor, coalesce(r.actor_role, ''),
    r.action, r.subject_type, coalesce(r.subject_id, ''), coalesce(r.reason, ''), r.detail::text), 'UTF8')), 'hex')
$$;

-- Chains each new row to the last one. The advisory lock serialises writers for the length of
-- their (short) transaction so the chain has no forks.
CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last text;
BEGIN
  PERFORM pg_advisory_xact_lock(7316642003);
  SELECT hash INTO last FROM audit_log ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(last, 'genesis');
  NEW.hash := audit_row_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END $$;

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END $$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Retention: when a child's personal details were removed.
ALTER TABLE children ADD COLUMN purged_at timestamptz;
