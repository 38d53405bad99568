import { useEffect, useState } from 'react';
import type { StageDoc } from '../model';
import { fieldsFor, formatValue, parsePairs as pairs, parseValue, splitList as list, type Field, type StageTypeJson } from '../schema';

interface Props {
  stage: StageDoc;
  type: StageTypeJson | undefined;
  problems: string[];
  onChange: (stage: StageDoc) => void;
  /** Renames the stage; returns why not when the id cannot be used. */
  onRename: (id: string) => string | null;
  onDelete: () => void;
}

const STEP_WHEN = ['', 'failure()', 'always()', 'cancelled()'];

/** Drops a key whose value is unset (undefined, '', empty list or object), so the document keeps only what was set. */
function set<T extends object>(o: T, key: string, value: unknown): T {
  const out = { ...o } as Record<string, unknown>;
  const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
    || (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  if (empty) delete out[key];
  else out[key] = value;
  return out as T;
}


/**
 * The selected stage's settings: the type's inputs as typed fields (required ones marked, defaults as placeholders), then
 * steps, condition, image, timeout, retry, matrix, cache, artifacts, approval, environment and variables.
 */
export function ConfigPanel({ stage, type, problems, onChange, onRename, onDelete }: Props) {
  const [id, setId] = useState(stage.id);
  const [renameError, setRenameError] = useState<string | null>(null);
  useEffect(() => {
    setId(stage.id);
    setRenameError(null);
  }, [stage.id]);
  const fields = type ? fieldsFor(type) : [];
  const withValues = (stage.with ?? {}) as Record<string, unknown>;
  const cache = Array.isArray(stage.cache) ? stage.cache[0] : stage.cache;
  const env = typeof stage.environment === 'string' ? { name: stage.environment } : stage.environment;
  const matrixText = stage.matrix ? Object.entries(stage.matrix.axes).map(([k, v]) => `${k} = ${v.join(', ')}`).join('\n') : '';
  const [matrix, setMatrix] = useState(matrixText);
  useEffect(() => setMatrix(matrixText), [stage.id]);
  const gatesText = Object.entries(stage.gates ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n');
  const [gates, setGates] = useState(gatesText);
  useEffect(() => setGates(gatesText), [stage.id]);

  const input = (f: Field, v: string | boolean) => onChange(set(stage, 'with', set(withValues, f.name, parseValue(f, v))));
  return (
    <aside className="pk-config" aria-label="Stage settings">
      <div className="pk-config-head">
        <h2>{type?.name ?? stage.type ?? 'Shell'}</h2>
        <button className="pk-danger" onClick={onDelete} title="Delete the stage (Delete key)">Delete</button>
      </div>
      {type ? <p className="pk-muted">{type.description}</p> : null}
      {problems.length > 0 ? <ul className="pk-problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul> : null}
      <label>Id
        <input aria-label="Stage id" value={id} onChange={(e) => setId(e.target.value)}
          onBlur={() => { if (id !== stage.id) setRenameError(onRename(id)); }}
          onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); }} />
      </label>
      {renameError ? <div className="pk-error">{renameError}</div> : null}
      <label>Name
        <input aria-label="Stage name" value={stage.name ?? ''} onChange={(e) => onChange(set(stage, 'name', e.target.value))} />
      </label>

      {fields.length > 0 ? <h2 className="pk-h3">Inputs</h2> : null}
      {fields.map((f) => <InputField key={f.name} field={f} value={formatValue(f, withValues[f.name])} onChange={(v) => input(f, v)} />)}

      {type?.acceptsSteps || (stage.steps?.length ?? 0) > 0 ? (
        <>
          <h2 className="pk-h3">Steps</h2>
          {(stage.steps ?? []).map((s, i) => (
            <div key={i} className="pk-step">
              <textarea aria-label={`Step ${i + 1} command`} value={s.run} rows={Math.min(6, s.run.split('\n').length + 1)}
                onChange={(e) => onChange({ ...stage, steps: stage.steps!.map((x, j) => (j === i ? { ...x, run: e.target.value } : x)) })} />
              <button className="pk-link" aria-label={`Remove step ${i + 1}`} onClick={() => onChange(set(stage, 'steps', stage.steps!.filter((_, j) => j !== i)))}>✕</button>
              <div className="pk-step-when">
                <select aria-label={`Step ${i + 1} runs`} value={(s.when as string | undefined) ?? ''}
                  onChange={(e) => onChange({ ...stage, steps: stage.steps!.map((x, j) => (j === i ? set(x, 'when', e.target.value) : x)) })}>
                  <option value="">while all went well</option>
                  <option value="failure()">after a failure</option>
                  <option value="always()">always (also after a cancel)</option>
                  <option value="cancelled()">when cancelled</option>
                  {s.when && !STEP_WHEN.includes(s.when as string) ? <option value={s.when as string}>{s.when as string}</option> : null}
                </select>
                <label className="pk-check">
                  <input type="checkbox" aria-label={`Step ${i + 1} may fail`} checked={s.continueOnError === true}
                    onChange={(e) => onChange({ ...stage, steps: stage.steps!.map((x, j) => (j === i ? set(x, 'continueOnError', e.target.checked ? true : undefined) : x)) })} />
                  may fail
                </label>
              </div>
            </div>
          ))}
          <button onClick={() => onChange({ ...stage, steps: [...(stage.steps ?? []), { run: '' }] })}>Add step</button>
        </>
      ) : null}

      <h2 className="pk-h3">When and how</h2>
      <label>Run when <span className="pk-muted">(expression, e.g. branch == 'main' &amp;&amp; success())</span>
        <input aria-label="When" value={stage.when ?? ''} onChange={(e) => onChange(set(stage, 'when', e.target.value))} />
      </label>
      <label>Container image
        <input aria-label="Image" value={stage.image ?? ''} placeholder={type?.defaultImage ?? 'runs on the host'} onChange={(e) => onChange(set(stage, 'image', e.target.value))} />
      </label>
      <label>Timeout
        <input aria-label="Timeout" value={stage.timeout ?? ''} placeholder="e.g. 20m" onChange={(e) => onChange(set(stage, 'timeout', e.target.value))} />
      </label>
      <label>Retries
        <input aria-label="Retries" type="number" min={0} value={stage.retry?.limit ?? ''}
          onChange={(e) => onChange(set(stage, 'retry', e.target.value === '' ? undefined : { ...(stage.retry ?? {}), limit: Number(e.target.value) }))} />
      </label>
      <label>Files from <span className="pk-muted">(stages whose artifacts the jobs start with; empty: every stage it needs; none: no files)</span>
        <input aria-label="Files from" value={stage.dependencies === undefined ? '' : (stage.dependencies as string[]).length === 0 ? 'none' : (stage.dependencies as string[]).join(', ')}
          onChange={(e) => {
            const v = e.target.value.trim();
            const out = { ...stage } as StageDoc;
            if (v === '') delete out.dependencies;
            else out.dependencies = v === 'none' ? [] : list(v);
            onChange(out);
          }} />
      </label>
      <label className="pk-check">
        <input type="checkbox" checked={stage.continueOnError !== undefined && stage.continueOnError !== false}
          onChange={(e) => onChange(set(stage, 'continueOnError', e.target.checked ? true : undefined))} />
        Continue on error
        {typeof stage.continueOnError === 'object' && (
          <span className="pk-muted"> (only exit codes {stage.continueOnError.exitCodes.join(', ')})</span>
        )}
      </label>

      <label>Quality gates <span className="pk-muted">(one per line, checked after the steps: coverage = outputs.coverage &gt;= 80)</span>
        <textarea aria-label="Quality gates" value={gates} rows={2} onChange={(e) => setGates(e.target.value)}
          onBlur={() => {
            const parsed = pairs(gates);
            onChange(set(stage, 'gates', Object.keys(parsed).length === 0 ? undefined : parsed));
          }} />
      </label>

      <h2 className="pk-h3">Matrix</h2>
      <label>Axes <span className="pk-muted">(one per line: jdk = 17, 21)</span>
        <textarea aria-label="Matrix axes" value={matrix} rows={2} onChange={(e) => setMatrix(e.target.value)}
          onBlur={() => {
            const axes: Record<string, string[]> = {};
            for (const [k, v] of Object.entries(pairs(matrix))) if (list(v).length > 0) axes[k] = list(v);
            onChange(set(stage, 'matrix', Object.keys(axes).length === 0 ? undefined : { ...(stage.matrix ?? {}), axes }));
          }} />
      </label>

      <h2 className="pk-h3">Cache</h2>
      <label>Key
        <input aria-label="Cache key" value={cache?.key ?? ''} placeholder="npm-${{ hashFiles('package-lock.json') }}"
          onChange={(e) => onChange(set(stage, 'cache', e.target.value === '' && !cache?.paths?.length ? undefined : { ...(cache ?? { paths: [] }), key: e.target.value }))} />
      </label>
      <label>Paths <span className="pk-muted">(comma separated)</span>
        <input aria-label="Cache paths" value={(cache?.paths ?? []).join(', ')}
          onChange={(e) => onChange(set(stage, 'cache', e.target.value === '' && !cache?.key ? undefined : { ...(cache ?? { key: '' }), paths: list(e.target.value) }))} />
      </label>
      <label>Use
        <select aria-label="Cache policy" value={(cache as { policy?: string } | undefined)?.policy ?? ''} disabled={!cache}
          onChange={(e) => onChange(set(stage, 'cache', set(cache!, 'policy', e.target.value)))}>
          <option value="">restore, and save after success</option>
          <option value="pull">restore only</option>
          <option value="push">save only</option>
        </select>
      </label>

      <h2 className="pk-h3">Artifacts</h2>
      <label>Paths <span className="pk-muted">(globs, comma separated)</span>
        <input aria-label="Artifact paths" value={(stage.artifacts?.paths ?? []).join(', ')}
          onChange={(e) => onChange(set(stage, 'artifacts', list(e.target.value).length === 0 ? undefined : { ...(stage.artifacts ?? {}), paths: list(e.target.value) }))} />
      </label>
      <label>Keep for
        <input aria-label="Artifact retention" value={stage.artifacts?.retention ?? ''} placeholder="30d" disabled={!stage.artifacts}
          onChange={(e) => onChange(set(stage, 'artifacts', set(stage.artifacts!, 'retention', e.target.value)))} />
      </label>
      <label>Store
        <select aria-label="Artifacts stored" value={stage.artifacts?.when ?? ''} disabled={!stage.artifacts}
          onChange={(e) => onChange(set(stage, 'artifacts', set(stage.artifacts!, 'when', e.target.value)))}>
          <option value="">after success</option>
          <option value="on-failure">after a failure (reports of failing tests)</option>
          <option value="always">always</option>
        </select>
      </label>

      <h2 className="pk-h3">Approval and environment</h2>
      <label>Approvers <span className="pk-muted">(users or groups, comma separated)</span>
        <input aria-label="Approvers" value={(stage.approval?.approvers ?? []).join(', ')}
          onChange={(e) => onChange(set(stage, 'approval', list(e.target.value).length === 0 ? undefined : { ...(stage.approval ?? {}), approvers: list(e.target.value) }))} />
      </label>
      <label>Environment
        <input aria-label="Environment" value={env?.name ?? ''} placeholder="production"
          onChange={(e) => onChange(set(stage, 'environment', e.target.value === '' ? undefined : env && Object.keys(env).length > 1 ? { ...env, name: e.target.value } : e.target.value))} />
      </label>
      <h2 className="pk-h3">Variables</h2>
      <EnvEditor value={stage.env ?? {}} onChange={(v) => onChange(set(stage, 'env', v))} />
    </aside>
  );
}

function EnvEditor({ value, onChange }: { value: Record<string, string>; onChange: (v: Record<string, string>) => void }) {
  const text = Object.entries(value).map(([k, v]) => `${k}=${v}`).join('\n');
  const [draft, setDraft] = useState(text);
  useEffect(() => setDraft(text), [text]);
  return (
    <label><span className="pk-muted">one per line: NAME=value</span>
      <textarea aria-label="Variables" rows={2} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={() => onChange(pairs(draft))} />
    </label>
  );
}

/** One input of the stage type: a typed control, "*" when required, the default as placeholder, the description as help. */
export function InputField({ field, value, onChange }: { field: Field; value: string | boolean; onChange: (v: string | boolean) => void }) {
  const label = <>{field.label}{field.required ? <span className="pk-required" title="required"> *</span> : null}</>;
  const common = { 'aria-label': field.name, 'aria-required': field.required, title: field.help };
  if (field.kind === 'checkbox') {
    return (
      <label className="pk-check"><input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />{label}</label>
    );
  }
  let control;
  if (field.kind === 'select') {
    control = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        <option value="">{field.placeholder === '' ? '—' : `default (${field.placeholder})`}</option>
        {field.options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else if (field.kind === 'map' || field.kind === 'json') {
    control = <textarea {...common} rows={2} value={String(value)} placeholder={field.kind === 'map' ? 'NAME=value per line' : field.placeholder} onChange={(e) => onChange(e.target.value)} />;
  } else {
    control = <input {...common} type={field.kind === 'number' ? 'number' : 'text'} value={String(value)} placeholder={field.placeholder} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <label className={field.required && value === '' ? 'pk-missing' : undefined}>
      {label}
      {control}
      <span className="pk-help">{field.help}</span>
    </label>
  );
}
