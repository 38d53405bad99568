-- When periodic work shared by the hosts (the retention sweep) last ran (JdbcOncePerCluster).
CREATE TABLE pk_periodic (
  name     text PRIMARY KEY,
  last_run timestamptz NOT NULL
);
