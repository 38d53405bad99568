import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { ApiError, getJson, request } from '../api';
import { duration } from './Execution';

interface StageStats {
  stage: string;
  runs: number;
  failures: number;
  flaky: boolean;
  onCriticalPath: number;
  /** Share of the critical path's time over all runs, 0 to 1. */
  criticalShare: number;
  averageDurationMs?: number;
  p95DurationMs?: number;
  /** Failures a quality gate made. */
  gateFailures?: number;
}

export interface Report {
  pipelineId: string;
  from: string;
  to: string;
  executions: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  successRate: number;
  failureRate: number;
  averageDurationMs?: number;
  p95DurationMs?: number;
  averageQueueTimeMs?: number;
  stages: StageStats[];
  bottlenecks: string[];
  dora: { deployments: number; deploymentsPerDay: number; deploymentAttempts: number; changeFailureRate: number };
  trends: Array<{ date: string; executions: number; succeeded: number; averageDurationMs?: number }>;
  cost: { computeUsd: number; storageUsd: number; totalUsd: number; billableMinutes: number; freeMinutesUsed: number };
  alerts: Array<{ month: string; budgetUsd: number; spentUsd: number; percent?: number }>;
  suggestions: string[];
  /** Tests that failed and passed with nothing changed (on a retry, or on the same commit). */
  flakyTests?: Array<{ stage: string; test: string; why: string; executions: string[] }>;
  zone: string;
  costModel: CostSettings;
}

export interface CostSettings {
  freeMinutesPerMonth: number;
  pricePerMinute: number;
  parallelMultiplier: number;
  artifactsPerGbMonth: number;
  cachePerGbMonth: number;
  logsPerGbMonth: number;
  budgets: Record<string, number>;
  /** A pipeline that has spent its monthly budget gets no new runs until the next month. */
  enforceBudgets?: boolean;
  /** Percents of a budget that alert, each once a month. */
  alertThresholds?: number[];
  /** The monthly budget of all the project's pipelines together. */
  projectBudget?: number;
}

/** A month's cost allocation: each pipeline's share, and the project's total against its budget. */
interface Costs {
  month: string;
  totalUsd: number;
  projectBudgetUsd?: number;
  pipelines: Array<{ pipelineId: string; runs: number; billableMinutes: number; totalUsd: number; budgetUsd?: number }>;
}

const RANGES: Array<[string, number]> = [['7 days', 7], ['30 days', 30], ['90 days', 90], ['1 year', 365]];
const pct = (x: number) => `${(x * 100).toFixed(x === 0 || x === 1 ? 0 : 1)}%`;

/** A pipeline's analytics over a chosen range: rates, durations, bottleneck stages, deployment frequency, cost and daily trends. */
export function Analytics({ pipelineId }: { pipelineId: string }) {
  const [days, setDays] = useState(30);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  useEffect(() => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - days * 86_400_000);
    getJson<Report>(`pipelines/${encodeURIComponent(pipelineId)}/analytics?from=${from.toISOString()}&to=${to.toISOString()}&zone=${encodeURIComponent(zone)}`)
      .then(setReport).catch((e: ApiError) => setError(e.message));
  }, [pipelineId, days, reload]);
  if (error) return <div className="pk-error pk-pad">{error}</div>;
  if (!report) return <div className="pk-muted pk-pad">Loading…</div>;
  return (
    <div className="pk-page pk-analytics">
      <div className="pk-page-head">
        <h1>Analytics · {pipelineId}</h1>
        <label>Range <select aria-label="Range" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {RANGES.map(([l, d]) => <option key={d} value={d}>{l}</option>)}
        </select></label>
      </div>
      <div className="pk-cards">
        <Card label="Executions" value={String(report.executions)} testId="executions" />
        <Card label="Success rate" value={report.executions ? pct(report.successRate) : '—'} testId="success-rate" />
        <Card label="Failure rate" value={report.executions ? pct(report.failureRate) : '—'} />
        <Card label="Average duration" value={duration(report.averageDurationMs) || '—'} />
        <Card label="p95 duration" value={duration(report.p95DurationMs) || '—'} />
        <Card label="Deployments / day" value={report.dora.deploymentsPerDay.toFixed(2)} sub={`${report.dora.deployments} deployments · change failure ${pct(report.dora.changeFailureRate)}`} />
        <Card label="Cost" value={`$${report.cost.totalUsd.toFixed(2)}`} testId="cost"
          sub={`${report.cost.billableMinutes.toFixed(1)} build min (${report.cost.freeMinutesUsed.toFixed(1)} free) · compute $${report.cost.computeUsd.toFixed(2)} · storage $${report.cost.storageUsd.toFixed(2)}`} />
      </div>
      {report.alerts.map((a) => <div key={`${a.month}-${a.percent}`} className="pk-message pk-error">Budget alert {a.month}: {a.percent ?? 100}% reached — ${a.spentUsd.toFixed(2)} of ${a.budgetUsd.toFixed(2)}</div>)}
      <h2>Trends <span className="pk-muted pk-small">per day, {report.zone}</span></h2>
      <Trend report={report} />
      <CostModelForm pipelineId={pipelineId} model={report.costModel} cost={report.cost} onSaved={() => setReload((n) => n + 1)} />
      <h2>Stages</h2>
      <table className="pk-table" aria-label="Stage statistics">
        <thead><tr><th>Stage</th><th>Runs</th><th>Failures</th><th>Average</th><th>p95</th><th>Role on the critical path</th></tr></thead>
        <tbody>
          {[...report.stages].sort((a, b) => (b.averageDurationMs ?? 0) - (a.averageDurationMs ?? 0)).map((s) => (
            <tr key={s.stage} className={report.bottlenecks.includes(s.stage) ? 'pk-bottleneck' : undefined}>
              <td>{s.stage}</td><td>{s.runs}</td><td>{s.failures}{s.gateFailures ? <span className="pk-muted"> ({s.gateFailures} by a quality gate)</span> : null}</td><td>{duration(s.averageDurationMs)}</td><td>{duration(s.p95DurationMs)}</td>
              <td>{report.bottlenecks.includes(s.stage) ? <strong title="The stage with the largest share of the critical path: the chain of stages each run waited for">bottleneck</strong> : null}
                {s.criticalShare > 0 ? `${report.bottlenecks.includes(s.stage) ? ' — ' : ''}${pct(s.criticalShare)} of the critical path` : ''}{s.flaky ? ' · flaky' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.flakyTests && report.flakyTests.length > 0 ? <>
        <h2>Flaky tests</h2>
        <table className="pk-table" aria-label="Flaky tests" data-testid="flaky-tests">
          <thead><tr><th>Test</th><th>Stage</th><th>Why</th><th>Runs</th></tr></thead>
          <tbody>
            {report.flakyTests.map((f) => (
              <tr key={f.stage + ' ' + f.test}>
                <td><code>{f.test}</code></td><td>{f.stage}</td><td>{f.why}</td>
                <td>{f.executions.map((id, i) => <span key={id}>{i > 0 ? ', ' : ''}<a href={`#/executions/${encodeURIComponent(id)}?stage=${encodeURIComponent(f.stage)}`}>{id}</a></span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </> : null}
      {report.suggestions.length > 0 ? <><h2>Suggestions</h2><ul>{report.suggestions.map((s) => <li key={s}>{s}</li>)}</ul></> : null}
    </div>
  );
}

function Card({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return <div className="pk-stat" data-testid={testId}><div className="pk-muted">{label}</div><strong>{value}</strong>{sub ? <div className="pk-muted">{sub}</div> : null}</div>;
}

/** The range's days (in the viewer's zone) with one small chart per series, each on its own axis over the whole range. */
function Trend({ report }: { report: Report }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || report.trends.length === 0) return;
    // each date at the viewer's midnight (the server counted days in this zone)
    const xs = report.trends.map((d) => { const [y, m, day] = d.date.split('-').map(Number); return new Date(y, m - 1, day).getTime() / 1000; });
    const range: [number, number] = [xs[0], xs[xs.length - 1] + 86_400];
    const width = Math.max(320, el.current.clientWidth);
    const charts: Array<[string, string, Array<number | null>, (v: number) => string]> = [
      ['Executions', '#0969da', report.trends.map((d) => d.executions), (v) => String(Math.round(v))],
      ['Success rate', '#1a7f37', report.trends.map((d) => (d.executions ? (100 * d.succeeded) / d.executions : null)), (v) => `${Math.round(v)}%`],
      ['Average duration', '#9a6700', report.trends.map((d) => (d.averageDurationMs === undefined ? null : d.averageDurationMs / 1000)), (v) => `${v.toFixed(1)}s`],
    ];
    const plots = charts.map(([label, colour, ys, format]) => {
      const box = document.createElement('div');
      box.className = 'pk-trend-chart';
      box.setAttribute('role', 'img');
      box.setAttribute('aria-label', `${label} per day`);
      el.current!.appendChild(box);
      return new uPlot({
        width,
        height: 150,
        title: label,
        legend: { show: false },
        series: [{}, { label, stroke: colour, width: 2, spanGaps: true, points: { show: true, size: 6, fill: colour } }],
        axes: [{}, { label, size: 60, values: (_u, vals) => vals.map((v) => (v === null ? '' : format(v))) }],
        // what the x axis spans, for tests and tools (the chart itself is a canvas)
        hooks: { ready: [(u) => { box.dataset.xFrom = new Date((u.scales.x.min ?? 0) * 1000).toISOString(); box.dataset.xTo = new Date((u.scales.x.max ?? 0) * 1000).toISOString(); box.dataset.points = String(ys.filter((y) => y !== null).length); }] },
        scales: { x: { time: true, range }, y: label === 'Success rate' ? { range: [0, 100] } : { range: (_u, _min, max) => [0, Math.max(1, max ?? 1) * 1.1] } },
      }, [xs, ys], box);
    });
    return () => { plots.forEach((p) => p.destroy()); if (el.current) el.current.innerHTML = ''; };
  }, [report]);
  return report.trends.length === 0 ? <p className="pk-muted">No executions in this range.</p> : <div ref={el} className="pk-trend" data-testid="trend" />;
}

/** The cost model the figures use, and this pipeline's monthly budget: visible, and set here (kept by the server). */
function CostModelForm({ pipelineId, model, cost, onSaved }: { pipelineId: string; model: CostSettings; cost: Report['cost']; onSaved: () => void }) {
  const [draft, setDraft] = useState(() => ({
    pricePerMinute: String(model.pricePerMinute), freeMinutesPerMonth: String(model.freeMinutesPerMonth),
    parallelMultiplier: String(model.parallelMultiplier), artifactsPerGbMonth: String(model.artifactsPerGbMonth),
    budget: model.budgets[pipelineId] !== undefined ? String(model.budgets[pipelineId]) : '',
    thresholds: (model.alertThresholds ?? [100]).join(', '),
    projectBudget: model.projectBudget !== undefined ? String(model.projectBudget) : '',
  }));
  const [enforce, setEnforce] = useState(model.enforceBudgets === true);
  const [note, setNote] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const field = (key: keyof typeof draft, label: string, unit: string) => (
    <label>{label}<input aria-label={label} inputMode="decimal" value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} /><span className="pk-muted">{unit}</span></label>
  );
  const save = async () => {
    const budgets = { ...model.budgets };
    if (draft.budget.trim() === '') delete budgets[pipelineId];
    else budgets[pipelineId] = Number(draft.budget);
    try {
      await request('PUT', 'analytics/settings', {
        pricePerMinute: Number(draft.pricePerMinute), freeMinutesPerMonth: Number(draft.freeMinutesPerMonth),
        parallelMultiplier: Number(draft.parallelMultiplier), artifactsPerGbMonth: Number(draft.artifactsPerGbMonth), budgets,
        enforceBudgets: enforce,
        projectBudget: draft.projectBudget.trim() === '' ? null : Number(draft.projectBudget),
        alertThresholds: draft.thresholds.split(',').map((x) => x.trim()).filter((x) => x !== '').map(Number),
      });
      setNote({ kind: 'info', text: 'Saved: the figures above use these rates now.' });
      onSaved();
    } catch (e) {
      setNote({ kind: 'error', text: `Not saved: ${(e as ApiError).message}` });
    }
  };
  return (
    <section className="pk-cost-model" aria-label="Cost model">
      <h2>Cost model</h2>
      <p className="pk-muted">Cost = (build minutes − free minutes) × price per minute, minutes with several jobs at once counted × the parallel
        multiplier, plus storage. This range: {cost.billableMinutes.toFixed(1)} build minutes, {cost.freeMinutesUsed.toFixed(1)} of them free.</p>
      <div className="pk-form-row">
        {field('pricePerMinute', 'Price per build minute', '$')}
        {field('freeMinutesPerMonth', 'Free minutes a month', 'min')}
        {field('parallelMultiplier', 'Parallel multiplier', '×')}
        {field('artifactsPerGbMonth', 'Artifact storage', '$ / GB-month')}
        {field('budget', `Monthly budget of ${pipelineId}`, '$ (empty: none)')}
        {field('projectBudget', 'Monthly budget of the project', '$ (all pipelines; empty: none)')}
        {field('thresholds', 'Alert at', '% of a budget')}
        <label className="pk-check">
          <input type="checkbox" checked={enforce} onChange={(e) => setEnforce(e.target.checked)} />
          Refuse new runs once a budget is spent
        </label>
        <button className="pk-primary" onClick={() => void save()}>Save rates</button>
      </div>
      {note ? <div className={`pk-message pk-${note.kind}`} role={note.kind === 'error' ? 'alert' : 'status'}>{note.text}</div> : null}
      <CostAllocation key={note?.text ?? ''} />
    </section>
  );
}

/** This month's cost by pipeline, most first, and the project's total against its budget. */
function CostAllocation() {
  const [costs, setCosts] = useState<Costs | null>(null);
  useEffect(() => {
    getJson<Costs>('analytics/costs').then(setCosts, () => setCosts(null));
  }, []);
  if (!costs || costs.pipelines.length === 0) return null;
  const usd = (x: number) => `$${x.toFixed(2)}`;
  return (
    <>
      <h3>This project in {costs.month}: {usd(costs.totalUsd)}{costs.projectBudgetUsd !== undefined ? ` of its ${usd(costs.projectBudgetUsd)} budget` : ''}</h3>
      <table className="pk-table" aria-label="Cost by pipeline" data-testid="cost-allocation">
        <thead><tr><th>Pipeline</th><th>Runs</th><th>Build minutes</th><th>Cost</th><th>Budget</th></tr></thead>
        <tbody>
          {costs.pipelines.map((p) => (
            <tr key={p.pipelineId}>
              <td><a href={`#/analytics/${encodeURIComponent(p.pipelineId)}`}>{p.pipelineId}</a></td><td>{p.runs}</td>
              <td>{p.billableMinutes.toFixed(1)}</td><td>{usd(p.totalUsd)}</td><td>{p.budgetUsd !== undefined ? usd(p.budgetUsd) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
