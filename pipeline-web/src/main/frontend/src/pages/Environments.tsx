import { useEffect, useState } from 'react';
import { ApiError, request } from '../api';
import { go } from '../App';
import { parsePairs as pairs, splitList as list } from '../schema';

interface DeploymentJson {
  pipelineId: string;
  executionId: string;
  stageId: string;
  status: string;
  time: string;
  commit?: string;
  branch?: string;
  url?: string;
  /** The version deployed: the stage's `version` output, else the run's first. */
  version?: string;
  approvedBy?: string[];
}

interface EnvironmentJson {
  name: string;
  variables: Record<string, string>;
  approvers: string[];
  required: number;
  branches: string[];
  waitTimer?: string;
  secretPrefix: string;
  deployed?: DeploymentJson;
  latest?: DeploymentJson;
  deployments?: DeploymentJson[];
}

const run = (d: DeploymentJson) => <a href={`#/executions/${encodeURIComponent(d.executionId)}`}>{d.executionId}</a>;

/** A deployment in one line: the run, its branch and commit, who approved, when. */
function Deployed({ d }: { d: DeploymentJson }) {
  return (
    <span>
      {d.version ? <>version <strong>{d.version}</strong>, </> : null}{run(d)}{d.branch ? ` from ${d.branch}` : ''}{d.commit ? <> at <code>{d.commit.slice(0, 12)}</code></> : null}
      {d.approvedBy && d.approvedBy.length > 0 ? `, approved by ${d.approvedBy.join(', ')}` : ''} · {new Date(d.time).toLocaleString()}
    </span>
  );
}

/**
 * The host's environments: who must approve a deployment and from which branches, their variables, what is deployed in
 * each; one environment's deployment history; and a form that creates or changes one (kept by the server).
 */
export function Environments({ name }: { name?: string }) {
  const [all, setAll] = useState<EnvironmentJson[] | null>(null);
  const [one, setOne] = useState<EnvironmentJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    setError(null);
    if (name) {
      request('GET', `environments/${encodeURIComponent(name)}`).then(async (r) => setOne(await r.json()))
        .catch((e: ApiError) => setError(e.message));
    } else {
      request('GET', 'environments').then(async (r) => setAll(await r.json())).catch((e: ApiError) => setError(e.message));
    }
  }, [name, reload]);
  return (
    <div className="pk-page">
      <div className="pk-page-head">
        <h1>{name ? `Environment ${name}` : 'Environments'}</h1>
        {name ? <a href="#/environments">All environments</a> : null}
      </div>
      {error ? <p className="pk-error" role="alert">{error}</p> : null}
      {!name && all !== null ? (
        all.length === 0 ? <p className="pk-muted">No environments yet: add one below, then give a stage <code>environment: its-name</code>.</p> : (
          <table className="pk-table" data-testid="environments">
            <thead><tr><th>Environment</th><th>Approval</th><th>Branches</th><th>Variables</th><th>Deployed</th><th>Latest</th></tr></thead>
            <tbody>
              {all.map((e) => (
                <tr key={e.name} data-environment={e.name}>
                  <td><a href={`#/environments/${encodeURIComponent(e.name)}`}>{e.name}</a></td>
                  <td>{e.approvers.length === 0 ? 'none' : `${e.required} of ${e.approvers.join(', ')}`}</td>
                  <td>{e.branches.length === 0 ? 'any' : e.branches.join(', ')}</td>
                  <td>{Object.keys(e.variables).join(', ')}</td>
                  <td>{e.deployed ? <Deployed d={e.deployed} /> : <span className="pk-muted">nothing yet</span>}</td>
                  <td>{e.latest ? <span className={`pk-badge pk-${e.latest.status.toLowerCase()}`}>{e.latest.status}</span> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {name && one ? (
        <>
          <p>
            {one.approvers.length === 0 ? 'Deploys without approval' : `Each deployment waits for ${one.required} of ${one.approvers.join(', ')}`}
            {'; '}{one.branches.length === 0 ? 'any branch may deploy' : `only ${one.branches.join(', ')} may deploy`}
            {one.waitTimer ? `; it waits ${one.waitTimer} after the approval` : ''}
            {'. '}Its secrets are stored as <code>{one.secretPrefix}NAME</code> and read by its stages as <code>secrets.NAME</code>.
          </p>
          <h2>Deployments</h2>
          {(one.deployments ?? []).length === 0 ? <p className="pk-muted">No deployments yet.</p> : (
            <table className="pk-table" data-testid="deployments">
              <thead><tr><th>Status</th><th>Run</th><th>Stage</th><th>Version</th><th>Branch</th><th>Commit</th><th>Approved by</th><th>When</th></tr></thead>
              <tbody>
                {(one.deployments ?? []).map((d) => (
                  <tr key={d.executionId + d.stageId + d.time}>
                    <td><span className={`pk-badge pk-${d.status.toLowerCase()}`}>{d.status}</span></td>
                    <td>{run(d)}</td><td>{d.stageId}</td><td>{d.version ?? ''}</td><td>{d.branch ?? ''}</td>
                    <td>{d.commit ? <code>{d.commit.slice(0, 12)}</code> : null}</td>
                    <td>{(d.approvedBy ?? []).join(', ')}</td><td>{new Date(d.time).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
      {(!name && all !== null) || (name && one) ? <EnvironmentForm key={one?.name ?? 'new'} initial={name ? one : null} onSaved={(n) => {
        if (n === name) setReload((x) => x + 1);
        else go(`environments/${encodeURIComponent(n)}`);
      }} /> : null}
    </div>
  );
}

/** Creates or changes an environment: its name, approvers and how many of them, branches, variables. */
function EnvironmentForm({ initial, onSaved }: { initial: EnvironmentJson | null; onSaved: (name: string) => void }) {
  const [draft, setDraft] = useState(() => ({
    name: initial?.name ?? '',
    approvers: (initial?.approvers ?? []).join(', '),
    required: String(initial?.required ?? 1),
    branches: (initial?.branches ?? []).join(', '),
    waitTimer: initial?.waitTimer ?? '',
    variables: Object.entries(initial?.variables ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n'),
  }));
  const [note, setNote] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const field = (key: keyof typeof draft, label: string, hint: string) => (
    <label>{label} <span className="pk-muted">{hint}</span>
      {key === 'variables'
        ? <textarea aria-label={label} rows={3} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
        : <input aria-label={label} value={draft[key]} disabled={key === 'name' && initial !== null} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />}
    </label>
  );
  const save = async () => {
    const name = draft.name.trim();
    try {
      await request('PUT', `environments/${encodeURIComponent(name)}`, {
        approvers: list(draft.approvers), required: Number(draft.required || '1'), branches: list(draft.branches), variables: pairs(draft.variables),
        waitTimer: draft.waitTimer.trim() === '' ? undefined : draft.waitTimer.trim(),
      });
      setNote({ kind: 'info', text: `Saved environment ${name}.` });
      onSaved(name);
    } catch (e) {
      setNote({ kind: 'error', text: `Not saved: ${(e as ApiError).message}` });
    }
  };
  return (
    <section className="pk-env-form" aria-label={initial ? `Change ${initial.name}` : 'New environment'}>
      <h2>{initial ? `Change ${initial.name}` : 'New environment'}</h2>
      <div className="pk-form-grid">
        {field('name', 'Name', '(lower case: production)')}
        {field('approvers', 'Required approvers', '(users or groups, comma-separated; empty: none)')}
        {field('required', 'Approvals needed', '(how many of them)')}
        {field('branches', 'Branches that may deploy', '(globs, comma-separated; empty: any)')}
        {field('waitTimer', 'Wait after approval', '(like 10m; empty: none)')}
        {field('variables', 'Variables', '(one per line: API_URL = https://…)')}
      </div>
      <button className="pk-primary" disabled={draft.name.trim() === ''} onClick={() => void save()}>Save environment</button>
      {note ? <div className={`pk-message pk-${note.kind}`} role={note.kind === 'error' ? 'alert' : 'status'}>{note.text}</div> : null}
    </section>
  );
}
