-- The audit log: appended to, never changed. Each row chains to the one before by hash (AuditLog.verify), and the
-- table refuses UPDATE, DELETE and TRUNCATE for everyone who goes through it.
CREATE TABLE pk_audit (
  sequence      BIGINT PRIMARY KEY,
  time          TIMESTAMPTZ NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  target        TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  details       TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE INDEX pk_audit_actor ON pk_audit (actor, sequence);
CREATE INDEX pk_audit_time ON pk_audit (time);

CREATE FUNCTION pk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on pk_audit is refused', TG_OP;
END
$$;
CREATE TRIGGER pk_audit_no_update_or_delete BEFORE UPDATE OR DELETE ON pk_audit
  FOR EACH ROW EXECUTE FUNCTION pk_audit_append_only();
CREATE TRIGGER pk_audit_no_truncate BEFORE TRUNCATE ON pk_audit
  FOR EACH STATEMENT EXECUTE FUNCTION pk_audit_append_only();
