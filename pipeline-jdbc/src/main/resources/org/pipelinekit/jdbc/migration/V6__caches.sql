-- Cache entries of every host (JdbcCacheStore); their archives live in a directory all hosts mount.
CREATE TABLE pk_cache_entry (
  namespace   text NOT NULL,
  key         text NOT NULL,
  size        bigint NOT NULL,
  digest      text NOT NULL,
  created     timestamptz NOT NULL,
  last_access timestamptz NOT NULL,
  hits        bigint NOT NULL,
  ttl_millis  bigint NOT NULL,
  written_by  text,
  file        text NOT NULL,                    -- the archive's name in the shared directory
  PRIMARY KEY (namespace, key)
);
