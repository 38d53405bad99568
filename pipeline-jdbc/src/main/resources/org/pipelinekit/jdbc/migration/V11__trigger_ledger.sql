-- What the hosts' triggers have done (JdbcTriggerLedger): keys taken once (a schedule's fire, a delivery, a pushed commit),
-- and named values (a schedule's last fire time).
CREATE TABLE pk_trigger_once (
  key      text PRIMARY KEY,
  taken_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE pk_trigger_value (
  name  text PRIMARY KEY,
  value text NOT NULL
);
