-- Artifact records of every host (JdbcArtifactStore); their blobs live in a directory all hosts mount.
CREATE TABLE pk_artifact (
  id           text PRIMARY KEY,
  execution_id text NOT NULL,
  pipeline_id  text NOT NULL,
  stage_id     text,
  job_id       text,
  name         text NOT NULL,
  digest       text NOT NULL,
  size         bigint NOT NULL,
  kind         text NOT NULL,
  created      timestamptz NOT NULL,
  expires      timestamptz NOT NULL,
  labels       text NOT NULL,                   -- a JSON object
  UNIQUE (execution_id, name)
);

CREATE TABLE pk_artifact_removed (
  artifact_id text PRIMARY KEY,
  pipeline_id text NOT NULL,
  size        bigint NOT NULL,
  created     timestamptz NOT NULL,
  removed     timestamptz NOT NULL
);
