-- Foundation schema: the directory of settings, forces, tokens, incidents, children,
-- notifications and their event history. Postgres is the system of record; Redis only ever
-- carries the ids of rows here.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE forces (
  code                     text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,40}$'),
  name                     text,
  age_min                  int  NOT NULL DEFAULT 0  CHECK (age_min BETWEEN 0 AND 17),
  age_max                  int  NOT NULL DEFAULT 17 CHECK (age_max BETWEEN 0 AND 17),
  content_profile          text NOT NULL DEFAULT 'minimal' CHECK (content_profile IN ('minimal', 'full')),
  copy_deputies            boolean NOT NULL DEFAULT true,
  desk_email               text,
  -- Optional local delivery window, e.g. 06:00–22:00: outside it sends wait for it to open.
  delivery_not_before      text CHECK (delivery_not_before ~ '^[0-2][0-9]:[0-5][0-9]$'),
  delivery_not_after       text CHECK (delivery_not_after ~ '^[0-2][0-9]:[0-5][0-9]$'),
  escalation_lead_minutes  int  NOT NULL DEFAULT 60 CHECK (escalation_lead_minutes BETWEEN 0 AND 1440),
  quiet_period_minutes     int  NOT NULL DEFAULT 1440 CHECK (quiet_period_minutes > 0),
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CHECK (age_min <= age_max)
);

CREATE TABLE api_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash    bytea NOT NULL UNIQUE,
  role          text NOT NULL CHECK (role IN ('police', 'dsl', 'auditor', 'admin')),
  force_code    text REFERENCES forces(code),
  urn           text,
  name          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz,
  CHECK ((role = 'police') = (force_code IS NOT NULL)),
  CHECK ((role = 'dsl') = (urn IS NOT NULL))
);

-- The directory: every establishment from the DfE register plus what administrators add.
CREATE TABLE schools (
  urn            text PRIMARY KEY CHECK (urn ~ '^[0-9]{5,8}$'),
  name           text NOT NULL,
  la_code        text,
  la_name        text,
  phase          text,
  type           text,
  status         text,
  open           boolean NOT NULL DEFAULT true,
  postcode       text,
  town           text,
  day_starts_at  text CHECK (day_starts_at ~ '^[0-2][0-9]:[0-5][0-9]$'),
  source         text NOT NULL DEFAULT 'admin',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schools_la_code ON schools (la_code);

CREATE TABLE school_contacts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  urn         text NOT NULL REFERENCES schools(urn) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('dsl', 'deputy')),
  name        text NOT NULL,
  email       text NOT NULL,
  phone       text,
  position    int  NOT NULL,
  UNIQUE (urn, position)
);

CREATE TABLE incidents (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  force_code       text NOT NULL REFERENCES forces(code),
  reference        text NOT NULL,
  content_hash     text NOT NULL,
  police_aware_at  timestamptz NOT NULL,
  occurred_at      timestamptz,
  incident_type    text NOT NULL CHECK (incident_type IN ('crime', 'non-crime')),
  risk_level       text CHECK (risk_level IN ('standard', 'medium', 'high', 'unknown')),
  summary          text,
  received_at      timestamptz NOT NULL DEFAULT now(),
  purged_at        timestamptz,
  UNIQUE (force_code, reference)
);
CREATE INDEX incidents_police_aware_at ON incidents (police_aware_at);

CREATE TABLE children (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id           uuid NOT NULL REFERENCES incidents(id),
  position              int  NOT NULL,
  given_name            text,
  family_name           text,
  date_of_birth         date,
  present               boolean NOT NULL,
  given_school_urn      text,
  given_school_name     text,
  given_school_postcode text,
  match_status          text NOT NULL DEFAULT 'pending'
                        CHECK (match_status IN ('pending', 'matched', 'unmatched', 'no-setting')),
  match_urn             text,
  match_method          text CHECK (match_method IN ('urn', 'name-postcode', 'pupil-roll', 'manual')),
  match_reason          text,
  matched_at            timestamptz,
  match_enqueued_at     timestamptz,
  UNIQUE (incident_id, position)
);
-- The sweeper's view of work still to match.
CREATE INDEX children_pending ON children (match_enqueued_at) WHERE match_status = 'pending';

-- One notification per child. status 'sending' is internal (claimed by a worker, SMTP in flight);
-- the API shows it as 'scheduled'.
CREATE TABLE notifications (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  child_id              uuid NOT NULL UNIQUE REFERENCES children(id),
  incident_id           uuid NOT NULL REFERENCES incidents(id),
  force_code            text NOT NULL,
  urn                   text NOT NULL,
  la_code               text,
  status                text NOT NULL DEFAULT 'scheduled'
                        CHECK (status IN ('scheduled', 'sending', 'sent', 'acknowledged', 'escalated', 'failed')),
  police_aware_at       timestamptz NOT NULL,
  received_at           timestamptz NOT NULL,
  matched_at            timestamptz NOT NULL,
  due_by                timestamptz NOT NULL,
  school_day            date NOT NULL,
  send_after            timestamptz NOT NULL,
  message_id            text NOT NULL UNIQUE,
  recipients            text[] NOT NULL DEFAULT '{}',
  attempts              int NOT NULL DEFAULT 0,
  claimed_at            timestamptz,
  enqueued_at           timestamptz,
  last_error            text,
  smtp_response         text,
  sent_at               timestamptz,
  acknowledged_at       timestamptz,
  acknowledged_by       text,
  -- Escalation: *_step_at says the step was taken (sent, or skipped with a recorded reason);
  -- *_notified_at / *_alerted_at say an e-mail actually went.
  deputies_step_at      timestamptz,
  deputies_notified_at  timestamptz,
  desk_step_at          timestamptz,
  desk_alerted_at       timestamptz,
  reminder_due_at       timestamptz,
  reminder_sent_at      timestamptz,
  failed_at             timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_urn ON notifications (urn, created_at DESC);
CREATE INDEX notifications_police_aware_at ON notifications (police_aware_at);
CREATE INDEX notifications_open ON notifications (status, send_after) WHERE status IN ('scheduled', 'sending');
CREATE INDEX notifications_awaiting_ack ON notifications (due_by)
  WHERE acknowledged_at IS NULL AND (deputies_step_at IS NULL OR desk_step_at IS NULL);
CREATE INDEX notifications_reminders ON notifications (reminder_due_at)
  WHERE reminder_due_at IS NOT NULL AND reminder_sent_at IS NULL;

-- Every step in a notification's life with its time and reason: sent, escalations, reminders,
-- acknowledgement, failures. Boards read escalation times from here.
CREATE TABLE notification_events (
  id               bigserial PRIMARY KEY,
  notification_id  uuid NOT NULL REFERENCES notifications(id),
  kind             text NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  recipients       text[],
  detail           text
);
CREATE INDEX notification_events_notification ON notification_events (notification_id, at);
