import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { StageNode as StageNodeType } from '../model';

/**
 * A stage on the designer's canvas: name, id and type, a marker with the validator's messages when it has problems, and
 * after a dry run whether it would run (and why not).
 */
export function StageNodeView({ data, selected }: NodeProps<StageNodeType>) {
  const s = data.stage;
  const problems = data.problems;
  return (
    <div className={`pk-node${selected ? ' selected' : ''}${problems.length > 0 ? ' has-problems' : ''}${data.dry ? (data.dry.runs ? ' dry-runs' : ' dry-skipped') : ''}`}
      data-stage={s.id} data-dry={data.dry ? (data.dry.runs ? 'runs' : 'skipped') : undefined}>
      <Handle type="target" position={Position.Left} />
      <div className="pk-node-title">{s.name ?? s.id}</div>
      <div className="pk-node-sub">{s.type ?? 'shell'}{s.matrix ? ' · matrix' : ''}{s.approval ? ' · approval' : ''}</div>
      {problems.length > 0 ? (
        <span className="pk-node-problem" title={problems.join('\n')} aria-label={`${problems.length} problem(s): ${problems.join('; ')}`}>
          {problems.length}
        </span>
      ) : null}
      {data.dry ? <div className="pk-node-dry" title={data.dry.why}>{data.dry.runs ? '✓ would run' : `⊘ skipped: ${data.dry.why ?? ''}`}</div> : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}
