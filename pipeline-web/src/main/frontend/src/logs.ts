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

/** The line's text in coloured segments (ANSI SGR codes: 16, 256 and true colours, bold, italic, underline, dim). */
export function segments(text: string): Segment[] {
  if (!text.includes('\u001b')) return [{ text, style: {} }];
  return Anser.ansiToJson(text, { json: true, remove_empty: true }).map((e) => {
    const style: Segment['style'] = {};
    if (e.fg) style.color = `rgb(${e.fg})`;
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
const RED = /\u001b\[(?:[0-9;]*;)?(?:31|91|41)m/;

/** Whether a line reads as an error: an error word, or red text. */
export function isErrorLine(text: string): boolean {
  return RED.test(text) || ERROR.test(plain(text));
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

/** The time of day of a line, as the viewer shows it with timestamps on. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 23);
}

