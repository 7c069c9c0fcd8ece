-- School calendars: bank holidays from the GOV.UK feed (kept as data, never computed), term dates
-- per local authority, and each setting's own closures (INSET days) or openings.

CREATE TABLE bank_holidays (
  date   date PRIMARY KEY,
  title  text NOT NULL
);

-- Which dates an LA's loaded term calendar speaks for: outside them only weekends and bank
-- holidays close a school.
CREATE TABLE la_term_coverage (
  la_code    text NOT NULL,
  from_date  date NOT NULL,
  to_date    date NOT NULL,
  PRIMARY KEY (la_code, from_date),
  CHECK (from_date <= to_date)
);

CREATE TABLE la_closures (
  la_code  text NOT NULL,
  date     date NOT NULL,
  label    text NOT NULL,
  PRIMARY KEY (la_code, date)
);

-- A school's own exceptions: open = false is a closure (INSET day), open = true opens a date its
-- LA calendar closes.
CREATE TABLE school_calendar_exceptions (
  urn    text NOT NULL REFERENCES schools(urn) ON DELETE CASCADE,
  date   date NOT NULL,
  open   boolean NOT NULL DEFAULT false,
  label  text NOT NULL,
  PRIMARY KEY (urn, date)
);
