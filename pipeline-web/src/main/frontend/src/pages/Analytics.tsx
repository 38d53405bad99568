import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { ApiError, getJson } from '../api';
import { duration } from './Execution';

interface StageStats {
  stage: string;
  runs: number;
  failures: number;
  flaky: boolean;
  onCriticalPath: boolean;
  averageDurationMs?: number;
  p95DurationMs?: number;
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
  cost: { computeUsd: number; storageUsd: number; totalUsd: number; billableMinutes: number };
  alerts: Array<{ month: string; budgetUsd: number; spentUsd: number }>;
  suggestions: string[];
}

const RANGES: Array<[string, number]> = [['7 days', 7], ['30 days', 30], ['90 days', 90], ['1 year', 365]];
const pct = (x: number) => `${(x * 100).toFixed(x === 0 || x === 1 ? 0 : 1)}%`;

/** A pipeline's analytics over a chosen range: rates, durations, bottleneck stages, deployment frequency, cost and daily trends. */
export function Analytics({ pipelineId }: { pipelineId: string }) {
  const [days, setDays] = useState(30);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - days * 86_400_000);
    getJson<Report>(`pipelines/${encodeURIComponent(pipelineId)}/analytics?from=${from.toISOString()}&to=${to.toISOString()}`)
      .then(setReport).catch((e: ApiError) => setError(e.message));
  }, [pipelineId, days]);
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
        <Card label="Cost" value={`$${report.cost.totalUsd.toFixed(2)}`} sub={`compute $${report.cost.computeUsd.toFixed(2)} · storage $${report.cost.storageUsd.toFixed(2)}`} />
      </div>
      {report.alerts.map((a) => <div key={a.month} className="pk-message pk-error">Budget alert {a.month}: ${a.spentUsd.toFixed(2)} of ${a.budgetUsd.toFixed(2)}</div>)}
      <h2>Trends</h2>
      <Trend report={report} />
      <h2>Stages</h2>
      <table className="pk-table" aria-label="Stage statistics">
        <thead><tr><th>Stage</th><th>Runs</th><th>Failures</th><th>Average</th><th>p95</th><th /></tr></thead>
        <tbody>
          {[...report.stages].sort((a, b) => (b.averageDurationMs ?? 0) - (a.averageDurationMs ?? 0)).map((s) => (
            <tr key={s.stage} className={report.bottlenecks.includes(s.stage) ? 'pk-bottleneck' : undefined}>
              <td>{s.stage}</td><td>{s.runs}</td><td>{s.failures}</td><td>{duration(s.averageDurationMs)}</td><td>{duration(s.p95DurationMs)}</td>
              <td>{report.bottlenecks.includes(s.stage) ? 'bottleneck' : ''}{s.onCriticalPath ? ' · critical path' : ''}{s.flaky ? ' · flaky' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.suggestions.length > 0 ? <><h2>Suggestions</h2><ul>{report.suggestions.map((s) => <li key={s}>{s}</li>)}</ul></> : null}
    </div>
  );
}

function Card({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return <div className="pk-stat" data-testid={testId}><div className="pk-muted">{label}</div><strong>{value}</strong>{sub ? <div className="pk-muted">{sub}</div> : null}</div>;
}

/** Executions and success rate per day, and the average duration, with uPlot. */
function Trend({ report }: { report: Report }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || report.trends.length === 0) return;
    const xs = report.trends.map((d) => Date.parse(d.date) / 1000);
    const data: uPlot.AlignedData = [
      xs,
      report.trends.map((d) => d.executions),
      report.trends.map((d) => (d.executions ? (100 * d.succeeded) / d.executions : null)),
      report.trends.map((d) => (d.averageDurationMs === undefined ? null : d.averageDurationMs / 1000)),
    ];
    const plot = new uPlot({
      width: Math.max(320, el.current.clientWidth),
      height: 240,
      series: [
        {},
        { label: 'executions', stroke: '#0969da', width: 2, scale: 'n' },
        { label: 'success %', stroke: '#1a7f37', width: 2, scale: '%' },
        { label: 'avg duration (s)', stroke: '#9a6700', width: 2, scale: 's' },
      ],
      axes: [{}, { scale: 'n', label: 'executions' }, { scale: 's', side: 1, label: 'seconds', grid: { show: false } }],
      scales: { '%': { range: [0, 100] } },
    }, data, el.current);
    return () => plot.destroy();
  }, [report]);
  return report.trends.length === 0 ? <p className="pk-muted">No executions in this range.</p> : <div ref={el} className="pk-trend" aria-label="Trend chart" />;
}
