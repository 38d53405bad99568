import dagre from '@dagrejs/dagre';
import type { Node } from '@xyflow/react';

/** A stage as pipeline documents have it (the canonical JSON the API speaks). */
export interface StageDoc {
  id: string;
  name?: string;
  needs?: string[];
  type?: string;
  when?: string;
  image?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  matrix?: { axes: Record<string, string[]>; include?: unknown[]; exclude?: unknown[]; failFast?: boolean; maxParallel?: number };
  retry?: { limit: number; [k: string]: unknown };
  timeout?: string;
  resources?: { cpu?: string; memory?: string };
  dependencies?: string[];
  cache?: { key: string; restoreKeys?: string[]; paths: string[]; scope?: string; policy?: string } | Array<{ key: string; paths: string[] }>;
  artifacts?: { name?: string; paths: string[]; retention?: string; when?: string };
  environment?: { name: string; url?: string; [k: string]: unknown };
  approval?: { approvers: string[]; required?: number; timeout?: string };
  /** true: any failure is soft; { exitCodes }: only a failure with one of those exit codes. */
  continueOnError?: boolean | { exitCodes: number[] };
  memoize?: string;
  runsOn?: string[];
  /** Quality gates: name → a condition over the steps' outputs, checked after them. */
  gates?: Record<string, string>;
  outputs?: string[];
  steps?: Array<{ run: string; name?: string; when?: string; continueOnError?: boolean; [k: string]: unknown }>;
  [k: string]: unknown;
}

/** A pipeline document. */
export interface PipelineDoc {
  pipelinekit?: number;
  id: string;
  name?: string;
  stages: StageDoc[];
  [k: string]: unknown;
}

/** A stage on the canvas (a React Flow node). */
/** What a dry run said of a stage: whether it would run, and why not. */
export interface DryStage { runs: boolean; why?: string }
export type StageNode = Node<{ stage: StageDoc; problems: string[]; dry?: DryStage }, 'stage'>;

export interface NeedEdge {
  id: string;
  source: string;
  target: string;
}

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 76;

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/** Pipeline → nodes (a stage each, laid out unless {@code laidOut} is false) and edges (a need each: from the needed stage to the stage). */
/**
 * The pipeline as an execution runs it: its own stages, then the stages its jobs generated (StagesAdded events), each id
 * once (a resumed event stream replays them).
 */
export function withGenerated(doc: PipelineDoc, generated: StageDoc[]): PipelineDoc {
  if (generated.length === 0) return doc;
  const ids = new Set(doc.stages.map((s) => s.id));
  const added = generated.filter((s) => !ids.has(s.id) && ids.add(s.id));
  return added.length === 0 ? doc : { ...doc, stages: [...doc.stages, ...added] };
}

export function pipelineToGraph(doc: PipelineDoc, laidOut = true): { nodes: StageNode[]; edges: NeedEdge[] } {
  const ids = new Set(doc.stages.map((s) => s.id));
  const edges: NeedEdge[] = [];
  for (const s of doc.stages) {
    for (const need of s.needs ?? []) {
      if (ids.has(need)) edges.push({ id: edgeId(need, s.id), source: need, target: s.id });
    }
  }
  const nodes: StageNode[] = doc.stages.map((s) => {
    const stage = { ...s };
    // a need of a stage that is not in the pipeline cannot be drawn: it stays with the stage (and the validator names
    // it) rather than vanishing from the document
    const unknown = (s.needs ?? []).filter((n) => !ids.has(n));
    if (unknown.length > 0) stage.needs = unknown;
    else delete stage.needs;
    return { id: s.id, type: 'stage', position: { x: 0, y: 0 }, data: { stage, problems: [] } };
  });
  return { nodes: laidOut ? layout(nodes, edges) : nodes, edges };
}

/** Nodes and edges → pipeline: the other settings of {@code base} kept, stages in node order, needs from edges (and the needs of unknown stages a stage kept). */
export function graphToPipeline(base: PipelineDoc, nodes: StageNode[], edges: NeedEdge[]): PipelineDoc {
  const stages: StageDoc[] = nodes.map((n) => {
    const needs = edges.filter((e) => e.target === n.id).map((e) => e.source);
    for (const kept of n.data.stage.needs ?? []) if (!needs.includes(kept)) needs.push(kept); // not drawn: see pipelineToGraph
    const stage: StageDoc = { ...n.data.stage, id: n.id };
    delete stage.needs;
    const ordered: StageDoc = { id: stage.id };
    if (needs.length > 0) ordered.needs = needs;
    for (const [k, v] of Object.entries(stage)) if (k !== 'id') ordered[k] = v;
    return ordered;
  });
  return { ...base, pipelinekit: 1, stages };
}

/** Whether a need from {@code source} to {@code target} would close a cycle (or is a stage needing itself). */
export function wouldCreateCycle(edges: Array<{ source: string; target: string }>, source: string, target: string): boolean {
  if (source === target) return true;
  // the new edge source → target closes a cycle when source is already reachable from target
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === source) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of next.get(n) ?? []) stack.push(m);
  }
  return false;
}

/** Left-to-right layout with dagre: needs to the left of the stages that need them. */
export function layout<N extends { id: string; position: { x: number; y: number } }>(nodes: N[], edges: Array<{ source: string; target: string }>): N[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, position: { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 } };
  });
}

/** A new, unused stage id from a type: "git-clone", "git-clone-2", ... */
export function newStageId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^a-z0-9_-]/g, '-') || 'stage';
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Validation problems by stage id, from paths such as "stages.build.with.goals" (others under ""). */
export function problemsByStage(problems: Array<{ path: string; message: string; severity?: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const m = /^stages\.([^.[\]]+)/.exec(p.path);
    const key = m ? m[1] : '';
    out.set(key, [...(out.get(key) ?? []), `${p.path}: ${p.message}`]);
  }
  return out;
}
