-- Drafts: the editor's work in progress under a pipeline id, which may not be a valid pipeline yet and never runs.

CREATE TABLE pk_pipeline_draft (
  id       text PRIMARY KEY,
  document text NOT NULL,                       -- as the editor sent it
  saved_at timestamptz NOT NULL DEFAULT now()
);
