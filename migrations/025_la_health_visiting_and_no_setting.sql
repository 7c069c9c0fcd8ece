-- Children with no setting (issue 14.3). An LA sets two contacts for them: children's services
-- (migration 007) and, new here, health visiting, told of an under-5 in no setting. Kept exactly
-- like children's services: a setting of its own in `schools` (source 'la-health-visiting', a
-- reserved URN 99010000 + LA code) with its named people in school_contacts, so the notification,
-- deadline, escalation, acknowledgement and reports work as for a school.

CREATE TABLE la_health_visiting (
  la_code     text PRIMARY KEY CHECK (la_code ~ '^[0-9]{3}$'),
  urn         text NOT NULL UNIQUE REFERENCES schools(urn) CHECK (urn ~ '^9901[0-9]{4}$'),
  name        text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The police may say at intake that a child is in no setting, and give the LA where the child
-- lives: matching still consults that child's pupil roll, then places the child with the LA's
-- contact (domain/no-setting.ts). Not personal on its own (one of 174 LAs); kept with the match facts.
ALTER TABLE children
  ADD COLUMN no_setting_la text CHECK (no_setting_la ~ '^[0-9]{3}$');

-- 'no-setting-given': placed with an LA contact because the police said the child has no setting.
ALTER TABLE children DROP CONSTRAINT children_match_method_check;
ALTER TABLE children ADD CONSTRAINT children_match_method_check
  CHECK (match_method IN ('urn', 'name-postcode', 'pupil-roll', 'manual', 'no-setting-given'));
