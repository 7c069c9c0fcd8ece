-- Sessions for the pages, and who acknowledged (issue 12: "Sessions that end", "Only a person
-- acknowledges").
--
-- A session is server-side: the browser holds only an opaque random id (its cookie), stored here
-- as a SHA-256 hash, so a copy of this table signs nobody in. It ends at the first of: idle for
-- SESSION_IDLE_MINUTES (idle_expires_at moves on with each request), SESSION_ABSOLUTE_HOURS after
-- sign-in (expires_at), sign-out (revoked_at), or its token being revoked or expiring.
-- Who: for now the API token the person signed in with (the boards' dashboard). People who sign
-- in by e-mailed link (issue 13) add a person_id column and replace sessions_who with "exactly one
-- of token_id and person_id".
CREATE TABLE sessions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  secret_hash      bytea NOT NULL UNIQUE,
  token_id         uuid REFERENCES api_tokens(id),
  role             text NOT NULL CHECK (role IN ('police', 'dsl', 'auditor', 'admin')),
  force_code       text,
  urn              text,
  created_at       timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  idle_expires_at  timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  revoked_at       timestamptz,
  CONSTRAINT sessions_who CHECK (token_id IS NOT NULL),
  CHECK (idle_expires_at <= expires_at)
);
CREATE INDEX sessions_token ON sessions (token_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires ON sessions (expires_at);

-- acknowledged_by names who acknowledged: "Jo Bloggs (e-mail link)", a token's name and id. It is
-- shown to people, so it is one bounded line of text. NOT VALID: rows written before hold only
-- the service's own constant labels, and a large table need not be scanned to prove it.
ALTER TABLE notifications ADD CONSTRAINT notifications_acknowledged_by_plain
  CHECK (acknowledged_by IS NULL OR (length(acknowledged_by) BETWEEN 1 AND 200 AND acknowledged_by !~ '[\x01-\x1f\x7f-\x9f]'))
  NOT VALID;
