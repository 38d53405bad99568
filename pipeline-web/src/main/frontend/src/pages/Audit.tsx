import { useEffect, useState } from 'react';
import { ApiError, request } from '../api';
import { go } from '../App';

interface AuditEntry {
  sequence: number;
  time: string;
  actor: string;
  action: string;
  target: string;
  outcome: 'ok' | 'denied' | 'refused' | 'failed';
  details: Record<string, string>;
}

const ACTIONS = ['', 'pipeline', 'execution', 'stage', 'secret', 'settings', 'repository', 'user'];

/**
 * The audit log: who changed what and when, what they were refused, which secrets runs read — newest first, filtered by
 * actor, action and target (kept in the address), with whether the hash chain still holds, and an export as JSON lines.
 */
export function Audit({ query }: { query: URLSearchParams }) {
  const actor = query.get('actor') ?? '';
  const action = query.get('action') ?? '';
  const target = query.get('target') ?? '';
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [intact, setIntact] = useState<{ intact: boolean; brokenAt?: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filter = () => {
    const q = new URLSearchParams({ actor, action, target });
    for (const [k, v] of [...q.entries()]) if (v === '') q.delete(k);
    return q;
  };
  const filters = (next: Record<string, string>) => {
    const q = new URLSearchParams({ actor, action, target, ...next });
    for (const [k, v] of [...q.entries()]) if (v === '') q.delete(k);
    go(`audit${q.toString() ? '?' + q.toString() : ''}`);
  };
  useEffect(() => {
    const q = filter();
    q.set('limit', '500');
    request('GET', `audit?${q.toString()}`).then(async (r) => {
      const doc = (await r.json()) as { entries: AuditEntry[]; intact: boolean; brokenAt?: number };
      setEntries(doc.entries);
      setIntact({ intact: doc.intact, brokenAt: doc.brokenAt });
    }).catch((e: ApiError) => setError(e.status === 403 ? 'Only administrators may read the audit log.' : e.message));
  }, [actor, action, target]);
  const exportLines = async () => {
    try {
      const r = await request('GET', `audit/export?${filter().toString()}`);
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = 'pipelinekit-audit.jsonl';
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  return (
    <div className="pk-page">
      <div className="pk-page-head">
        <h1>Audit log</h1>
        <input aria-label="Actor" placeholder="who" defaultValue={actor}
          onKeyDown={(e) => { if (e.key === 'Enter') filters({ actor: (e.target as HTMLInputElement).value.trim() }); }} />
        <select aria-label="Action" value={action} onChange={(e) => filters({ action: e.target.value })}>
          {ACTIONS.map((a) => <option key={a} value={a}>{a === '' ? 'any action' : a}</option>)}
        </select>
        <input aria-label="Target" placeholder="target (pipeline/shop)" defaultValue={target}
          onKeyDown={(e) => { if (e.key === 'Enter') filters({ target: (e.target as HTMLInputElement).value.trim() }); }} />
        <button onClick={() => void exportLines()} disabled={entries === null}>Export JSON lines</button>
      </div>
      {error ? <p className="pk-error" role="alert">{error}</p> : null}
      {intact ? (
        <p className={intact.intact ? 'pk-muted' : 'pk-error'} data-testid="audit-chain">
          {intact.intact ? 'Every entry is as it was written (the hash chain holds).'
            : `Entry ${intact.brokenAt} is not as it was written, or one before it was removed: the hash chain breaks there.`}
        </p>
      ) : null}
      {entries === null ? (error ? null : <p className="pk-muted">Loading…</p>) : entries.length === 0 ? <p className="pk-muted">No entries match.</p> : (
        <table className="pk-table" data-testid="audit">
          <thead>
            <tr><th>#</th><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Outcome</th><th>Details</th></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.sequence} data-sequence={e.sequence}>
                <td>{e.sequence}</td>
                <td>{new Date(e.time).toLocaleString()}</td>
                <td>{e.actor}</td>
                <td><code>{e.action}</code></td>
                <td>{e.target}</td>
                <td><span className={`pk-badge pk-audit-${e.outcome}`}>{e.outcome}</span></td>
                <td className="pk-muted">{Object.entries(e.details).map(([k, v]) => `${k}: ${v}`).join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
