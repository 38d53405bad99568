import { Background, Controls, Handle, MiniMap, Position, ReactFlow, ReactFlowProvider, type Node, type NodeProps, type ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, getJson, postJson, readSse } from '../api';
import { go } from '../App';
import { LogViewer, apiLogSource } from '../components/LogViewer';
import { StageList } from '../components/StageList';
import { layoutAsync } from '../layoutAsync';
import { recallLayout, rememberLayout } from '../layoutMemory';
import { NODE_HEIGHT, NODE_WIDTH, pipelineToGraph, withGenerated, type PipelineDoc, type StageDoc } from '../model';

export interface JobJson {
  id: string;
  matrix: Record<string, string>;
  status: string;
  attempts: number;
  durationMs?: number;
  exitCode?: number;
  reason?: string;
}

export interface StageRunJson {
  id: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  reason?: string;
  reusedFrom?: string;
  jobs: JobJson[];
  approval?: { approvers: string[]; mayApprove: boolean };
}

export interface ExecutionJson {
  id: string;
  pipelineId: string;
  number: number;
  status: string;
  reason?: string;
  createdAt: string;
  startedAt?: string;
  durationMs?: number;
  trigger: { kind: string; branch?: string; actor?: string; commit?: string; message?: string; author?: string };
  pipeline: PipelineDoc;
  stages: StageRunJson[];
}

interface ArtifactJson {
  id: string;
  name: string;
  size: number;
  stage?: string;
  url: string;
}

const STATUS_COLOURS: Record<string, string> = {
  SUCCEEDED: '#1a7f37', CACHED: '#1a7f37', FAILED: '#d1242f', TIMED_OUT: '#d1242f', RUNNING: '#0969da', WAITING_APPROVAL: '#9a6700', SOFT_FAILED: '#9a6700',
};

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'INTERRUPTED', 'SKIPPED', 'SOFT_FAILED', 'CACHED']);

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** One notification of the run (its pipeline's notify rules), as the server delivered it. */
interface DeliveryJson {
  rule: number;
  channel: string;
  event: string;
  outcome: 'sent' | 'skipped' | 'failed';
  detail: string;
  attempts: number;
}

type RunNodeData = { stage: StageDoc; run?: StageRunJson; artifacts: ArtifactJson[]; now: number; decision?: string };

/** The ends whose reason a stage shows on its node. */
const EXPLAINED = new Set(['FAILED', 'TIMED_OUT', 'SKIPPED', 'CANCELLED', 'SOFT_FAILED']);

/** A stage of a running execution: status colour (pulsing while it runs), duration, matrix cells grouped, artifact links. */
function RunNode({ data, selected }: NodeProps<Node<RunNodeData, 'run'>>) {
  const run = data.run;
  const status = run?.status ?? 'PENDING';
  const ms = run?.durationMs ?? (run?.startedAt && !run.finishedAt ? Math.max(0, data.now - Date.parse(run.startedAt)) : undefined);
  const cells = run && run.jobs.length > 1 ? run.jobs : [];
  return (
    <div className={`pk-node pk-run pk-${status.toLowerCase()}${selected ? ' selected' : ''}`} data-stage={data.stage.id} data-status={status}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="pk-node-title">{data.stage.name ?? data.stage.id}</div>
      <div className="pk-node-sub">
        <span className="pk-status-dot" />{status.toLowerCase().replace(/_/g, ' ')}
        {ms !== undefined ? <span className="pk-duration"> · {duration(ms)}</span> : null}
        {run?.reusedFrom ? <span title={`reused from ${run.reusedFrom}`}> · reused</span> : null}
      </div>
      {run?.reason && EXPLAINED.has(status) ? <div className="pk-node-reason" data-testid="stage-reason" title={run.reason}>{run.reason}</div> : null}
      {data.decision ? <div className="pk-node-decision" data-testid="stage-decision">{data.decision}</div> : null}
      {cells.length > 0 ? (
        <div className="pk-cells" aria-label="matrix jobs">
          {cells.map((j) => <span key={j.id} className={`pk-cell pk-${j.status.toLowerCase()}`} title={`${Object.entries(j.matrix).map(([k, v]) => `${k}=${v}`).join(', ')}: ${j.status}${j.durationMs !== undefined ? ` (${duration(j.durationMs)})` : ''}`} />)}
        </div>
      ) : null}
      {data.artifacts.length > 0 ? (
        <div className="pk-node-artifacts">{data.artifacts.map((a) => <a key={a.id} href={a.url} onClick={(e) => e.stopPropagation()} download>{a.name}</a>)}</div>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { run: RunNode };

/**
 * An execution live: the pipeline's DAG with each stage's status (over the events stream), durations, matrix cells and
 * artifacts; cancel, approve or reject a waiting stage, re-run from a stage; a stage's logs below.
 */
export function Execution({ executionId, focusStage }: { executionId: string; focusStage?: string }) {
  const [execution, setExecution] = useState<ExecutionJson | null>(null);
  const [artifacts, setArtifacts] = useState<ArtifactJson[]>([]);
  const [notifications, setNotifications] = useState<DeliveryJson[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [decisions, setDecisions] = useState<Record<string, string>>({});
  const [generated, setGenerated] = useState<StageDoc[]>([]);
  const [trace, setTrace] = useState(false);
  const [neighbours, setNeighbours] = useState<{ previous?: { id: string; number: number }; next?: { id: string; number: number } }>({});
  const [stage, setStage] = useState<string | null>(focusStage ?? null);
  const [now, setNow] = useState(Date.now());
  const refresh = useRef<number | null>(null);
  const flow = useRef<ReactFlowInstance | null>(null);
  const opened = useRef(performance.now());

  const base = `executions/${encodeURIComponent(executionId)}`;
  const loadExecution = () => getJson<ExecutionJson>(base).then((ex) => {
    setNow(Date.now());
    setExecution(ex);
    return ex;
  });
  const loadArtifacts = () => getJson<ArtifactJson[]>(`${base}/artifacts`).then(setArtifacts).catch(() => setArtifacts([]));
  const load = () => {
    loadExecution().catch((e: ApiError) => setError(e.message));
    void loadArtifacts();
  };
  // each event refreshes the stages (at most every 150 ms), a stored artifact the artifact links; the stream ends with the
  // execution and is resumed after a drop
  useEffect(() => {
    load();
    const ctrl = new AbortController();
    let last: string | undefined;
    let finished = false;
    const schedule = () => {
      if (refresh.current === null) refresh.current = window.setTimeout(() => { refresh.current = null; void loadExecution().catch(() => {}); }, 150);
    };
    (async () => {
      for (let attempt = 0; !finished && !ctrl.signal.aborted && attempt < 20; attempt++) {
        try {
          await readSse(`${base}/events`, (e) => {
            if (e.id) last = e.id;
            if (e.event === 'ExecutionFinished') finished = true;
            if (e.event === 'ArtifactStored') void loadArtifacts();
            if (e.event === 'StagesAdded') {
              try {
                const d = JSON.parse(e.data) as { definitions?: StageDoc[] };
                if (d.definitions) setGenerated((old) => [...old, ...d.definitions!]);
              } catch { /* an event without its definitions: the stages show in the list only */ }
            }
            if (e.event === 'ApprovalDecided') {
              try {
                const d = JSON.parse(e.data) as { stage: string; by: string; approved: boolean };
                setDecisions((old) => ({ ...old, [d.stage]: `${d.approved ? 'approved' : 'rejected'} by ${d.by}` }));
              } catch { /* a decision without its fields: nothing to show */ }
            }
            schedule();
          }, ctrl.signal, last);
          if (FINAL.has((await loadExecution()).status)) finished = true;
        } catch {
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      if (!ctrl.signal.aborted) void loadArtifacts();
    })();
    return () => {
      ctrl.abort();
      if (refresh.current !== null) clearTimeout(refresh.current);
      refresh.current = null;
    };
  }, [executionId]);
  // the run's notifications go out once it ends, on the server's notifier thread: read them then, and again a little later
  const ended = execution !== null && FINAL.has(execution.status);
  useEffect(() => {
    if (!ended) return;
    const read = () => getJson<DeliveryJson[]>(`${base}/notifications`).then(setNotifications).catch(() => {});
    void read();
    const again = window.setTimeout(() => void read(), 3000);
    return () => clearTimeout(again);
  }, [ended, executionId]);
  useEffect(() => {
    if (!execution || FINAL.has(execution.status)) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [execution?.status]);

  const [graph, setGraph] = useState<ReturnType<typeof pipelineToGraph> | null>(null);
  // the pipeline as it runs: its own stages, and those its jobs generated (StagesAdded events), drawn once they are known
  const pipeline = useMemo(() => execution && withGenerated(execution.pipeline, generated), [execution?.pipeline, generated]);
  useEffect(() => {
    if (!pipeline || (graph && graph.nodes.length === pipeline.stages.length)) return;
    const raw = pipelineToGraph(pipeline, false);
    // where the designer (or an earlier visit) placed the stages in this browser, else a fresh layout, remembered
    const placed = recallLayout(pipeline.id, raw.nodes.map((n) => n.id));
    if (placed) setGraph({ nodes: raw.nodes.map((n) => ({ ...n, position: placed.get(n.id)! })), edges: raw.edges });
    else void layoutAsync(raw.nodes, raw.edges).then((nodes) => { rememberLayout(pipeline.id, nodes); setGraph({ nodes, edges: raw.edges }); });
  }, [pipeline]);
  const runs = useMemo(() => new Map((execution?.stages ?? []).map((s) => [s.id, s])), [execution]);
  const nodes = useMemo(() => (graph?.nodes ?? []).map((n) => ({
    id: n.id, type: 'run' as const, position: n.position, selected: n.id === stage, initialWidth: NODE_WIDTH, initialHeight: NODE_HEIGHT,
    data: { stage: n.data.stage, run: runs.get(n.id), artifacts: artifacts.filter((a) => a.stage === n.id), now, decision: decisions[n.id] },
  })), [graph, runs, artifacts, now, stage, decisions]);
  // the runs of the same pipeline just before and after this one
  useEffect(() => {
    if (!execution) return;
    getJson<Array<{ id: string; number: number }>>(`pipelines/${encodeURIComponent(execution.pipelineId)}/executions?limit=1000`).then((all) => {
      const before = all.filter((e) => e.number < execution.number).sort((a, b) => b.number - a.number)[0];
      const after = all.filter((e) => e.number > execution.number).sort((a, b) => a.number - b.number)[0];
      setNeighbours({ previous: before, next: after });
    }).catch(() => setNeighbours({}));
  }, [execution?.id, execution?.status]);
  // a run that ended with a failure opens the log of its first failed stage, unless a stage was asked for
  useEffect(() => {
    if (stage || !execution || !graph || !FINAL.has(execution.status)) return;
    const failed = graph.nodes.map((n) => runs.get(n.id)).find((r) => r && (r.status === 'FAILED' || r.status === 'TIMED_OUT'));
    if (failed) setStage(failed.id);
  }, [execution?.status, graph]);
  const edges = useMemo(() => (graph?.edges ?? []).map((e) => {
    const s = runs.get(e.source)?.status;
    return { ...e, animated: s === 'SUCCEEDED' && runs.get(e.target)?.status === 'RUNNING', className: s ? `pk-edge-${s.toLowerCase()}` : undefined };
  }), [graph, runs]);

  // a big run is shown at a readable size around the stage that matters (the list leads to the others), a small one whole
  const big = (pipeline?.stages.length ?? 0) > 40;
  const focusOn = (id: string, zoom?: number) => {
    const n = graph?.nodes.find((x) => x.id === id);
    if (n && flow.current) void flow.current.setCenter(n.position.x + NODE_WIDTH / 2, n.position.y + NODE_HEIGHT / 2, { zoom: zoom ?? Math.max(0.8, flow.current.getZoom()), duration: 0 });
  };
  const select = (id: string) => {
    setStage(id);
    focusOn(id);
  };
  const [graphReady, setGraphReady] = useState<string | null>(null);
  /** Once the graph is drawn: a big one is centred on the stage that matters; either way the page says how long it took. */
  const initialView = (instance: ReactFlowInstance) => {
    flow.current = instance;
    if (!graph) return;
    if (big && graph.nodes.length > 0) {
      const first = graph.nodes.map((n) => runs.get(n.id)).find((r) => r && ['FAILED', 'TIMED_OUT', 'RUNNING', 'WAITING_APPROVAL'].includes(r.status));
      focusOn(stage ?? first?.id ?? graph.nodes[0].id, 0.8);
    }
    requestAnimationFrame(() => setGraphReady(`${graph.nodes.length} stages in ${Math.round(performance.now() - opened.current)} ms`));
  };

  if (error) return <div className="pk-error pk-pad">{error}</div>;
  if (!execution) return <div className="pk-muted pk-pad">Loading…</div>;
  const rows = (pipeline ?? execution.pipeline).stages.map((st) => {
    const r = runs.get(st.id);
    return { id: st.id, name: st.name, status: r?.status ?? 'PENDING', durationMs: r?.durationMs, reason: r?.reason };
  });
  const final = FINAL.has(execution.status);
  // an action that fails says why above the page and leaves the page as it was
  const act = (path: string, body: unknown = {}) => postJson<{ id?: string }>(path, body).then((r) => {
    setActionError(null);
    if (path.includes('/rerun')) go(`executions/${encodeURIComponent(r.id!)}`);
    else load();
  }).catch((e: ApiError) => setActionError(e.message));
  const waiting = execution.stages.filter((s) => s.status === 'WAITING_APPROVAL');
  const shownStatus = execution.status === 'RUNNING' && waiting.length > 0 ? 'WAITING_APPROVAL' : execution.status;
  return (
    <div className="pk-execution">
      <div className="pk-toolbar">
        <h1>{execution.pipeline.name ?? execution.pipelineId} <span className="pk-muted">#{execution.number}</span></h1>
        <span className={`pk-badge pk-${shownStatus.toLowerCase()}`} data-testid="execution-status">{shownStatus === 'WAITING_APPROVAL' ? 'WAITING FOR APPROVAL' : shownStatus}</span>
        <span className="pk-muted">{execution.trigger.kind}{execution.trigger.branch ? ` on ${execution.trigger.branch}` : ''}{execution.trigger.actor ? ` by ${execution.trigger.actor}` : ''}
          {execution.trigger.commit ? ` · ${execution.trigger.commit.slice(0, 12)}` : ''}{execution.trigger.message ? ` “${execution.trigger.message}”` : ''}
          {execution.durationMs !== undefined ? ` · ${duration(execution.durationMs)}` : ''}{execution.reason ? ` · ${execution.reason}` : ''}</span>
        <span className="pk-spacer" />
        {!final ? <button className="pk-danger" onClick={() => void act(`${base}/cancel`)}>Cancel</button> : null}
        {final ? <label title="The re-run's command steps run with set -x: each command they run is logged, with its time">
          <input type="checkbox" checked={trace} onChange={(e) => setTrace(e.target.checked)} /> trace steps</label> : null}
        {final && stage ? <button onClick={() => void act(`${base}/rerun?from=${encodeURIComponent(stage)}&trace=${trace}`)}>Re-run from {stage}</button> : null}
        {final && execution.stages.some((s) => ['FAILED', 'TIMED_OUT', 'SOFT_FAILED', 'CANCELLED', 'INTERRUPTED'].includes(s.status))
          ? <button onClick={() => void act(`${base}/rerun?failed=true&trace=${trace}`)} title="Run the failed stages again, with what follows them; the rest keep their results">Re-run failed</button> : null}
        {final ? <button onClick={() => void act(`${base}/rerun?all=true&trace=${trace}`)}>Re-run all</button> : null}
        {neighbours.previous ? <a href={`#/executions/${encodeURIComponent(neighbours.previous.id)}`} aria-label="Previous run">← #{neighbours.previous.number}</a> : null}
        {neighbours.next ? <a href={`#/executions/${encodeURIComponent(neighbours.next.id)}`} aria-label="Next run">#{neighbours.next.number} →</a> : null}
        <a href={`#/designer/${encodeURIComponent(execution.pipelineId)}`}>Edit pipeline</a>
        <a href={`#/analytics/${encodeURIComponent(execution.pipelineId)}`}>Analytics</a>
      </div>
      {notifications.length > 0 ? (
        <div className="pk-notifications pk-small" data-testid="notifications">
          Notifications:{' '}
          {notifications.map((d, i) => (
            <span key={i} className={d.outcome === 'failed' ? 'pk-error-text' : 'pk-muted'} title={d.detail}>
              {i > 0 ? ' · ' : ''}{d.channel} ({d.event}) {d.outcome}{d.outcome === 'failed' ? `: ${d.detail}` : ''}
            </span>
          ))}
        </div>
      ) : null}
      <div className="pk-execution-top" data-ready={graphReady ?? undefined} data-testid="run-view">
      <StageList rows={rows} selected={stage} onSelect={select} duration={duration} />
      <div className="pk-messages pk-overlay">
        {actionError ? (
          <div className="pk-alert" role="alert" data-testid="action-error">
            <span>{actionError}</span>
            <button aria-label="Dismiss" onClick={() => setActionError(null)}>×</button>
          </div>
        ) : null}
        {waiting.map((w) => (
          <div key={w.id} className="pk-banner" role="status" data-testid="approval-banner">
            <span>Stage <b>{w.id}</b> is waiting for approval{w.approval?.approvers.length ? ` by ${w.approval.approvers.join(', ')}` : ''}.</span>
            {w.approval?.mayApprove ? (
              <>
                <button className="pk-primary" onClick={() => void act(`${base}/stages/${encodeURIComponent(w.id)}/approve`)}>Approve {w.id}</button>
                <button className="pk-danger" onClick={() => void act(`${base}/stages/${encodeURIComponent(w.id)}/reject`, { comment: 'rejected in the designer' })}>Reject</button>
              </>
            ) : <span className="pk-muted"> You are not one of its approvers.</span>}
          </div>
        ))}
      </div>
      <div className="pk-execution-graph">
        {graph ? (
          <ReactFlowProvider>
            <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false} fitView={!big}
              fitViewOptions={{ maxZoom: 1 }} minZoom={0.05} onlyRenderVisibleElements={big} onInit={(i) => initialView(i as unknown as ReactFlowInstance)}
              onNodeClick={(_, n) => setStage(n.id)} elementsSelectable>
              <Background gap={20} />
              <MiniMap pannable zoomable nodeColor={(n) => STATUS_COLOURS[(n.data as RunNodeData).run?.status ?? 'PENDING'] ?? '#d1d9e0'} />
              <Controls showInteractive={false} />
            </ReactFlow>
          </ReactFlowProvider>
        ) : <div className="pk-muted pk-pad">Laying out {(pipeline ?? execution.pipeline).stages.length} stages…</div>}
      </div>
      </div>
      {stage && runs.get(stage)?.reason && EXPLAINED.has(runs.get(stage)!.status) ? (
        <div className="pk-stage-reason" data-testid="log-reason"><b>{stage}</b> {runs.get(stage)!.status.toLowerCase().replace(/_/g, ' ')}: {runs.get(stage)!.reason}</div>
      ) : null}
      {stage ? (
        <LogViewer key={execution.id} executionId={execution.id} stages={(pipeline ?? execution.pipeline).stages.map((n) => n.id)} stage={stage} onStage={select}
          source={apiLogSource(execution.id)} live={(s) => !FINAL.has(runs.get(s)?.status ?? 'PENDING')} />
      ) : <p className="pk-muted pk-pad">Click a stage to see its log.</p>}
    </div>
  );
}
