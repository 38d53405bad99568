-- Pipelines, execution journals and stage logs of every host sharing this database.

CREATE TABLE pk_pipeline (
  id       text PRIMARY KEY,
  revision bigint NOT NULL CHECK (revision > 0),
  document text NOT NULL,                       -- the canonical JSON of PipelineFormat.JSON
  saved_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pk_execution_number (
  pipeline_id text PRIMARY KEY,
  last        bigint NOT NULL
);

CREATE TABLE pk_execution (
  id          text PRIMARY KEY,
  pipeline_id text NOT NULL,
  number      bigint NOT NULL,
  header      text NOT NULL,                    -- JournalCodec.header
  created_at  timestamptz NOT NULL
);
CREATE INDEX pk_execution_by_pipeline ON pk_execution (pipeline_id, number DESC);

CREATE TABLE pk_execution_event (
  execution_id text NOT NULL REFERENCES pk_execution (id) ON DELETE CASCADE,
  seq          bigint NOT NULL,
  event        text NOT NULL,                   -- JournalCodec.event
  PRIMARY KEY (execution_id, seq)
);

CREATE TABLE pk_log_line (
  execution_id text NOT NULL,
  stage_id     text NOT NULL,
  line         bigint NOT NULL,
  at           timestamptz NOT NULL,
  job_id       text NOT NULL,
  attempt      int NOT NULL,
  text         bytea NOT NULL,                  -- UTF-8: a line may hold any character, NUL included
  PRIMARY KEY (execution_id, stage_id, line)
);
