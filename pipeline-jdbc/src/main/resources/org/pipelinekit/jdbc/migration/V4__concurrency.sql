-- Concurrency groups shared by the hosts (JdbcConcurrencyLedger): the running execution of a group and the waiting ones, in order.
CREATE TABLE pk_concurrency (
  group_name   text NOT NULL,
  execution_id text NOT NULL,
  running      boolean NOT NULL,
  position     bigserial,
  PRIMARY KEY (group_name, execution_id)
);
CREATE INDEX pk_concurrency_by_group ON pk_concurrency (group_name, position);
