/** Stage types as GET stage-types describes them, and the form fields their inputs become. */
export interface SchemaJson {
  type: string;
  options?: string[];
  items?: SchemaJson;
  fields?: InputJson[];
}

export interface InputJson {
  name: string;
  required: boolean;
  description: string;
  default?: unknown;
  schema: SchemaJson;
}

export interface StageTypeJson {
  id: string;
  name: string;
  category: string;
  description: string;
  acceptsSteps: boolean;
  defaultImage?: string;
  inputs: InputJson[];
  outputs: Array<{ name: string; description: string }>;
}

export type FieldKind = 'text' | 'number' | 'checkbox' | 'select' | 'list' | 'map' | 'json';

export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  placeholder: string;
  options: string[];
  help: string;
}

/** The form fields of a stage type: one per input, typed by its schema, required ones marked, defaults as placeholders. */
export function fieldsFor(type: StageTypeJson): Field[] {
  return type.inputs.map((i) => {
    const kind = kindOf(i.schema);
    const def = i.default === undefined ? '' : kind === 'list' && Array.isArray(i.default) ? i.default.join(', ')
      : typeof i.default === 'object' ? JSON.stringify(i.default) : String(i.default);
    return {
      name: i.name,
      label: i.name.replace(/_/g, ' '),
      kind,
      required: i.required,
      placeholder: def,
      options: i.schema.options ?? [],
      help: i.description,
    };
  });
}

export function kindOf(s: SchemaJson): FieldKind {
  switch (s.type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'choice':
      return 'select';
    case 'list':
      return s.items && (s.items.type === 'object' || s.items.type === 'map') ? 'json' : 'list';
    case 'map':
      return 'map';
    case 'object':
      return 'json';
    default:
      return 'text';
  }
}

/** A form value as the input's value ({@code undefined}: not set, the default applies). */
export function parseValue(field: Field, text: string | boolean): unknown {
  if (field.kind === 'checkbox') return text === true ? true : text === false ? false : undefined;
  const t = String(text).trim();
  if (t === '') return undefined;
  switch (field.kind) {
    case 'number': {
      const n = Number(t);
      return Number.isNaN(n) ? t : n;
    }
    case 'list':
      return splitList(t);
    case 'map':
      return parsePairs(t);
    case 'json':
      try {
        return JSON.parse(t);
      } catch {
        return t;
      }
    default:
      return t;
  }
}

/** An input's value as form text. */
export function formatValue(field: Field, value: unknown): string | boolean {
  if (value === undefined || value === null) return field.kind === 'checkbox' ? false : '';
  switch (field.kind) {
    case 'checkbox':
      return value === true;
    case 'list':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'map':
      return typeof value === 'object' ? Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${v}`).join('\n') : String(value);
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return String(value);
  }
}

export const CATEGORIES = ['source', 'build', 'test', 'security', 'deploy', 'notify'];

/** "a, b,, c" → ['a', 'b', 'c']. */
export function splitList(text: string): string[] {
  return text.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

/** One NAME=value per line → { NAME: 'value' } (lines without a name before '=' are skipped). */
export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
