-- An officer's CSV of incidents (/incidents/upload): the file is held only until a worker has read
-- it (then `csv` is set to NULL), with progress for the page that watches it and the outcome: how
-- many incidents were accepted, which rows were refused and why (line, column, message: no
-- child's details), and the incidents made. Retention: docs/retention.md.
CREATE TABLE incident_uploads (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  force_code    text NOT NULL REFERENCES forces(code),
  uploaded_by   text NOT NULL,
  age_min       int NOT NULL,
  age_max       int NOT NULL,
  filename      text,
  csv           text,
  total_rows    int NOT NULL CHECK (total_rows > 0),
  rows_done     int NOT NULL DEFAULT 0,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  accepted      int NOT NULL DEFAULT 0,
  replayed      int NOT NULL DEFAULT 0,
  refused_rows  int NOT NULL DEFAULT 0,
  problems      jsonb NOT NULL DEFAULT '[]',
  incident_ids  uuid[] NOT NULL DEFAULT '{}',
  failure       text,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz,
  heartbeat_at  timestamptz,
  finished_at   timestamptz,
  CHECK (status IN ('queued', 'running') OR csv IS NULL)
);
CREATE INDEX incident_uploads_waiting ON incident_uploads (created_at) WHERE status IN ('queued', 'running');
