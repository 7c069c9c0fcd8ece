-- Operational alerts (domain rule 11, "never suspend silently"): a force's feed gone quiet for
-- longer than usual, or notifications past their deadline unsent. One open alert per force and
-- kind; it is cleared when the condition ends, so each episode alerts once.
CREATE TABLE alerts (
  id          bigserial PRIMARY KEY,
  force_code  text NOT NULL REFERENCES forces(code),
  kind        text NOT NULL CHECK (kind IN ('feed-quiet', 'delivery-overdue')),
  raised_at   timestamptz NOT NULL,
  cleared_at  timestamptz,
  detail      text
);
CREATE UNIQUE INDEX alerts_open ON alerts (force_code, kind) WHERE cleared_at IS NULL;
CREATE INDEX incidents_force_received ON incidents (force_code, received_at DESC);
CREATE INDEX notifications_overdue ON notifications (force_code, due_by) WHERE sent_at IS NULL AND status <> 'failed';
