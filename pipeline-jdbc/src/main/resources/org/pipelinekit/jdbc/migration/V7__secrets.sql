-- Secrets shared by the hosts (JdbcSecretStore): each value sealed with AES-256-GCM under a key the hosts hold, never stored here.
CREATE TABLE pk_secret (
  name   text PRIMARY KEY,
  nonce  bytea NOT NULL,
  sealed bytea NOT NULL                          -- the value and its tag; the name is the associated data
);
