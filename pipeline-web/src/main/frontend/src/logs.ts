import Anser from 'anser';

/** A log line as the logs stream sends it. */
export interface LogLine {
  stage: string;
  line: number;
  job: string;
  attempt: number;
  time: string;
  text: string;
}

export interface Segment {
  text: string;
  style: { color?: string; backgroundColor?: string; fontWeight?: string; fontStyle?: string; textDecoration?: string; opacity?: number };
}

/** The log's background (`.pk-logs-body`), and the lightest one a line has (an error line's tint). */
const BACKGROUNDS: Array<[number, number, number]> = [[13, 17, 23], [58, 29, 32]];

/** The 16 ANSI colours as a dark terminal theme draws them, each at 4.5:1 or more against the log's backgrounds. */
const PALETTE: Record<string, string> = {
  '0, 0, 0': '#8b949e', '187, 0, 0': '#ff7b72', '0, 187, 0': '#3fb950', '187, 187, 0': '#d29922', '0, 0, 187': '#79c0ff',
  '187, 0, 187': '#d2a8ff', '0, 187, 187': '#39c5cf', '255, 255, 255': '#e6edf3', '85, 85, 85': '#8b949e', '255, 85, 85': '#ffa198',
  '0, 255, 0': '#56d364', '255, 255, 85': '#e3b341', '85, 85, 255': '#a5d6ff', '255, 85, 255': '#e2c5ff', '85, 255, 255': '#56d4dd',
  '187, 187, 187': '#b1bac4',
};

function luminance([r, g, b]: [number, number, number]): number {
  const c = [r, g, b].map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** The WCAG contrast ratio of two colours. */
export function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * A foreground colour (anser's "r, g, b") that reads on the log: the 16 ANSI colours from a dark theme's palette, any
 * other (256 or true colour) lightened toward white until it stands at 4.5:1 against every background a line has.
 */
export function readable(fg: string): string {
  const known = PALETTE[fg];
  if (known) return known;
  let c = fg.split(',').map((v) => Number(v.trim())) as [number, number, number];
  for (let i = 0; i < 20 && BACKGROUNDS.some((bg) => contrast(c, bg) < 4.5); i++) {
    c = c.map((v) => Math.round(v + (255 - v) * 0.15)) as [number, number, number];
  }
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The line's text in coloured segments (ANSI SGR codes: 16, 256 and true colours, bold, italic, underline, dim). */
export function segments(text: string): Segment[] {
  if (!text.includes('\u001b')) return [{ text, style: {} }];
  return Anser.ansiToJson(text, { json: true, remove_empty: true }).map((e) => {
    const style: Segment['style'] = {};
    if (e.fg) style.color = readable(e.fg);
    if (e.bg) style.backgroundColor = `rgb(${e.bg})`;
    if (e.decorations.includes('bold')) style.fontWeight = 'bold';
    if (e.decorations.includes('italic')) style.fontStyle = 'italic';
    if (e.decorations.includes('underline')) style.textDecoration = 'underline';
    if (e.decorations.includes('dim')) style.opacity = 0.7;
    return { text: e.content, style };
  });
}

/** A piece of a coloured segment, marked when a search match covers it. */
export interface Piece extends Segment {
  mark: boolean;
}

/**
 * The segments cut where search matches start and end, so a match is marked and keeps its colours — also when it
 * spans segments of different colours.
 */
export function markSegments(segs: Segment[], re: RegExp | null): Piece[] {
  if (!re) return segs.map((s) => ({ ...s, mark: false }));
  const flat = segs.map((s) => s.text).join('');
  const ranges: Array<[number, number]> = [];
  re.lastIndex = 0;
  for (let m = re.exec(flat); m !== null; m = re.exec(flat)) {
    if (m[0] === '') { re.lastIndex++; continue; }
    ranges.push([m.index, m.index + m[0].length]);
  }
  const out: Piece[] = [];
  let pos = 0;
  let k = 0;
  for (const s of segs) {
    const end = pos + s.text.length;
    let at = pos;
    while (at < end) {
      while (k < ranges.length && ranges[k][1] <= at) k++;
      const r = ranges[k];
      const inside = r !== undefined && r[0] <= at;
      const stop = inside ? Math.min(r[1], end) : Math.min(r?.[0] ?? end, end);
      out.push({ text: s.text.slice(at - pos, stop - pos), style: s.style, mark: inside });
      at = stop;
    }
    pos = end;
  }
  return out;
}

/** The text without ANSI codes (what search, filters and downloads see). */
export function plain(text: string): string {
  return text.includes('\u001b') ? Anser.ansiToText(text) : text;
}

const ERROR = /\b(error|errors|failed|failure|fatal|exception|panic)\b|✗|\bFAIL\b/i;

/** Whether a line reads as an error: an error word, or red text. */
/** Whether a line reads as an error by its words (error, failed, fatal, ✗ …), not by its colour alone. */
export function isErrorLine(text: string): boolean {
  return ERROR.test(plain(text));
}

/** A case-insensitive search; a query in /slashes/ is a regular expression. Null when the pattern does not compile. */
export function matcher(query: string): RegExp | null {
  const q = query.trim();
  if (q === '') return null;
  const re = /^\/(.+)\/([a-z]*)$/.exec(q);
  try {
    return re ? new RegExp(re[1], re[2].includes('i') ? 'gi' : 'g') : new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  } catch {
    return null;
  }
}

export function matches(re: RegExp | null, text: string): boolean {
  if (!re) return true;
  re.lastIndex = 0;
  return re.test(plain(text));
}

/** The time of day of a line, as the viewer shows it with timestamps on: in UTC, or in the viewer's zone ({@code local}). */
export function clock(iso: string, zone: 'utc' | 'local' = 'utc'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (zone === 'utc') return d.toISOString().slice(11, 23);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The matrix cell of a job as a short label: {@code test[jdk=17, os=linux]} → {@code jdk=17, os=linux}; '' for a plain job. */
export function jobLabel(job: string): string {
  const open = job.indexOf('[');
  return open >= 0 && job.endsWith(']') ? job.slice(open + 1, -1) : '';
}

/** Whether a line starts a step (the runner writes "▶ <command>" before each step's output). */
export function isStepStart(text: string): boolean {
  return plain(text).startsWith('▶ ');
}

/**
 * Lines with the step sections they fall in: each "▶" line starts a section of its job, which runs to the job's next
 * "▶" line. Lines of a collapsed section are left out (its "▶" line stays, with how many are hidden).
 */
export function sections(lines: LogLine[], collapsed: Set<string>): Array<{ line: LogLine; section?: string; header: boolean; hidden: number }> {
  const current = new Map<string, string>(); // job → its open section
  const counts = new Map<string, number>();
  const tagged = lines.map((l) => {
    const jobKey = `${l.stage}/${l.job}/${l.attempt}`;
    const header = isStepStart(l.text);
    if (header) current.set(jobKey, `${jobKey}/${l.line}`);
    const section = current.get(jobKey);
    if (section && !header) counts.set(section, (counts.get(section) ?? 0) + 1);
    return { line: l, section, header };
  });
  return tagged.filter((t) => t.header || !t.section || !collapsed.has(t.section))
    .map((t) => ({ ...t, hidden: t.header && t.section && collapsed.has(t.section) ? counts.get(t.section) ?? 0 : 0 }));
}

