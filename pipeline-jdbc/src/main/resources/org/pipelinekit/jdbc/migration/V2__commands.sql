-- Cancels, approvals and rejections asked on one host for an execution another host runs (JdbcControlChannel).
CREATE TABLE pk_command (
  id           bigserial PRIMARY KEY,
  execution_id text NOT NULL,
  body         text NOT NULL,                   -- the command as JSON
  created_at   timestamptz NOT NULL DEFAULT now(),
  answer       text                             -- the reply as JSON, set once, by the host that runs the execution
);
