-- When each Key Adult last completed safeguarding training (issue 13, LA administrators keep it):
-- a date, not a moment; null when nobody has said. Kept with the contact row, so it goes when the
-- row goes (docs/retention.md, school_contacts).
ALTER TABLE school_contacts ADD COLUMN trained_on date;
