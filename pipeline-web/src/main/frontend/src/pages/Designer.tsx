import {
  Background, ConnectionLineType, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges, applyNodeChanges, getBezierPath,
  useReactFlow, type Connection, type ConnectionLineComponentProps, type EdgeChange, type FinalConnectionState, type NodeChange, MarkerType } from '@xyflow/react';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { ApiError, getJson, postJson, request } from '../api';
import { go, replaceRoute, setLeaveGuard } from '../App';
import { CodeView } from '../components/CodeView';
import { ConfigPanel } from '../components/ConfigPanel';
import { ParameterField, defaultText, parameterValues, type ParameterSpec } from '../components/ParameterField';
import { DRAG_TYPE, StageLibrary } from '../components/StageLibrary';
import { StageNodeView } from '../components/StageNode';
import {
  NODE_HEIGHT, NODE_WIDTH, edgeId, graphToPipeline, newStageId, pipelineToGraph, problemsByStage, wouldCreateCycle,
  type DryStage, type NeedEdge, type PipelineDoc, type StageDoc, type StageNode,
} from '../model';
import { layoutAsync } from '../layoutAsync';
import { recallLayout, rememberLayout } from '../layoutMemory';
import type { StageTypeJson } from '../schema';

const nodeTypes = { stage: StageNodeView };

interface Snapshot {
  base: PipelineDoc;
  nodes: StageNode[];
  edges: NeedEdge[];
}

interface Problem {
  path: string;
  message: string;
  severity?: string;
}

export function Designer({ pipelineId }: { pipelineId?: string }) {
  return (
    <ReactFlowProvider>
      <DesignerCanvas pipelineId={pipelineId} />
    </ReactFlowProvider>
  );
}

/** The document without the stored revision: the revision is the ETag, and a copy in the document would go stale with each save. */
function withoutRevision(doc: PipelineDoc): PipelineDoc {
  const rest = { ...doc };
  delete rest.version;
  return rest;
}

/** Why a need from {@code source} to {@code target} is refused, or null when it can be drawn. */
function refusal(edges: NeedEdge[], source: string | null, target: string | null): string | null {
  if (!source || !target) return null;
  if (source === target) return `a stage cannot need itself (${source})`;
  if (edges.some((e) => e.source === source && e.target === target)) return `${target} already needs ${source}`;
  if (wouldCreateCycle(edges, source, target)) return `${source} → ${target} would make a cycle: ${source} already needs ${target}, directly or through other stages`;
  return null;
}

/** The few words the line being drawn shows when the connection would be refused. */
function refusalLabel(edges: NeedEdge[], source: string | null, target: string | null): string {
  if (source && source === target) return 'a stage cannot need itself';
  if (source && target && edges.some((e) => e.source === source && e.target === target)) return 'already connected';
  return 'would make a cycle';
}

/** The needs on the canvas, for the line being drawn (it is rendered by React Flow, below the canvas in the tree). */
const EdgesOnCanvas = createContext<NeedEdge[]>([]);

function NeedLine({ fromX, fromY, toX, toY, fromPosition, toPosition, connectionStatus, fromNode, toNode, fromHandle }: ConnectionLineComponentProps) {
  const edges = useContext(EdgesOnCanvas);
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  const bad = connectionStatus === 'invalid';
  // a line started at a stage's input handle is drawn backwards: the need still goes from source to target
  const [source, target] = fromHandle?.type === 'target' ? [toNode?.id ?? null, fromNode.id] : [fromNode.id, toNode?.id ?? null];
  return (
    <g className={bad ? 'pk-connection-refused' : 'pk-connection'}>
      <path d={path} fill="none" strokeWidth={2} stroke={bad ? '#d1242f' : '#0969da'} strokeDasharray={bad ? '6 4' : undefined} />
      {bad ? <text x={toX + 10} y={toY - 10} fill="#d1242f" fontSize={12} data-testid="refusal-label">{refusalLabel(edges, source, target)} — not allowed</text> : null}
    </g>
  );
}

function DesignerCanvas({ pipelineId }: { pipelineId?: string }) {
  const flow = useReactFlow();
  const [types, setTypes] = useState<StageTypeJson[]>([]);
  const [base, setBase] = useState<PipelineDoc>({ pipelinekit: 1, id: '', stages: [] });
  const [nodes, setNodes] = useState<StageNode[]>([]);
  const [edges, setEdges] = useState<NeedEdge[]>([]);
  const [version, setVersion] = useState<number | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [panel, setPanel] = useState<'settings' | 'code'>('code');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [loading, setLoading] = useState(pipelineId !== undefined);
  const [ready, setReady] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [change, setChange] = useState(0);
  const [savedJson, setSavedJson] = useState<string | null>(null);
  /** When this pipeline's draft was kept (work with problems, which cannot run): null when there is none. */
  const [draftSaved, setDraftSaved] = useState<string | null>(null);
  const history = useRef<{ stack: Snapshot[]; index: number; lastKey: string | null; lastAt: number }>({ stack: [], index: -1, lastKey: null, lastAt: 0 });
  const pendingKey = useRef<string | null | undefined>(undefined);

  /** Records the current state for undo once this render settles; changes with the same key within a second are one step. */
  // what the last dry run said, drawn over the canvas until the pipeline changes
  const [dry, setDry] = useState<{ branch: string; summary: string; stages: Record<string, DryStage> } | null>(null);
  const changed = useCallback((key: string | null = null) => {
    pendingKey.current = key;
    setChange((c) => c + 1);
    setDry(null);
  }, []);

  useEffect(() => {
    if (pendingKey.current === undefined) return;
    const h = history.current;
    const key = pendingKey.current;
    pendingKey.current = undefined;
    const snap = { base, nodes, edges };
    const now = Date.now();
    if (key !== null && key === h.lastKey && now - h.lastAt < 1000 && h.index === h.stack.length - 1 && h.index > 0) {
      h.stack[h.index] = snap;
    } else {
      h.stack = [...h.stack.slice(0, h.index + 1), snap].slice(-200);
      h.index = h.stack.length - 1;
    }
    h.lastKey = key;
    h.lastAt = now;
  }, [change]);

  const restore = useCallback((to: number) => {
    const h = history.current;
    if (to < 0 || to >= h.stack.length) return;
    h.index = to;
    h.lastKey = null;
    const s = h.stack[to];
    setBase(s.base);
    setNodes(s.nodes);
    setEdges(s.edges);
    setChange((c) => c + 1); // the document changed (re-validate), without a new history entry
  }, []);
  const undo = useCallback(() => restore(history.current.index - 1), [restore]);
  const redo = useCallback(() => restore(history.current.index + 1), [restore]);

  // ---- loading ----
  useEffect(() => {
    getJson<StageTypeJson[]>('stage-types').then(setTypes).catch((e: ApiError) => setMessage({ kind: 'error', text: e.message }));
  }, []);
  useEffect(() => {
    if (!pipelineId) {
      changed();
      return;
    }
    const started = performance.now();
    const path = `pipelines/${encodeURIComponent(pipelineId)}`;
    // the saved revision, and the draft kept since (work in progress, which wins when there is one)
    request('GET', path).catch((e: ApiError) => { if (e.status === 409) return null; throw e; }) // 409: only a draft
      .then(async (r) => [r, r === null || r.headers.get('PipelineKit-Draft')
        ? await getJson<{ document: PipelineDoc; saved: string }>(`${path}/draft`) : null] as const)
      .then(async ([r, draft]) => {
        if (!r && !draft) throw new ApiError(404, { detail: `no pipeline '${pipelineId}'` });
        const doc = draft ? { ...draft.document, id: pipelineId, stages: draft.document.stages ?? [] } : (await r!.json()) as PipelineDoc;
        if (draft) {
          setDraftSaved(draft.saved);
          setMessage({ kind: 'info', text: r ? `Opened your draft of ${new Date(draft.saved).toLocaleString()}: the saved revision is what runs until this is saved.`
            : `Opened your draft of ${new Date(draft.saved).toLocaleString()}: it has never been saved as a revision, so it cannot run yet.` });
        }
        const raw = pipelineToGraph(doc, false);
        // where the stages were last placed in this browser, else a fresh layout
        const placed = recallLayout(doc.id, raw.nodes.map((n) => n.id));
        const slow = !placed && raw.nodes.length >= 80;
        if (slow) setMessage({ kind: 'info', text: `Laying out ${raw.nodes.length} stages…` });
        const g = {
          nodes: placed ? raw.nodes.map((n) => ({ ...n, position: placed.get(n.id)! })) : await layoutAsync(raw.nodes, raw.edges),
          edges: raw.edges,
        };
        if (slow && !draft) setMessage(null);
        setBase(withoutRevision({ ...doc, stages: [] }));
        setNodes(g.nodes);
        setEdges(g.edges);
        setVersion(r ? Number((r.headers.get('ETag') ?? '').replace(/"/g, '')) || null : null);
        setLoading(false);
        changed();
        setSavedJson(JSON.stringify(graphToPipeline(withoutRevision({ ...doc, stages: [] }), g.nodes, g.edges)));
        requestAnimationFrame(() => {
          flow.fitView({ duration: 0, maxZoom: 1 });
          requestAnimationFrame(() => setReady(`${g.nodes.length} stages in ${Math.round(performance.now() - started)} ms`));
        });
      })
      .catch((e: ApiError) => {
        setLoading(false);
        setMessage({ kind: 'error', text: e.message });
      });
  }, [pipelineId]);

  const doc = useMemo(() => graphToPipeline(base, nodes, edges), [base, change]);

  // a saved pipeline's stage places are remembered as they change (a move once dropped, auto-layout)
  const positions = nodes.map((n) => `${n.id}@${Math.round(n.position.x)},${Math.round(n.position.y)}`).join(' ');
  const dragging = nodes.some((n) => n.dragging);
  useEffect(() => {
    if (loading || version === null || doc.id === '' || dragging) return;
    rememberLayout(doc.id, nodes);
  }, [positions, dragging, version, doc.id, loading]);
  // a new, untouched canvas is neither wrong nor unsaved yet: its problems show, and leaving asks, once the user starts
  const fresh = version === null && draftSaved === null && nodes.length === 0 && base.id === '' && base.name === undefined;
  const dirty = useMemo(() => !fresh && JSON.stringify(doc) !== savedJson, [doc, savedJson, fresh]);

  // ---- validation (debounced, by the server's validator) ----
  useEffect(() => {
    if (loading) return;
    const timer = setTimeout(() => {
      postJson<{ problems: Problem[] }>('pipelines/validate', doc.id ? doc : { ...doc, id: 'unnamed' })
        .then((r) => setProblems(r.problems.filter((p) => doc.id !== '' || !p.path.startsWith('id'))))
        .catch((e: ApiError) => setProblems(((e.problem.problems ?? []) as Problem[]).map((p) => ({ path: p.path ?? '', message: p.message }))));
    }, 350);
    return () => clearTimeout(timer);
  }, [doc, loading]);
  const byStage = useMemo(() => problemsByStage(problems), [problems]);
  const shown = useMemo(() => nodes.map((n) => {
    const p = byStage.get(n.id) ?? [];
    const d = dry?.stages[n.id];
    return p.length === 0 && n.data.problems.length === 0 && !d && !n.data.dry ? n : { ...n, data: { ...n.data, problems: p, dry: d } };
  }), [nodes, byStage, dry]);
  const pipelineProblems = fresh ? [] : problems.filter((p) => { const m = /^stages\.([^.[\]]+)/.exec(p.path); return !m || !nodes.some((n) => n.id === m[1]); });

  // ---- editing ----
  const addStage = useCallback((typeId: string, position?: { x: number; y: number }) => {
    const type = types.find((t) => t.id === typeId);
    setNodes((ns) => {
      const id = newStageId(typeId, ns.map((n) => n.id));
      const stage: StageDoc = { id };
      if (typeId !== 'shell') stage.type = typeId;
      if (type?.acceptsSteps) stage.steps = [{ run: `echo "running ${id}"` }];
      const right = ns.reduce((m, n) => Math.max(m, n.position.x + NODE_WIDTH + 60), 40);
      const at = position ?? { x: right, y: 80 };
      setSelected(id);
      setPanel('settings');
      return [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)),
        { id, type: 'stage', position: at, selected: true, data: { stage, problems: [] } }];
    });
    changed();
  }, [types, changed]);

  const onDrop = useCallback((e: DragEvent) => {
    const typeId = e.dataTransfer.getData(DRAG_TYPE);
    if (!typeId) return;
    e.preventDefault();
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addStage(typeId, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
  }, [flow, addStage]);

  const onNodesChange = useCallback((changes: NodeChange<StageNode>[]) => {
    setNodes((ns) => applyNodeChanges(changes, ns));
    for (const c of changes) {
      if (c.type === 'select' && c.selected) {
        setSelected(c.id);
        setPanel('settings');
      }
      if (c.type === 'remove') setSelected((s) => (s === c.id ? null : s));
    }
    if (changes.some((c) => c.type === 'remove' || (c.type === 'position' && c.dragging === false))) changed();
  }, [changed]);

  const onEdgesChange = useCallback((changes: EdgeChange<NeedEdge>[]) => {
    setEdges((es) => applyEdgeChanges(changes, es));
    if (changes.some((c) => c.type === 'remove')) changed('edges-removed');
  }, [changed]);

  const isValidConnection = useCallback((c: Connection | NeedEdge) => refusal(edges, c.source, c.target) === null, [edges]);
  const onConnect = useCallback((c: Connection) => {
    const why = refusal(edges, c.source, c.target);
    if (why) {
      setMessage({ kind: 'error', text: `Connection refused: ${why}.` });
      return;
    }
    setEdges((es) => [...es, { id: edgeId(c.source, c.target), source: c.source, target: c.target }]);
    setMessage(null);
    changed();
  }, [edges, changed]);
  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid === false && state.fromNode && state.toNode) {
      const [source, target] = state.fromHandle?.type === 'target' ? [state.toNode.id, state.fromNode.id] : [state.fromNode.id, state.toNode.id];
      const why = refusal(edges, source, target);
      if (why) setMessage({ kind: 'error', text: `Connection refused: ${why}.` });
      return;
    }
    if (state.isValid || !state.fromNode) return;
    // let go on a stage's body rather than on its handle: that stage is meant
    const point = 'changedTouches' in event ? event.changedTouches[0] : event;
    const under = document.elementFromPoint(point.clientX, point.clientY)?.closest('.react-flow__node')?.getAttribute('data-id');
    if (under && under !== state.fromNode.id) {
      const [source, target] = state.fromHandle?.type === 'target' ? [under, state.fromNode.id] : [state.fromNode.id, under];
      const why = refusal(edges, source, target);
      if (why) {
        setMessage({ kind: 'error', text: `Connection refused: ${why}.` });
        return;
      }
      setEdges((es) => [...es, { id: edgeId(source, target), source, target }]);
      setMessage(null);
      changed();
    } else if (!under) {
      setMessage({ kind: 'info', text: 'Not connected: let go of the line over a stage (anywhere on it) to connect the two.' });
    }
  }, [edges, changed]);

  const updateStage = useCallback((id: string, stage: StageDoc) => {
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, stage: { ...stage, id } } } : n)));
    changed(`stage:${id}`);
  }, [changed]);

  const renameStage = useCallback((from: string, to: string): string | null => {
    const id = to.trim();
    if (id === '') return 'a stage needs an id';
    if (!/^[A-Za-z0-9_-]+$/.test(id)) return 'use letters, digits, - and _ only';
    if (nodes.some((n) => n.id === id)) return `another stage is already called '${id}'`;
    setNodes((ns) => ns.map((n) => (n.id === from ? { ...n, id, data: { ...n.data, stage: { ...n.data.stage, id } } } : n)));
    setEdges((es) => es.map((e) => {
      const source = e.source === from ? id : e.source;
      const target = e.target === from ? id : e.target;
      return { id: edgeId(source, target), source, target };
    }));
    setSelected(id);
    changed();
    return null;
  }, [nodes, changed]);

  const deleteSelected = useCallback(() => {
    if (!selected) return;
    setNodes((ns) => ns.filter((n) => n.id !== selected));
    setEdges((es) => es.filter((e) => e.source !== selected && e.target !== selected));
    setSelected(null);
    changed();
  }, [selected, changed]);

  const autoLayout = useCallback(async () => {
    const laid = new Map((await layoutAsync(nodes, edges)).map((n) => [n.id, n.position]));
    setNodes((ns) => ns.map((n) => (laid.has(n.id) ? { ...n, position: laid.get(n.id)! } : n)));
    changed();
    requestAnimationFrame(() => flow.fitView({ duration: 200, maxZoom: 1 }));
  }, [nodes, edges, flow, changed]);

  const applyCode = useCallback((next: PipelineDoc, note: string) => {
    const keep = new Map(nodes.map((n) => [n.id, n.position]));
    const g = pipelineToGraph(next);
    const sameStages = g.nodes.every((n) => keep.has(n.id));
    setBase(withoutRevision({ ...next, id: base.id !== '' && (version !== null || draftSaved !== null) ? base.id : next.id, stages: [] }));
    setNodes(sameStages ? g.nodes.map((n) => ({ ...n, position: keep.get(n.id)! })) : g.nodes);
    setEdges(g.edges);
    setMessage({ kind: 'info', text: note });
    changed();
    if (!sameStages) requestAnimationFrame(() => flow.fitView({ duration: 200, maxZoom: 1 }));
  }, [nodes, flow, changed, base.id, version, draftSaved]);

  // leaving with unsaved changes asks first: reloading or closing the tab, and going elsewhere in the app
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    setLeaveGuard(() => window.confirm(`${doc.id || 'This pipeline'} has unsaved changes. Leave without saving them?`));
    return () => {
      window.removeEventListener('beforeunload', warn);
      setLeaveGuard(null);
    };
  }, [dirty, doc.id]);

  // ---- keys: undo/redo (deleting is React Flow's Delete/Backspace) ----
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [contenteditable]')) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  // ---- save and run ----
  /** Keeps the canvas as the pipeline's draft: work with problems is never lost, and it cannot run until it is saved. */
  const keepDraft = useCallback(async (found: Problem[]): Promise<void> => {
    try {
      const kept = await request('PUT', `pipelines/${encodeURIComponent(doc.id)}/draft`, doc);
      const body = (await kept.json()) as { saved: string; validation: { problems: Problem[] } };
      setDraftSaved(body.saved);
      setSavedJson(JSON.stringify(doc));
      setLeaveGuard(null);
      if (version === null) replaceRoute(`designer/${encodeURIComponent(doc.id)}`);
      const errors = (body.validation.problems.length > 0 ? body.validation.problems : found).filter((p) => p.severity !== 'warning');
      setProblems(body.validation.problems);
      setMessage({ kind: 'info', text: `Saved as a draft: ${errors.length} problem(s) keep it from running (${errors.slice(0, 2).map((p) => p.message).join('; ')}`
        + `${errors.length > 2 ? '; …' : ''}). Fix them and save again to make it a revision${version !== null ? `; revision ${version} is what runs until then` : ''}.` });
    } catch (e) {
      setMessage({ kind: 'error', text: `Not saved: ${(e as ApiError).message}` });
    }
  }, [doc, version]);

  const discardDraft = useCallback(async () => {
    try {
      await request('DELETE', `pipelines/${encodeURIComponent(doc.id)}/draft`);
      setDraftSaved(null);
      setSavedJson(null);
      setMessage({ kind: 'info', text: 'Draft discarded.' });
      if (version !== null) window.location.reload();
      else go('designer');
    } catch (e) {
      setMessage({ kind: 'error', text: `Draft not discarded: ${(e as ApiError).message}` });
    }
  }, [doc.id, version]);

  const save = useCallback(async (): Promise<boolean> => {
    if (doc.id === '') {
      setMessage({ kind: 'error', text: 'Give the pipeline an id first (top left).' });
      return false;
    }
    const errors = problems.filter((p) => p.severity !== 'warning');
    if (errors.length > 0) {
      await keepDraft(errors);
      return false;
    }
    try {
      const r = version === null
        ? await request('POST', 'pipelines', doc)
        : await request('PUT', `pipelines/${encodeURIComponent(doc.id)}`, doc, 'application/json', { 'If-Match': `"${version}"` });
      const body = (await r.json()) as { version: number; warnings: Problem[] };
      setVersion(body.version);
      setDraftSaved(null); // the server removed it: it is this revision now
      setSavedJson(JSON.stringify(doc));
      setLeaveGuard(null); // saved: leaving loses nothing (an edit after this asks again)
      if (version === null) replaceRoute(`designer/${encodeURIComponent(doc.id)}`);
      setMessage({ kind: 'info', text: `Saved revision ${body.version}${body.warnings.length > 0 ? ` (${body.warnings.length} warning(s))` : ''}.` });
      return true;
    } catch (e) {
      const err = e as ApiError;
      const found = ((err.problem.problems ?? []) as Problem[]).map((p) => ({ path: p.path ?? '', message: p.message, severity: p.severity }));
      if (err.status === 422) { // problems the last check had not seen yet: the work is kept as a draft all the same
        await keepDraft(found);
        return false;
      }
      if (found.length > 0) setProblems(found);
      setMessage({ kind: 'error', text: `Not saved: ${err.message}` });
      return false;
    }
  }, [doc, version, problems, keepDraft]);

  const params = (base.parameters ?? []) as ParameterSpec[];
  const run = useCallback(async (branch: string, values: Record<string, unknown>) => {
    if ((dirty || version === null || draftSaved !== null) && !(await save())) return;
    try {
      const e = await postJson<{ id: string }>(`pipelines/${encodeURIComponent(doc.id)}/execute`, { branch, parameters: values });
      go(`executions/${encodeURIComponent(e.id)}`);
    } catch (e) {
      setMessage({ kind: 'error', text: `Not started: ${(e as ApiError).message}` });
    }
  }, [dirty, version, draftSaved, save, doc.id]);

  /** What a run on {@code branch} would do (saved first, as a run is): the summary above the canvas, each stage marked. */
  const dryRun = useCallback(async (branch: string, values: Record<string, unknown>) => {
    if ((dirty || version === null || draftSaved !== null) && !(await save())) return;
    try {
      const r = await postJson<{ summary: string; stages: Array<{ id: string; runs: boolean; skippedBecause?: string }> }>(
        `pipelines/${encodeURIComponent(doc.id)}/dry-run`, { event: 'push', branch, parameters: values });
      setDry({ branch, summary: r.summary, stages: Object.fromEntries(r.stages.map((s) => [s.id, { runs: s.runs, why: s.skippedBecause }])) });
    } catch (e) {
      setMessage({ kind: 'error', text: `No dry run: ${(e as ApiError).message}` });
    }
  }, [dirty, version, draftSaved, save, doc.id]);

  const selectedNode = nodes.find((n) => n.id === selected);
  // every need drawn with an arrowhead at the stage that needs
  const arrows = useMemo(() => edges.map((e) => ({ ...e, markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } })), [edges]);
  return (
    <div className="pk-designer">
      <h1 className="pk-sr-only">Designer{base.id ? `: ${base.id}` : ': new pipeline'}</h1>
      <div className="pk-toolbar">
        <input aria-label="Pipeline id" className="pk-pipeline-id" placeholder="pipeline-id" value={base.id} readOnly={version !== null || draftSaved !== null}
          title={version !== null || draftSaved !== null ? 'A saved pipeline keeps its id' : 'Letters, digits, - and _'}
          onChange={(e) => { setBase({ ...base, id: e.target.value.trim() }); changed('pipeline-id'); }} />
        <input aria-label="Pipeline name" placeholder="Name" value={base.name ?? ''}
          onChange={(e) => { const b: PipelineDoc = { ...base, name: e.target.value }; if (e.target.value === '') delete b.name; setBase(b); changed('pipeline-name'); }} />
        <select aria-label="Workspace" value={(base.workspace as string | undefined) ?? ''}
          title="Isolated: each job starts from the source and the artifacts of the stages it needs. Shared: all jobs of a run in one directory."
          onChange={(e) => { const b: PipelineDoc = { ...base, workspace: e.target.value }; if (e.target.value === '') delete b.workspace; setBase(b); changed('pipeline-workspace'); }}>
          <option value="">each job its own workspace</option>
          <option value="shared">one shared workspace</option>
        </select>
        <button onClick={undo} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
        <button onClick={redo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
        <button onClick={() => void autoLayout()} title="Arrange the stages left to right">Auto-layout</button>
        <span className="pk-spacer" />
        <span className="pk-status" aria-live="polite">
          {version !== null ? `revision ${version}` : draftSaved === null ? 'not saved yet' : 'never run'}{draftSaved !== null ? ' · draft' : ''}{dirty ? ' · unsaved changes' : ''}
          {fresh ? '' : problems.filter((p) => p.severity !== 'warning').length > 0 ? ` · ${problems.filter((p) => p.severity !== 'warning').length} problem(s)` : ' · valid'}
        </span>
        <button className="pk-primary" onClick={() => void save()}
          title="Saves a new revision; with problems it is kept as a draft, which cannot run until they are fixed">Save</button>
        {draftSaved !== null ? <button onClick={() => void discardDraft()} title="Forget the draft and go back to the saved revision">Discard draft</button> : null}
        <button className="pk-primary" onClick={() => setRunning(true)} disabled={doc.id === ''}>Run…</button>
        {version !== null ? <a href={`#/analytics/${encodeURIComponent(doc.id)}`}>Analytics</a> : null}
      </div>
      {message ? <div className={`pk-message pk-${message.kind} pk-overlay pk-below-toolbar`} role={message.kind === 'error' ? 'alert' : 'status'}>{message.text}
        <button className="pk-link" aria-label="Dismiss" onClick={() => setMessage(null)}>✕</button></div> : null}
      {dry ? <div className="pk-message pk-info pk-overlay pk-below-toolbar" role="status" data-testid="dry-run">
        Dry run on {dry.branch}: {dry.summary} <button className="pk-link" aria-label="Dismiss the dry run" onClick={() => setDry(null)}>✕</button></div> : null}
      {pipelineProblems.length > 0 ? (
        <ul className="pk-problems pk-pipeline-problems">{pipelineProblems.map((p, i) => <li key={i}>{p.path ? `${p.path}: ` : ''}{p.message}</li>)}</ul>
      ) : null}
      <div className="pk-designer-body">
        <StageLibrary types={types} onAdd={(t) => addStage(t)} />
        <div className="pk-canvas" data-ready={ready ?? undefined} data-testid="canvas" onDrop={onDrop}
          onDragOver={(e) => { if (e.dataTransfer.types.includes(DRAG_TYPE)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } }}>
          {loading ? <div className="pk-muted pk-center">Loading…</div> : null}
          <EdgesOnCanvas.Provider value={edges}>
          <ReactFlow
            nodes={shown}
            edges={arrows}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            connectionLineComponent={NeedLine}
            connectionLineType={ConnectionLineType.Bezier}
            onPaneClick={() => setSelected(null)}
            deleteKeyCode={['Delete', 'Backspace']}
            onlyRenderVisibleElements={nodes.length > 300}
            connectionRadius={36}
            autoPanSpeed={6}
            minZoom={0.05}
            fitView
            fitViewOptions={{ maxZoom: 1 }}
            defaultEdgeOptions={{ type: 'smoothstep', markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } }}
          >
            <Background gap={20} />
            <MiniMap pannable zoomable />
            <Controls />
          </ReactFlow>
          </EdgesOnCanvas.Provider>
          {!loading && nodes.length === 0 ? <div className="pk-empty">Drag stages here from the library, then connect them: a line from A to B means B needs A.</div> : null}
        </div>
        <div className="pk-side">
          <div className="pk-tabs" role="tablist">
            <button role="tab" aria-selected={panel === 'settings'} className={panel === 'settings' ? 'active' : ''} onClick={() => setPanel('settings')}>Stage</button>
            <button role="tab" aria-selected={panel === 'code'} className={panel === 'code' ? 'active' : ''} onClick={() => setPanel('code')}>Code</button>
          </div>
          {panel === 'code' ? <CodeView doc={doc} onApply={applyCode} quiet={fresh} />
            : selectedNode ? (
              <ConfigPanel
                key={selectedNode.id}
                stage={selectedNode.data.stage}
                type={types.find((t) => t.id === (selectedNode.data.stage.type ?? 'shell'))}
                problems={byStage.get(selectedNode.id) ?? []}
                onChange={(s) => updateStage(selectedNode.id, s)}
                onRename={(id) => renameStage(selectedNode.id, id)}
                onDelete={deleteSelected}
              />
            ) : <p className="pk-muted pk-pad">Select a stage to change its settings.</p>}
        </div>
      </div>
      {running ? <RunDialog params={params} onCancel={() => setRunning(false)} onRun={(b, v) => { setRunning(false); void run(b, v); }}
        onDryRun={(b, v) => { setRunning(false); void dryRun(b, v); }} /> : null}
    </div>
  );
}

function RunDialog({ params, onRun, onDryRun, onCancel }: { params: ParameterSpec[]; onRun: (branch: string, values: Record<string, unknown>) => void;
  onDryRun: (branch: string, values: Record<string, unknown>) => void; onCancel: () => void }) {
  const [branch, setBranch] = useState('main');
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(params.map((p) => [p.name, defaultText(p)])));
  const missing = params.filter((p) => p.required && (values[p.name] ?? '') === '');
  return (
    <div className="pk-dialog-backdrop">
      <form className="pk-dialog" role="dialog" aria-label="Run pipeline" onSubmit={(e) => {
        e.preventDefault();
        onRun(branch, parameterValues(params, values));
      }}>
        <h2>Run</h2>
        <label>Branch<input aria-label="Branch" value={branch} onChange={(e) => setBranch(e.target.value)} /></label>
        {params.map((p) => <ParameterField key={p.name} param={p} value={values[p.name] ?? ''} onChange={(v) => setValues({ ...values, [p.name]: v })} />)}
        <div className="pk-dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="button" disabled={missing.length > 0} onClick={() => onDryRun(branch, parameterValues(params, values))}
            title="Shows on the canvas which stages a run on this branch would run and why the others would not, without starting anything">Dry run</button>
          <button type="submit" className="pk-primary" disabled={missing.length > 0}>Run</button>
        </div>
      </form>
    </div>
  );
}
