import { useEffect, useState } from 'react';
import { ApiError, request } from '../api';
import { go } from '../App';
import { duration } from './Execution';

interface RunJson {
  id: string;
  pipelineId: string;
  number: number;
  status: string;
  createdAt: string;
  durationMs?: number;
  reason?: string;
  trigger: { kind: string; branch?: string; actor?: string; commit?: string; message?: string; author?: string };
}

const STATUSES = ['', 'RUNNING', 'QUEUED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'INTERRUPTED'];
const TRIGGERS = ['', 'push', 'pull-request', 'tag', 'schedule', 'upstream', 'manual', 'api'];
const PAGE = 50;

/**
 * Every pipeline's runs, newest first: status, pipeline and number, branch, commit and message, trigger, who, the start
 * in the viewer's time zone and the duration; filtered by branch, status and trigger (kept in the address, so a
 * filtered list can be shared), fifty at a time.
 */
export function Runs({ query }: { query: URLSearchParams }) {
  const branch = query.get('branch') ?? '';
  const status = query.get('status') ?? '';
  const trigger = query.get('trigger') ?? '';
  const [runs, setRuns] = useState<RunJson[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const filters = (next: Record<string, string>) => {
    const q = new URLSearchParams({ branch, status, trigger, ...next });
    for (const [k, v] of [...q.entries()]) if (v === '') q.delete(k);
    go(`runs${q.toString() ? '?' + q.toString() : ''}`);
  };
  const load = (offset: number) => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (branch) q.set('branch', branch);
    if (status) q.set('status', status);
    if (trigger) q.set('trigger', trigger);
    request('GET', `executions?${q.toString()}`).then(async (r) => {
      const page = (await r.json()) as RunJson[];
      setTotal(Number(r.headers.get('X-Total-Count') ?? page.length));
      setRuns((old) => (offset === 0 ? page : [...(old ?? []), ...page]));
    }).catch((e: ApiError) => setError(e.message));
  };
  useEffect(() => load(0), [branch, status, trigger]);
  return (
    <div className="pk-page">
      <div className="pk-page-head">
        <h1>Runs</h1>
        <input aria-label="Branch" placeholder="branch" defaultValue={branch}
          onKeyDown={(e) => { if (e.key === 'Enter') filters({ branch: (e.target as HTMLInputElement).value.trim() }); }} />
        <select aria-label="Status" value={status} onChange={(e) => filters({ status: e.target.value })}>
          {STATUSES.map((s) => <option key={s} value={s}>{s === '' ? 'any status' : s.toLowerCase().replace('_', ' ')}</option>)}
        </select>
        <select aria-label="Trigger" value={trigger} onChange={(e) => filters({ trigger: e.target.value })}>
          {TRIGGERS.map((t) => <option key={t} value={t}>{t === '' ? 'any trigger' : t}</option>)}
        </select>
      </div>
      {error ? <p className="pk-error" role="alert">{error}</p> : null}
      {runs === null ? <p className="pk-muted">Loading…</p> : runs.length === 0 ? <p className="pk-muted">No runs match.</p> : (
        <table className="pk-table" data-testid="runs">
          <thead>
            <tr><th>Status</th><th>Run</th><th>Branch</th><th>Commit</th><th>Trigger</th><th>Who</th><th>Started</th><th>Duration</th></tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td><span className={`pk-badge pk-${r.status.toLowerCase()}`} title={r.reason}>{r.status}</span></td>
                <td><a href={`#/executions/${encodeURIComponent(r.id)}`}>{r.pipelineId} #{r.number}</a></td>
                <td>{r.trigger.branch ?? ''}</td>
                <td>{r.trigger.commit ? <code>{r.trigger.commit.slice(0, 12)}</code> : null}{r.trigger.message ? ` ${r.trigger.message}` : ''}</td>
                <td>{r.trigger.kind}</td>
                <td>{r.trigger.author ?? r.trigger.actor ?? ''}</td>
                <td>{new Date(r.createdAt).toLocaleString()}</td>
                <td>{duration(r.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs !== null && runs.length < total ? <button onClick={() => load(runs.length)}>Show more ({total - runs.length} left)</button> : null}
    </div>
  );
}
