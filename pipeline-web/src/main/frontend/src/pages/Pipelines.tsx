import { useEffect, useState } from 'react';
import { ApiError, getJson } from '../api';
import { go } from '../App';

interface Summary {
  id: string;
  name?: string;
  description?: string;
  version: number;
  stages: number;
  template?: { id: string; version: string };
  /** Work in progress kept under this id (with problems, or not yet saved as a revision). */
  draft?: { saved: string };
  lastExecution?: { id: string; number: number; status: string; createdAt: string; trigger?: { kind: string; branch?: string; commit?: string } };
}

interface ExecutionJson {
  id: string;
  status: string;
  createdAt: string;
  durationMs?: number;
  trigger?: { kind: string; branch?: string; actor?: string; commit?: string; message?: string; author?: string };
}

export function Pipelines() {
  const [pipelines, setPipelines] = useState<Summary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [executions, setExecutions] = useState<ExecutionJson[]>([]);

  useEffect(() => {
    getJson<Summary[]>('pipelines').then(setPipelines).catch((e: ApiError) => setError(e.message));
  }, []);
  useEffect(() => {
    if (open) getJson<ExecutionJson[]>(`pipelines/${encodeURIComponent(open)}/executions?limit=10`).then(setExecutions).catch(() => setExecutions([]));
  }, [open]);

  if (error) return <div className="pk-error">{error}</div>;
  if (!pipelines) return <div className="pk-muted">Loading…</div>;
  return (
    <div className="pk-page">
      <div className="pk-page-head">
        <h1>Pipelines</h1>
        <button onClick={() => go('designer')}>New pipeline</button>
        <button onClick={() => go('templates')}>From a template</button>
      </div>
      {pipelines.length === 0 ? <p className="pk-muted">No pipelines yet.</p> : null}
      <table className="pk-table">
        <thead>
          <tr><th>Pipeline</th><th>Last run</th><th>Stages</th><th>Revision</th><th>Template</th><th><span className="pk-sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {pipelines.map((p) => (
            <tr key={p.id} data-pipeline={p.id}>
              <td><button className="pk-link" onClick={() => setOpen(open === p.id ? null : p.id)}>{p.name ?? p.id}</button>
                <div className="pk-muted">{p.id}{p.description ? ` — ${p.description}` : ''}</div>
                {open === p.id ? (
                  <ul className="pk-executions">
                    {executions.length === 0 ? <li className="pk-muted">No executions</li> : executions.map((e) => (
                      <li key={e.id}><a href={`#/executions/${encodeURIComponent(e.id)}`}>{e.id}</a> <span className={`pk-badge pk-${e.status.toLowerCase()}`}>{e.status}</span>
                        {e.durationMs !== undefined ? <span className="pk-muted"> {(e.durationMs / 1000).toFixed(1)}s</span> : null}
                        {e.trigger ? <span className="pk-muted" data-testid="run-trigger"> {e.trigger.kind}{e.trigger.branch ? ` on ${e.trigger.branch}` : ''}
                          {e.trigger.commit ? ` · ${e.trigger.commit.slice(0, 12)}` : ''}{e.trigger.message ? ` “${e.trigger.message}”` : ''}
                          {e.trigger.author ?? e.trigger.actor ? ` by ${e.trigger.author ?? e.trigger.actor}` : ''}</span> : null}</li>
                    ))}
                  </ul>
                ) : null}
              </td>
              <td data-testid="last-run">{p.lastExecution ? (
                <a href={`#/executions/${encodeURIComponent(p.lastExecution.id)}`}>
                  <span className={`pk-badge pk-${p.lastExecution.status.toLowerCase()}`}>{p.lastExecution.status}</span>
                  <span className="pk-muted"> #{p.lastExecution.number} {new Date(p.lastExecution.createdAt).toLocaleString()}</span>
                </a>) : <span className="pk-muted">never run</span>}</td>
              <td>{p.stages}</td>
              <td>{p.version > 0 ? p.version : null}{p.draft ? <span className="pk-badge pk-draft" data-testid="draft-badge"
                title={`Draft kept ${new Date(p.draft.saved).toLocaleString()}: it cannot run until its problems are fixed and it is saved`}>draft</span> : null}</td>
              <td>{p.template ? `${p.template.id} ${p.template.version}` : ''}</td>
              <td className="pk-actions">
                <a href={`#/designer/${encodeURIComponent(p.id)}`}>Open</a>
                <a href={`#/analytics/${encodeURIComponent(p.id)}`}>Analytics</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
