-- Issue 14.2 and 14.4: a child with several settings, and the police's follow-ups (withdrawal and
-- correction of an incident already received).
--
-- Several settings. A `children` row is a child at one setting: the child's first setting is
-- setting_position 0 (the row every child has); each further setting is a row with the same
-- incident and position and setting_position 1..3, carrying the same details. So each setting has
-- its own match, its own notification (notifications.child_id stays unique: one per row), its own
-- deadline, acknowledgement and escalation, and the review queue, retention, subject access and
-- erasure work on every row as they did. The API groups a child's rows by position.
ALTER TABLE children ADD COLUMN setting_position int NOT NULL DEFAULT 0 CHECK (setting_position BETWEEN 0 AND 3);
ALTER TABLE children DROP CONSTRAINT children_incident_id_position_key;
ALTER TABLE children ADD CONSTRAINT children_incident_position_setting_key UNIQUE (incident_id, position, setting_position);

-- Withdrawal: the police take an incident back with a reason. Nothing more is sent: children not
-- yet placed end 'withdrawn', notifications not yet sent end 'withdrawn'; a notification already
-- sent keeps its status (it was sent) and its Key Adults get the withdrawal e-mail
-- (withdrawal_sent_at says it went, or was given up with a recorded reason).
ALTER TABLE incidents
  ADD COLUMN withdrawn_at     timestamptz,
  ADD COLUMN withdrawn_reason text CHECK (withdrawn_reason IS NULL OR length(withdrawn_reason) BETWEEN 1 AND 1000),
  -- Corrections: each correction raises the revision; a notification already sent remembers the
  -- revision its Key Adults were last told (told_revision), and a correction e-mail is due while
  -- it is behind the incident's.
  ADD COLUMN revision         int NOT NULL DEFAULT 0,
  ADD COLUMN corrected_at     timestamptz;

ALTER TABLE children DROP CONSTRAINT children_match_status_check;
ALTER TABLE children ADD CONSTRAINT children_match_status_check
  CHECK (match_status IN ('pending', 'matched', 'unmatched', 'no-setting', 'withdrawn'));

ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('scheduled', 'sending', 'sent', 'acknowledged', 'escalated', 'failed', 'withdrawn'));
ALTER TABLE notifications
  ADD COLUMN withdrawn_at        timestamptz,
  ADD COLUMN withdrawal_sent_at  timestamptz,
  ADD COLUMN told_revision       int NOT NULL DEFAULT 0;

-- The sweeper's view of follow-up e-mails still owed (their jobs may be lost with Redis), and a
-- withdrawal's or correction's reach: an incident's notifications.
CREATE INDEX notifications_withdrawal_owed ON notifications (id) WHERE withdrawn_at IS NOT NULL AND withdrawal_sent_at IS NULL;
CREATE INDEX incidents_corrected ON incidents (id) WHERE revision > 0;
CREATE INDEX IF NOT EXISTS notifications_incident ON notifications (incident_id);

ALTER TABLE escalation_claims DROP CONSTRAINT escalation_claims_step_check;
ALTER TABLE escalation_claims ADD CONSTRAINT escalation_claims_step_check
  CHECK (step IN ('deputies', 'desk', 'reminder', 'withdrawal', 'correction'));
