import { splitList } from '../schema';

/** A pipeline or template parameter as the API describes it. */
export interface ParameterSpec {
  name: string;
  type?: string;
  required?: boolean;
  default?: unknown;
  options?: string[];
  description?: string;
}

/** The form text of a parameter's default. */
export function defaultText(p: ParameterSpec): string {
  return p.default === undefined ? '' : Array.isArray(p.default) ? p.default.join(', ') : String(p.default);
}

/** The values of a parameters form, typed (booleans, numbers, lists); empty fields are left out, so defaults apply. */
export function parameterValues(params: ParameterSpec[], texts: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const v = (texts[p.name] ?? '').trim();
    if (v === '') continue;
    out[p.name] = p.type === 'boolean' ? v === 'true' : p.type === 'number' || p.type === 'integer' ? Number(v) : p.type === 'list' ? splitList(v) : v;
  }
  return out;
}

/** One parameter: a select for choices and booleans, a text field otherwise; "*" when required, the description below. */
export function ParameterField({ param, value, onChange }: { param: ParameterSpec; value: string; onChange: (v: string) => void }) {
  const choices = param.options ?? (param.type === 'boolean' ? ['true', 'false'] : null);
  return (
    <label>{param.name}{param.required ? <span className="pk-required"> *</span> : null}
      {choices ? (
        <select aria-label={param.name} value={value} onChange={(e) => onChange(e.target.value)}>
          {param.required ? null : <option value="">default</option>}
          {choices.map((o) => <option key={o}>{o}</option>)}
        </select>
      ) : <input aria-label={param.name} value={value} onChange={(e) => onChange(e.target.value)} />}
      {param.description || param.type === 'list' ? <span className="pk-help">{param.description}{param.type === 'list' ? ' (comma separated)' : ''}</span> : null}
    </label>
  );
}
