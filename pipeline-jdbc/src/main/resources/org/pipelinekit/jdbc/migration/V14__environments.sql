-- The hosts' environments (their rules as JSON) and each one's deployments, appended.
CREATE TABLE pk_environment (
  name       TEXT PRIMARY KEY,
  definition TEXT NOT NULL
);
CREATE TABLE pk_deployment (
  id          BIGSERIAL PRIMARY KEY,
  environment TEXT NOT NULL,
  deployment  TEXT NOT NULL
);
CREATE INDEX pk_deployment_environment ON pk_deployment (environment, id);
