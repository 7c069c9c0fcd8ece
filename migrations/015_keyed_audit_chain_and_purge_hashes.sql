-- A purge that cannot be undone, an audit trail that cannot be forged (issue 12, point 5).
--
-- 1. Incidents. content_hash, the SHA-256 of the whole submission (children's names and dates of
-- birth and the summary included), answers "same reference, same content?" for an idempotent
-- resubmission. Kept after a purge, it would let anyone holding the database confirm a guessed
-- name and date of birth. It now goes as soon as any of the incident's personal details go, and
-- record_hash (the same fingerprint without the children's names, dates of birth and the summary:
-- only facts the row keeps in clear anyway) answers the question from then on. See docs/purge.md.
ALTER TABLE incidents ALTER COLUMN content_hash DROP NOT NULL;
ALTER TABLE incidents ADD COLUMN record_hash text;
-- Incidents purged, wholly or in part, under the old rule lose their hash; with no record_hash
-- either, a resubmission of their reference is a 409 (nothing is left to compare it with).
UPDATE incidents i SET content_hash = NULL
 WHERE i.content_hash IS NOT NULL
   AND (i.purged_at IS NOT NULL OR EXISTS (SELECT 1 FROM children c WHERE c.incident_id = i.id AND c.purged_at IS NOT NULL));

-- 2. The audit chain is keyed. A sealed row's hash becomes HMAC-SHA256 under AUDIT_HMAC_KEY,
-- which only the service's processes hold, over a canonical, length-delimited encoding of the
-- row and its place (src/store/audit-store.ts). 005's hash was unkeyed and joined the fields with
-- '|' unescaped, so anyone able to write to the table could forge rows that verified. Sealing
-- moves to Node, which holds the key; the SQL sealer goes so that nothing seals by the old rule
-- again (a worker of the previous version still running fails its sweeps' sealing until stopped).
DROP FUNCTION seal_audit_log(int);

-- Rows enter unsealed and only the sealer chains them: a row written already sealed is refused,
-- so a forged sealed row needs this trigger switched off, and then fails the keyed check.
CREATE FUNCTION audit_log_insert_unsealed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.prev_hash IS NOT NULL THEN
    RAISE EXCEPTION 'audit_log rows are written unsealed; the sealer chains them';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_insert_unsealed BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_insert_unsealed();

-- Rows sealed by the old rule keep their hashes and still verify by it (audit_row_hash stays for
-- that), but only as the chain's first rows, and only as many as a keyed row records: this one,
-- keyed by the first seal under AUDIT_HMAC_KEY, so the boundary cannot be moved without the key.
INSERT INTO audit_log (actor, action, subject_type, reason, detail)
SELECT 'system', 'audit.chain-keyed', 'audit',
       'audit chain keyed (AUDIT_HMAC_KEY) from here; the rows before verify by the unkeyed rule',
       jsonb_build_object('unkeyedRows', count(*),
                          'lastUnkeyedHash', (SELECT hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1))
  FROM audit_log WHERE seq IS NOT NULL
HAVING count(*) > 0;
