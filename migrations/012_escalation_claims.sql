-- Claims on escalation and reminder e-mails, as notifications have on their first e-mail: two jobs
-- for the same step (a timer and the sweeper's re-add after a Redis flush) must not both send.
-- A claim whose worker died goes stale after CLAIM_TIMEOUT_MS and may be taken again; the step's
-- own *_step_at / reminder_sent_at column still says when it was done.
CREATE TABLE escalation_claims (
  notification_id  uuid NOT NULL REFERENCES notifications(id),
  step             text NOT NULL CHECK (step IN ('deputies', 'desk', 'reminder')),
  claimed_at       timestamptz,
  attempts         int NOT NULL DEFAULT 0,
  PRIMARY KEY (notification_id, step)
);
