/**
 * Where the stages of a saved pipeline were last placed, kept in this browser (localStorage): positions are the
 * designer's, not the pipeline's, so the pipeline document and its YAML stay free of them. Opening the pipeline again
 * puts every stage back where it was; when a stage has no remembered place (it was added elsewhere), the whole graph
 * is laid out afresh instead of mixing the two.
 */
type Position = { x: number; y: number };

const PREFIX = 'pipelinekit.layout.';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked by the browser's settings
  }
}

export function rememberLayout(pipelineId: string, nodes: Array<{ id: string; position: Position }>): void {
  const positions: Record<string, [number, number]> = {};
  for (const n of nodes) positions[n.id] = [Math.round(n.position.x), Math.round(n.position.y)];
  try {
    storage()?.setItem(PREFIX + pipelineId, JSON.stringify(positions));
  } catch {
    // full or blocked: the layout is recomputed next time
  }
}

/** The remembered place of each of {@code ids}, or null unless every one of them has one. */
export function recallLayout(pipelineId: string, ids: string[]): Map<string, Position> | null {
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(storage()?.getItem(PREFIX + pipelineId) ?? 'null') as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!saved || typeof saved !== 'object' || ids.length === 0) return null;
  const out = new Map<string, Position>();
  for (const id of ids) {
    const p = saved[id];
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
    out.set(id, { x: p[0] as number, y: p[1] as number });
  }
  return out;
}
