-- People who sign in to the pages with an e-mailed one-time link (issue 13, "Signing in").
--
-- people: those registered by an administrator (officers and desk staff of a force, LA
-- administrators for their LA codes, auditors, administrators, and a Key Adult for a setting that
-- does not list them), and Key Adults who signed in because a setting's contacts name their
-- address (source 'contacts': written at their first sign-in; which settings they may see is read
-- from the contacts at every request, never stored here, so a contact removed loses access at once).
-- One row per address and role; the address is kept lower-cased.
CREATE TABLE people (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email              text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name !~ '[\x01-\x1f\x7f-\x9f]'),
  role               text NOT NULL CHECK (role IN ('key-adult', 'officer', 'desk', 'la-admin', 'auditor', 'admin')),
  force_code         text REFERENCES forces(code),
  la_codes           text[] NOT NULL DEFAULT '{}',
  urn                text,
  source             text NOT NULL DEFAULT 'registered' CHECK (source IN ('registered', 'contacts')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  created_by         text,
  disabled_at        timestamptz,
  last_signed_in_at  timestamptz,
  UNIQUE (email, role),
  CHECK ((role IN ('officer', 'desk')) = (force_code IS NOT NULL)),
  CHECK ((role = 'la-admin') = (cardinality(la_codes) > 0)),
  CHECK (urn IS NULL OR role = 'key-adult')
);

-- A Key Adult's settings are found by address at each request.
CREATE INDEX school_contacts_email ON school_contacts (lower(email));

-- One-time sign-in links. The link's token is 256 random bits; only its SHA-256 is kept for the
-- lookup. The worker that e-mails it needs the token once: it is kept sealed (AES-256-GCM under a
-- key derived from ACK_LINK_SECRET, which is not in the database) until the e-mail has gone, then
-- erased. Good for 15 minutes and one use (used_at). The queue carries only the row's id.
CREATE TABLE sign_in_links (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email           text NOT NULL CHECK (email = lower(email)),
  token_hash      bytea NOT NULL UNIQUE,
  token_sealed    bytea,
  return_to       text CHECK (return_to ~ '^/[A-Za-z0-9/_-]{0,200}$'),
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  sent_at         timestamptz,
  used_at         timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX sign_in_links_email ON sign_in_links (email, created_at);
CREATE INDEX sign_in_links_expires ON sign_in_links (expires_at);

-- A session is a token's (the boards' and officers' token sign-in) or a person's.
ALTER TABLE sessions ADD COLUMN person_id uuid REFERENCES people(id) ON DELETE CASCADE;
ALTER TABLE sessions DROP CONSTRAINT sessions_who;
ALTER TABLE sessions ADD CONSTRAINT sessions_who CHECK ((token_id IS NULL) <> (person_id IS NULL));
CREATE INDEX sessions_person ON sessions (person_id) WHERE revoked_at IS NULL;
