-- Per-force wording (issue 14.5): the force desk's telephone number, the guidance lines the force
-- wants in its e-mails and pages (NULL: the service's default lines), and whether the Key Adult may
-- speak to the family (NULL: the force has not said; the e-mail then says not to). Each child's
-- role in the incident, as the police record it (NULL: not given).
ALTER TABLE forces
  ADD COLUMN desk_phone text CHECK (desk_phone ~ '^\+?[0-9 ()-]{6,24}$'),
  ADD COLUMN guidance text[] CHECK (guidance IS NULL OR cardinality(guidance) BETWEEN 1 AND 6),
  ADD COLUMN key_adult_may_speak_to_family boolean;

ALTER TABLE children
  ADD COLUMN role text CHECK (role IN ('present', 'witness', 'victim', 'suspect'));
