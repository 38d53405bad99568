import { useMemo, useState } from 'react';
import { CATEGORIES, type StageTypeJson } from '../schema';

export const DRAG_TYPE = 'application/x-pipelinekit-stage-type';

/** The stage types by category (Source, Build, Test, Security, Deploy, Notify), searchable, each draggable onto the canvas. */
export function StageLibrary({ types, onAdd }: { types: StageTypeJson[]; onAdd: (typeId: string) => void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const shown = types.filter((t) => q === '' || [t.id, t.name, t.description, t.category].some((s) => s.toLowerCase().includes(q)));
    const known = CATEGORIES.map((c) => ({ category: c, types: shown.filter((t) => t.category === c) }));
    const other = shown.filter((t) => !CATEGORIES.includes(t.category));
    return [...known, { category: 'other', types: other }].filter((g) => g.types.length > 0);
  }, [types, query]);
  return (
    <aside className="pk-library" aria-label="Stage library">
      <input type="search" aria-label="Search stages" placeholder="Search stages…" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.length === 0 ? <p className="pk-muted">No stage type matches “{query}”.</p> : null}
      {groups.map((g) => (
        <section key={g.category} className="pk-library-group">
          <h2 className="pk-h3">{g.category}</h2>
          {g.types.map((t) => (
            <div
              key={t.id}
              className={`pk-library-item pk-cat-${t.category}`}
              draggable
              role="button"
              tabIndex={0}
              data-stage-type={t.id}
              title={`${t.description}\nDrag onto the canvas, or press Enter to add.`}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, t.id);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onDoubleClick={() => onAdd(t.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') onAdd(t.id);
              }}
            >
              <strong>{t.name}</strong>
              <span className="pk-muted">{t.description}</span>
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}
