import { useEffect, useRef, useState } from 'react';
import { ApiError, request } from '../api';
import type { PipelineDoc } from '../model';

type Format = 'yaml' | 'json' | 'hcl' | 'kotlin' | 'java';
const LABELS: Record<Format, string> = { yaml: 'YAML', json: 'JSON', hcl: 'HCL', kotlin: 'Kotlin', java: 'Java' };
/** The formats that can be edited here and applied to the canvas (the others are written by the server's exporters). */
const EDITABLE: Format[] = ['yaml', 'json'];
const FILE: Record<Format, (id: string) => string> = {
  yaml: (id) => `${id}.yaml`, json: (id) => `${id}.json`, hcl: (id) => `${id}.hcl`, kotlin: (id) => `${id}.pipeline.kts`, java: () => 'Pipeline.java',
};
const FOREIGN: Record<string, string> = { gha: 'GitHub Actions workflow', gitlab: 'GitLab CI file', bitbucket: 'Bitbucket Pipelines file', jenkins: 'Jenkinsfile' };

export interface CodeProblem {
  message: string;
  line?: number;
  path?: string;
  severity?: string;
}

interface Imported {
  pipeline: PipelineDoc;
  validation?: { problems: CodeProblem[] };
  report?: { kind: string; approximated?: number; unsupported?: number; entries: Array<{ path: string; line: number; outcome: string; note: string }> };
}

/**
 * The pipeline beside the canvas as YAML, JSON, HCL, Kotlin and Java (written by the server's exporters), each with copy
 * and download. YAML and JSON can be edited: Apply reads the text on the server and puts it on the canvas; every problem
 * is listed and marked at its line, and a pasted GitHub Actions, GitLab, Bitbucket or Jenkins file is offered for import.
 */
export function CodeView({ doc, onApply, quiet = false }: { doc: PipelineDoc; onApply: (doc: PipelineDoc, note: string) => void; quiet?: boolean }) {
  const [format, setFormat] = useState<Format>('yaml');
  const [code, setCode] = useState('');
  const [edited, setEdited] = useState<string | null>(null);
  /** What was wrong with the edited text (or the import's notes), shown while it is being edited and after applying it. */
  const [problems, setProblems] = useState<CodeProblem[]>([]);
  /** The problems of the code as shown (the canvas written out), each at its line. */
  const [shownProblems, setShownProblems] = useState<CodeProblem[]>([]);
  const [foreign, setForeign] = useState<string | null>(null);
  /** What an import of another system's file approximated or left out. */
  const [notes, setNotes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const serial = useRef(0);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const n = ++serial.current;
    const timer = setTimeout(() => {
      request('POST', `pipelines/convert?format=${format}`, doc.id ? doc : { ...doc, id: 'unnamed' })
        .then((r) => r.text())
        .then(async (t) => {
          if (n !== serial.current) return;
          setCode(t);
          if (!EDITABLE.includes(format)) return;
          // the problems of what is shown, each at its line of this text
          const checked = await request('POST', `pipelines/import?format=${format}&save=false`, t, 'text/plain').then((r) => r.json() as Promise<Imported>);
          if (n === serial.current) setShownProblems((checked.validation?.problems ?? []).filter((p) => p.severity !== 'warning'));
        })
        .catch((e: ApiError) => { if (n === serial.current) setCode(`# cannot write this pipeline as ${LABELS[format]}: ${e.message}`); });
    }, 250);
    return () => clearTimeout(timer);
  }, [doc, format]);

  const take = (body: Imported, what: string) => {
    const found = (body.validation?.problems ?? []).filter((p) => p.severity !== 'warning');
    setProblems([]); // the code shown next is the canvas written out, with its own problems at their lines
    setEdited(null);
    setForeign(null);
    const report = body.report;
    const notes = report ? ` ${report.entries.length} part(s) of the ${FOREIGN[report.kind] ?? report.kind} were approximated or are not supported: see below.` : '';
    onApply(body.pipeline, `${what}: ${body.pipeline.stages.length} stages${found.length > 0 ? `, ${found.length} problem(s) to fix (marked at their lines)` : ''}.${notes}`);
    if (report) setNotes(report.entries.map((e) => `${e.path} (line ${e.line} of the ${FOREIGN[report.kind] ?? report.kind}): ${e.outcome}: ${e.note}`));
  };

  const apply = async () => {
    if (edited === null) return;
    setBusy(true);
    try {
      const r = await request('POST', `pipelines/import?format=${format}&save=false`, edited, 'text/plain');
      take((await r.json()) as Imported, `Applied the ${LABELS[format]}`);
    } catch (e) {
      const err = e as ApiError;
      const list = (err.problem?.problems ?? []) as CodeProblem[];
      const kind = list.find((p) => p.path === 'format')?.message; // the server's "not a PipelineKit pipeline, but this kind"
      if (kind && FOREIGN[kind]) {
        setForeign(kind);
        setProblems([]);
      } else {
        setForeign(null);
        setProblems(list.length > 0 ? list : [{ message: err.message }]);
      }
    } finally {
      setBusy(false);
    }
  };

  const importForeign = async () => {
    if (!foreign || edited === null) return;
    setBusy(true);
    try {
      const r = await request('POST', `pipelines/import?format=${foreign}&save=false`, edited, 'text/plain');
      take((await r.json()) as Imported, `Imported the ${FOREIGN[foreign]}`);
    } catch (e) {
      const err = e as ApiError;
      const list = (err.problem?.problems ?? []) as CodeProblem[];
      setProblems(list.length > 0 ? list : [{ message: err.message }]);
    } finally {
      setBusy(false);
    }
  };

  const text = edited ?? code;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      area.current?.select(); // no clipboard permission: the older way
      document.execCommand('copy');
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = FILE[format](doc.id || 'pipeline');
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  // (a new, untouched pipeline has nothing wrong with it yet)
  const listed = edited !== null || problems.length > 0 ? problems : quiet ? [] : shownProblems;
  const badLines = new Set(listed.map((p) => p.line).filter((l): l is number => l !== undefined));
  const lines = text.split('\n');
  const editable = EDITABLE.includes(format);
  return (
    <section className="pk-code" aria-label="Pipeline as code">
      <div className="pk-tabs" role="tablist" aria-label="Code format">
        {(Object.keys(LABELS) as Format[]).map((f) => (
          <button key={f} role="tab" aria-selected={format === f} className={format === f ? 'active' : ''}
            onClick={() => { setFormat(f); setEdited(null); setProblems([]); setShownProblems([]); setForeign(null); }}>{LABELS[f]}</button>
        ))}
      </div>
      <div className="pk-code-actions">
        <button onClick={() => void copy()} title={`Copy the ${LABELS[format]}`}>{copied ? 'Copied' : 'Copy'}</button>
        <button onClick={download} title={`Download ${FILE[format](doc.id || 'pipeline')}`}>Download</button>
        <span className="pk-spacer" />
        {editable && edited !== null ? (
          <>
            <button onClick={() => { setEdited(null); setProblems([]); setForeign(null); }}>Discard</button>
            <button className="pk-primary" disabled={busy} onClick={() => void apply()} title="Ctrl+Enter">Apply to canvas</button>
          </>
        ) : <span className="pk-muted">{editable ? 'Edit, then apply' : 'Read-only'}</span>}
      </div>
      {foreign ? (
        <div className="pk-message pk-info" role="status" data-testid="import-offer">
          This is a {FOREIGN[foreign]}, not a PipelineKit pipeline.
          <button className="pk-primary" disabled={busy} onClick={() => void importForeign()}>Import it</button>
        </div>
      ) : null}
      <div className="pk-code-body">
        <pre className="pk-gutter" aria-hidden>
          {lines.map((_, i) => <div key={i} className={badLines.has(i + 1) ? 'bad' : undefined}>{i + 1}</div>)}
        </pre>
        <textarea
          ref={area}
          aria-label={`${LABELS[format]} code`}
          spellCheck={false}
          wrap="off"
          rows={lines.length + 1}
          cols={Math.max(40, ...lines.map((l) => l.length + 2))}
          readOnly={!editable}
          value={text}
          onChange={(e) => setEdited(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void apply(); } }}
        />
      </div>
      {notes.length > 0 ? (
        <details className="pk-import-notes"><summary>{notes.length} note(s) from the import</summary>
          <ul>{notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
          <button className="pk-link" onClick={() => setNotes([])}>Dismiss</button></details>
      ) : null}
      {listed.length > 0 ? (
        <ul className="pk-problems" aria-label="Code problems">
          {listed.map((p, i) => <li key={i}>{p.line !== undefined ? <strong>line {p.line}: </strong> : null}{p.path ? `${p.path}: ` : ''}{p.message}</li>)}
        </ul>
      ) : null}
    </section>
  );
}
