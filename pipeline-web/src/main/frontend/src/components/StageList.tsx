import { useMemo, useRef, useState } from 'react';

export interface StageRow {
  id: string;
  name?: string;
  status: string;
  durationMs?: number;
  reason?: string;
}

const ROW = 30;

/**
 * Every stage of a run as a list beside the graph: status, duration and why it failed or was skipped; a filter by name
 * and by outcome; only the rows in view are in the page (a 200- or 2,000-stage run scrolls as fast as a 5-stage one).
 */
export function StageList({ rows, selected, onSelect, duration }: {
  rows: StageRow[]; selected: string | null; onSelect: (id: string) => void; duration: (ms: number | undefined) => string;
}) {
  const [query, setQuery] = useState('');
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => rows.filter((r) => (!query || r.id.includes(query) || (r.name ?? '').toLowerCase().includes(query.toLowerCase()))
    && (!onlyProblems || ['FAILED', 'TIMED_OUT', 'CANCELLED', 'SOFT_FAILED', 'WAITING_APPROVAL', 'INTERRUPTED'].includes(r.status))), [rows, query, onlyProblems]);
  const first = Math.max(0, Math.floor(top / ROW) - 5);
  const last = Math.min(shown.length, Math.ceil((top + height) / ROW) + 5);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const r of rows) c[r.status] = (c[r.status] ?? 0) + 1;
    return Object.entries(c).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${n} ${s.toLowerCase().replace(/_/g, ' ')}`).join(' · ');
  }, [rows]);
  return (
    <aside className="pk-stage-list" aria-label="Stages">
      <div className="pk-stage-list-head">
        <input aria-label="Find a stage" placeholder={`Find among ${rows.length} stages`} value={query} onChange={(e) => setQuery(e.target.value.trim())} />
        <label className="pk-muted"><input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} /> only problems</label>
        <div className="pk-muted pk-small" data-testid="stage-counts">{counts}</div>
      </div>
      <div className="pk-stage-list-rows" ref={box} role="listbox" aria-label="Stages of this run" tabIndex={0}
        onScroll={(e) => { setTop(e.currentTarget.scrollTop); setHeight(e.currentTarget.clientHeight); }}
        onKeyDown={(e) => {
          const at = shown.findIndex((r) => r.id === selected);
          const next = e.key === 'ArrowDown' ? Math.min(shown.length - 1, at + 1) : e.key === 'ArrowUp' ? Math.max(0, at - 1) : -1;
          if (next >= 0 && shown[next]) {
            e.preventDefault();
            onSelect(shown[next].id);
            const el = box.current;
            if (el && (next * ROW < el.scrollTop || (next + 1) * ROW > el.scrollTop + el.clientHeight)) el.scrollTop = next * ROW - el.clientHeight / 2;
          }
        }}>
        <div style={{ height: shown.length * ROW, position: 'relative' }}>
          {shown.slice(first, last).map((r, i) => (
            <div key={r.id} role="option" aria-selected={r.id === selected} data-stage-row={r.id}
              className={`pk-stage-row pk-${r.status.toLowerCase()}${r.id === selected ? ' selected' : ''}`}
              style={{ position: 'absolute', top: (first + i) * ROW, height: ROW, left: 0, right: 0 }}
              title={r.reason ?? r.status} onClick={() => onSelect(r.id)}>
              <span className="pk-status-dot" />
              <span className="pk-stage-row-name">{r.name ?? r.id}</span>
              <span className="pk-muted">{r.status === 'PENDING' ? '' : r.status.toLowerCase().replace(/_/g, ' ')}{r.durationMs !== undefined ? ` · ${duration(r.durationMs)}` : ''}</span>
            </div>
          ))}
        </div>
        {shown.length === 0 ? <p className="pk-muted pk-pad">No stage matches.</p> : null}
      </div>
    </aside>
  );
}
