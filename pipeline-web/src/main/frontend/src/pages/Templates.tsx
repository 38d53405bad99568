import { useEffect, useMemo, useState } from 'react';
import { ApiError, getJson, postJson } from '../api';
import { go } from '../App';
import { ParameterField, defaultText, parameterValues, type ParameterSpec } from '../components/ParameterField';

interface TemplateJson {
  id: string;
  name: string;
  category: string;
  description: string;
  version: string;
  parameters: ParameterSpec[];
  components: string[];
}

/** The template gallery by category; a template's parameters become a form, and Create makes (and opens) the pipeline. */
export function Templates() {
  const [templates, setTemplates] = useState<TemplateJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [category, setCategory] = useState('all');
  const [chosen, setChosen] = useState<TemplateJson | null>(null);
  useEffect(() => {
    getJson<TemplateJson[]>('pipelines/templates').then(setTemplates).catch((e: ApiError) => setError(e.message));
  }, []);
  const categories = useMemo(() => [...new Set((templates ?? []).map((t) => t.category))].sort(), [templates]);
  if (error) return <div className="pk-error pk-pad">{error}</div>;
  if (!templates) return <div className="pk-muted pk-pad">Loading…</div>;
  const shown = templates.filter((t) => category === 'all' || t.category === category);
  return (
    <div className="pk-page">
      <div className="pk-page-head">
        <h1>Templates</h1>
        <div className="pk-tabs" role="tablist">
          {['all', ...categories].map((c) => (
            <button key={c} role="tab" aria-selected={category === c} className={category === c ? 'active' : ''} onClick={() => setCategory(c)}>{c}</button>
          ))}
        </div>
      </div>
      <div className="pk-gallery">
        {shown.map((t) => (
          <article key={t.id} className="pk-card" data-template={t.id}>
            <h2 className="pk-card-title">{t.name}</h2>
            <div className="pk-muted">{t.category} · {t.id} {t.version}</div>
            <p>{t.description}</p>
            <button className="pk-primary" onClick={() => setChosen(t)}>Use template</button>
          </article>
        ))}
      </div>
      {chosen ? <TemplateForm template={chosen} onCancel={() => setChosen(null)} /> : null}
    </div>
  );
}

function TemplateForm({ template, onCancel }: { template: TemplateJson; onCancel: () => void }) {
  const [id, setId] = useState(template.id.replace(/[^a-z0-9-]/g, '-'));
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(template.parameters.map((p) => [p.name, defaultText(p)])));
  const [problem, setProblem] = useState<string | null>(null);
  const create = async () => {
    try {
      await postJson('pipelines/from-template', { template: template.id, id, values: parameterValues(template.parameters, values) });
      go(`designer/${encodeURIComponent(id)}`);
    } catch (e) {
      const err = e as ApiError;
      setProblem([err.message, ...((err.problem.problems ?? []).map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`))].join('\n'));
    }
  };
  return (
    <div className="pk-dialog-backdrop">
      <form className="pk-dialog" role="dialog" aria-label={`Create from ${template.name}`} onSubmit={(e) => { e.preventDefault(); void create(); }}>
        <h2>{template.name}</h2>
        <p className="pk-muted">{template.description}</p>
        <label>Pipeline id<input aria-label="Pipeline id" value={id} onChange={(e) => setId(e.target.value)} /></label>
        {template.parameters.map((p) => <ParameterField key={p.name} param={p} value={values[p.name] ?? ''} onChange={(v) => setValues({ ...values, [p.name]: v })} />)}
        {problem ? <pre className="pk-error">{problem}</pre> : null}
        <div className="pk-dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="pk-primary">Create pipeline</button>
        </div>
      </form>
    </div>
  );
}
