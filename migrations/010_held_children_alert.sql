-- A child the service could not place waits in the force's review queue. Rule 11 (never suspend
-- silently): the force's Encompass desk is told when children have waited there too long.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('feed-quiet', 'delivery-overdue', 'children-held'));
