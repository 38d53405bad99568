import { useEffect, useRef, useState } from 'react';
import { ApiError, request } from '../api';
import type { PipelineDoc } from '../model';

type Format = 'yaml' | 'kotlin' | 'java';
const LABELS: Record<Format, string> = { yaml: 'YAML', kotlin: 'Kotlin', java: 'Java' };

export interface CodeProblem {
  message: string;
  line?: number;
  path?: string;
}

/**
 * The pipeline beside the canvas as YAML, Kotlin and Java (written by the server's exporters). The YAML can be edited:
 * Apply reads it on the server and puts it on the canvas; what is wrong is listed with its line, and the lines marked.
 */
export function CodeView({ doc, onApply }: { doc: PipelineDoc; onApply: (doc: PipelineDoc) => void }) {
  const [format, setFormat] = useState<Format>('yaml');
  const [code, setCode] = useState('');
  const [edited, setEdited] = useState<string | null>(null);
  const [problems, setProblems] = useState<CodeProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const serial = useRef(0);

  useEffect(() => {
    const n = ++serial.current;
    const timer = setTimeout(() => {
      request('POST', `pipelines/convert?format=${format}`, doc.id ? doc : { ...doc, id: 'unnamed' })
        .then((r) => r.text())
        .then((t) => { if (n === serial.current) setCode(t); })
        .catch((e: ApiError) => { if (n === serial.current) setCode(`# cannot write this pipeline as ${LABELS[format]}: ${e.message}`); });
    }, 250);
    return () => clearTimeout(timer);
  }, [doc, format]);

  const apply = async () => {
    if (edited === null) return;
    setBusy(true);
    try {
      const r = await request('POST', 'pipelines/import?format=yaml&save=false', edited, 'text/plain');
      const body = (await r.json()) as { pipeline: PipelineDoc };
      setProblems([]);
      setEdited(null);
      onApply(body.pipeline);
    } catch (e) {
      const err = e as ApiError;
      const list = (err.problem?.problems ?? []) as CodeProblem[];
      setProblems(list.length > 0 ? list : [{ message: err.message }]);
    } finally {
      setBusy(false);
    }
  };

  const text = edited ?? code;
  const badLines = new Set(problems.map((p) => p.line).filter((l): l is number => l !== undefined));
  return (
    <section className="pk-code" aria-label="Pipeline as code">
      <div className="pk-tabs" role="tablist">
        {(Object.keys(LABELS) as Format[]).map((f) => (
          <button key={f} role="tab" aria-selected={format === f} className={format === f ? 'active' : ''}
            onClick={() => { setFormat(f); setEdited(null); setProblems([]); }}>{LABELS[f]}</button>
        ))}
        <span className="pk-spacer" />
        {format === 'yaml' && edited !== null ? (
          <>
            <button onClick={() => { setEdited(null); setProblems([]); }}>Discard</button>
            <button className="pk-primary" disabled={busy} onClick={apply} title="Ctrl+Enter">Apply to canvas</button>
          </>
        ) : null}
      </div>
      <div className="pk-code-body">
        <pre className="pk-gutter" aria-hidden>
          {text.split('\n').map((_, i) => <div key={i} className={badLines.has(i + 1) ? 'bad' : undefined}>{i + 1}</div>)}
        </pre>
        <textarea
          aria-label={`${LABELS[format]} code`}
          spellCheck={false}
          wrap="off"
          rows={text.split('\n').length + 1}
          readOnly={format !== 'yaml'}
          value={text}
          onChange={(e) => setEdited(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void apply(); } }}
        />
      </div>
      {problems.length > 0 ? (
        <ul className="pk-problems" aria-label="Code problems">
          {problems.map((p, i) => <li key={i}>{p.line !== undefined ? <strong>line {p.line}: </strong> : null}{p.path ? `${p.path}: ` : ''}{p.message}</li>)}
        </ul>
      ) : null}
    </section>
  );
}
