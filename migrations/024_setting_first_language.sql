-- A setting's chosen first language for its e-mails and pages (issue 14.6): 'cy' Welsh first, then
-- English; 'en' English first. NULL is the default: Welsh first for a setting in a Welsh LA
-- (660–681), English only elsewhere (domain/languages.ts languagesFor).
ALTER TABLE schools
  ADD COLUMN first_language text CHECK (first_language IN ('cy', 'en'));
