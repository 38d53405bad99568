-- Line numbers the database gives (jobs of one stage may run on several hosts at once), and the queue of ready jobs.

CREATE TABLE pk_log_counter (
  execution_id text NOT NULL,
  stage_id     text NOT NULL,
  last         bigint NOT NULL,
  PRIMARY KEY (execution_id, stage_id)
);
INSERT INTO pk_log_counter (execution_id, stage_id, last)
  SELECT execution_id, stage_id, max(line) FROM pk_log_line GROUP BY execution_id, stage_id;

-- Fencing tokens: every claim takes the next one; only the holder of a row's current token may complete it.
CREATE SEQUENCE pk_job_token;

CREATE TABLE pk_job (
  id           bigserial PRIMARY KEY,
  execution_id text NOT NULL REFERENCES pk_execution (id) ON DELETE CASCADE,
  pipeline_id  text NOT NULL,
  stage_id     text NOT NULL,
  job_id       text NOT NULL,
  attempt      int NOT NULL,
  runs_on      text[] NOT NULL DEFAULT '{}',   -- labels a host must have to claim it
  scheduler    text NOT NULL,                  -- the host that makes the execution's decisions and waits for the result
  state        text NOT NULL CHECK (state IN ('QUEUED', 'CLAIMED', 'DONE', 'LOST')),
  host         text,                           -- the host that claimed it
  token        bigint,                         -- the claim's fencing token
  lease_until  timestamptz,                    -- renewed by the host's heartbeat; past it the claim is lost
  cancel       text,                           -- the scheduler asks the host to stop it (JSON: reason, timeout)
  outcome      text,                           -- what came of it (JSON), with state DONE
  queued_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  claimed_at   timestamptz,
  UNIQUE (execution_id, stage_id, job_id, attempt)
);
CREATE INDEX pk_job_queued ON pk_job (id) WHERE state = 'QUEUED';
CREATE INDEX pk_job_claimed ON pk_job (host) WHERE state = 'CLAIMED';
CREATE INDEX pk_job_by_scheduler ON pk_job (scheduler) WHERE state <> 'QUEUED';
