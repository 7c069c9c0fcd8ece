-- The latency board (GET /v1/reports/latency) over a year of a busy service in under a second.
-- Measured at 1,000,000 notifications, two things made it slow: working out five durations for
-- every row at read time (date_part of an interval, ~0.5 s of CPU a pass) and sorting a year of
-- rows by group before the ordered-set aggregates could run, in one process.
--
-- 1. The five durations are stored beside each notification as exact whole microseconds (int8,
--    from the timestamps' own difference; no rounding whatever their precision) and "on time" as
--    a boolean, computed by Postgres on every insert and update. Integers sort about a fifth
--    faster than float8 in Postgres; the report turns the few values it returns back into the
--    float8 seconds date_part would give (src/domain/latency.ts, secondsFromMicroseconds).
-- 2. One covering index per way of grouping, so a report reads its rows already in group order
--    (index-only, no heap, no sort) and hands slices of the groups to parallel workers
--    (src/store/reports-store.ts). police_aware_at is in every key so the date range is checked
--    on the index entry.
ALTER TABLE notifications
  ADD COLUMN report_police_to_sent_us     int8    GENERATED ALWAYS AS ((extract(epoch FROM sent_at - police_aware_at) * 1000000)::int8) STORED,
  ADD COLUMN report_police_to_ack_us      int8    GENERATED ALWAYS AS ((extract(epoch FROM acknowledged_at - police_aware_at) * 1000000)::int8) STORED,
  ADD COLUMN report_police_to_received_us int8    GENERATED ALWAYS AS ((extract(epoch FROM received_at - police_aware_at) * 1000000)::int8) STORED,
  ADD COLUMN report_received_to_sent_us   int8    GENERATED ALWAYS AS ((extract(epoch FROM sent_at - received_at) * 1000000)::int8) STORED,
  ADD COLUMN report_sent_to_ack_us        int8    GENERATED ALWAYS AS ((extract(epoch FROM acknowledged_at - sent_at) * 1000000)::int8) STORED,
  ADD COLUMN report_on_time               boolean GENERATED ALWAYS AS (coalesce(sent_at <= due_by, false)) STORED;

CREATE INDEX notifications_report_by_time ON notifications (police_aware_at)
  INCLUDE (report_police_to_sent_us, report_police_to_ack_us, report_police_to_received_us, report_received_to_sent_us, report_sent_to_ack_us, report_on_time);
CREATE INDEX notifications_report_by_force ON notifications (force_code, police_aware_at)
  INCLUDE (report_police_to_sent_us, report_police_to_ack_us, report_police_to_received_us, report_received_to_sent_us, report_sent_to_ack_us, report_on_time);
CREATE INDEX notifications_report_by_la ON notifications (la_code, police_aware_at)
  INCLUDE (report_police_to_sent_us, report_police_to_ack_us, report_police_to_received_us, report_received_to_sent_us, report_sent_to_ack_us, report_on_time);
CREATE INDEX notifications_report_by_school ON notifications (urn, police_aware_at)
  INCLUDE (report_police_to_sent_us, report_police_to_ack_us, report_police_to_received_us, report_received_to_sent_us, report_sent_to_ack_us, report_on_time);

-- notifications_report_by_time leads with police_aware_at: the plain index on it is redundant,
-- and one index fewer is one fewer to update on every write.
DROP INDEX notifications_police_aware_at;
