-- The host that makes each execution's decisions, while it renews its lease (JdbcExecutionLeases).
CREATE TABLE pk_execution_lease (
  execution_id text PRIMARY KEY REFERENCES pk_execution (id) ON DELETE CASCADE,
  host         text NOT NULL,
  lease_until  timestamptz NOT NULL
);
