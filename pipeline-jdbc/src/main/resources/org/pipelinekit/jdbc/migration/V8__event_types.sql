-- The type of each journal event beside its JSON, so a host finds the unfinished executions without reading every journal.
ALTER TABLE pk_execution_event ADD COLUMN type text;
UPDATE pk_execution_event SET type = event::json->>'type';
ALTER TABLE pk_execution_event ALTER COLUMN type SET NOT NULL;
CREATE INDEX pk_execution_finished ON pk_execution_event (execution_id) WHERE type = 'ExecutionFinished';
