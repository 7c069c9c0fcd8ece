-- Settings beyond the DfE register (issue 14 point 1): a setting is identified by a DfE URN
-- (5 to 8 digits) or an Ofsted URN (EY, SC or CH and 6 digits), the same rule as
-- src/domain/setting-ids.ts; and it says what kind of setting it is, which decides its calendar
-- (a childminder keeps no LA term dates).

ALTER TABLE schools DROP CONSTRAINT IF EXISTS schools_urn_check;
ALTER TABLE schools ADD CONSTRAINT schools_urn_check CHECK (urn ~ '^([0-9]{5,8}|(EY|SC|CH)[0-9]{6})$');
ALTER TABLE schools ADD COLUMN setting_type text NOT NULL DEFAULT 'school'
  CHECK (setting_type IN ('school', 'early-years', 'childminder', 'college', 'other'));

ALTER TABLE pupil_roll DROP CONSTRAINT IF EXISTS pupil_roll_urn_check;
ALTER TABLE pupil_roll ADD CONSTRAINT pupil_roll_urn_check CHECK (urn ~ '^([0-9]{5,8}|(EY|SC|CH)[0-9]{6})$');
