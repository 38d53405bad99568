import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { getText, readSse } from '../api';
import { clock, isErrorLine, jobLabel, markSegments, matcher, matches, sections, segments, type LogLine } from '../logs';

export interface LogSource {
  /** Calls {@code onLine} for each line of the stage's log (from {@code from}), then resolves when the log ends. */
  stream(stage: string, from: number, follow: boolean, onLine: (l: LogLine) => void, signal: AbortSignal): Promise<void>;
  /** The stored log of a stage, or of all stages ({@code null}), as the text file a download holds. */
  text(stage: string | null): Promise<string>;
}

/** Lines from the API's logs stream (server-sent events over fetch, so the bearer token goes along). */
export function apiLogSource(executionId: string): LogSource {
  return {
    stream: (stage, from, follow, onLine, signal) => readSse(
      `executions/${encodeURIComponent(executionId)}/logs?stage=${encodeURIComponent(stage)}&follow=${follow}&from=${from}`,
      (e) => { if (e.event === 'line') onLine(JSON.parse(e.data) as LogLine); },
      signal,
    ),
    // the server writes the file (all lines, colour codes removed): nothing needs to be loaded into the page first
    text: (stage) => getText(`executions/${encodeURIComponent(executionId)}/logs/text${stage === null ? '' : `?stage=${encodeURIComponent(stage)}`}`),
  };
}

interface Props {
  executionId: string;
  stages: string[];
  stage: string;
  onStage: (stage: string) => void;
  source: LogSource;
  /** Whether the stage may still write (then the viewer follows it). */
  live: (stage: string) => boolean;
}

/**
 * The build logs: a stage's log streaming live, ANSI colours, virtualized rows (only what is on screen is in the page),
 * search with highlighting and a filter, across this stage or all the execution's stages, timestamps, error lines
 * highlighted, follow mode and download.
 */
export function LogViewer({ executionId, stages, stage, onStage, source, live }: Props) {
  const store = useRef(new Map<string, { lines: LogLine[]; complete: boolean; loading?: Promise<void> }>());
  const [version, setVersion] = useState(0);
  const [query, setQuery] = useState('');
  const [allStages, setAllStages] = useState(false);
  const [filter, setFilter] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [follow, setFollow] = useState(true);
  const [zone, setZone] = useState<'local' | 'utc'>('local');
  const [job, setJob] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [current, setCurrent] = useState(0);
  const flush = useRef<number | null>(null);
  const parent = useRef<HTMLDivElement>(null);

  const bump = () => {
    if (flush.current === null) flush.current = requestAnimationFrame(() => { flush.current = null; setVersion((v) => v + 1); });
  };

  /** Loads (or keeps following) a stage's log; lines arriving in a frame are rendered together. */
  const load = (s: string, signal: AbortSignal): Promise<void> => {
    const entry = store.current.get(s) ?? { lines: [], complete: false };
    store.current.set(s, entry);
    if (entry.complete) return Promise.resolve();
    if (entry.loading) return entry.loading;
    const from = entry.lines.length > 0 ? entry.lines[entry.lines.length - 1].line + 1 : 1;
    entry.loading = source.stream(s, from, live(s), (l) => { entry.lines.push(l); bump(); }, signal)
      .then(() => { entry.complete = !signal.aborted; })
      .catch(() => undefined)
      .finally(() => { entry.loading = undefined; bump(); });
    return entry.loading;
  };

  useEffect(() => {
    const ctrl = new AbortController();
    void load(stage, ctrl.signal);
    return () => ctrl.abort();
  }, [stage, executionId]);

  // searching across stages loads the other stages' logs, one at a time (each stream ends when its log does)
  useEffect(() => {
    if (!allStages) return;
    const ctrl = new AbortController();
    (async () => {
      for (const s of stages) {
        if (s === stage) continue;
        // a load still running from an earlier, cancelled pass is awaited, then resumed where it stopped
        await load(s, ctrl.signal);
        if (ctrl.signal.aborted) return;
        if (!store.current.get(s)?.complete) await load(s, ctrl.signal);
      }
    })();
    return () => ctrl.abort();
  }, [allStages, stages.join(','), stage]);

  const re = useMemo(() => matcher(query), [query]);
  const badQuery = query.trim() !== '' && re === null;
  // the jobs of the stage shown: a matrix stage's lines say whose they are, and can be narrowed to one job
  const jobs = useMemo(() => [...new Set((store.current.get(stage)?.lines ?? []).map((l) => l.job))], [version, stage]);
  const matrix = jobs.some((j) => jobLabel(j) !== '');
  useEffect(() => setJob(''), [stage]);
  const shown = useMemo(() => {
    const source = allStages ? stages.flatMap((s) => store.current.get(s)?.lines ?? []) : store.current.get(stage)?.lines ?? [];
    const ordered = allStages ? [...source].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)) : source;
    const ofJob = job && !allStages ? ordered.filter((l) => l.job === job) : ordered;
    // a search shows matching lines whatever section they are in; otherwise collapsed steps keep only their first line
    return re && filter ? ofJob.filter((l) => matches(re, l.text)).map((line) => ({ line, header: false, hidden: 0, section: undefined as string | undefined }))
      : sections(ofJob, collapsed);
  }, [version, stage, allStages, re, filter, stages.join(','), job, collapsed]);
  const rows = useMemo(() => shown.map((r) => r.line), [shown]);
  const toggle = (section: string | undefined) => {
    if (!section) return;
    setCollapsed((c) => { const n = new Set(c); if (n.has(section)) n.delete(section); else n.add(section); return n; });
    setFollow(false);
  };
  const headers = useMemo(() => sections(store.current.get(stage)?.lines ?? [], new Set()).filter((r) => r.header).map((r) => r.section!), [version, stage]);
  const hits = useMemo(() => (re ? rows.flatMap((l, i) => (matches(re, l.text) ? [i] : [])) : []), [rows, re]);
  // a count across stages is final only once every finished stage's log is in: until then it says so
  const loading = allStages && stages.some((s) => !live(s) && !store.current.get(s)?.complete);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 20, overscan: 20 });
  useEffect(() => {
    if (follow && rows.length > 0 && !(re && !filter)) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows.length, follow]);
  const jump = (to: number) => {
    if (hits.length === 0) return;
    const n = ((to % hits.length) + hits.length) % hits.length;
    setCurrent(n);
    setFollow(false);
    virtualizer.scrollToIndex(hits[n], { align: 'center' });
  };

  const entry = store.current.get(stage);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = async () => {
    let text: string;
    try {
      text = await source.text(allStages ? null : stage);
      setDownloadError(null);
    } catch (e) {
      setDownloadError(`Download failed: ${(e as Error).message}`);
      return;
    }
    const blob = new Blob([text], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${executionId}-${allStages ? 'all-stages' : stage}.log`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  return (
    <section className="pk-logs" aria-label="Build logs">
      <div className="pk-logs-bar">
        <select aria-label="Log of stage" value={stage} onChange={(e) => onStage(e.target.value)}>
          {stages.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <input type="search" aria-label="Search logs" placeholder="Search (/regex/)…" value={query} className={badQuery ? 'pk-bad' : undefined}
          onChange={(e) => { setQuery(e.target.value); setCurrent(0); }}
          onKeyDown={(e) => { if (e.key === 'Enter') jump(e.shiftKey ? current - 1 : current + 1); }} />
        <span className="pk-muted" aria-live="polite">{re ? `${hits.length} match${hits.length === 1 ? '' : 'es'}${loading ? ' so far, loading logs…' : ''}` : ''}</span>
        <label className="pk-check"><input type="checkbox" checked={allStages} onChange={(e) => setAllStages(e.target.checked)} />all stages</label>
        <label className="pk-check"><input type="checkbox" checked={filter} onChange={(e) => setFilter(e.target.checked)} />only matching</label>
        {matrix && !allStages ? (
          <select aria-label="Job" value={job} onChange={(e) => setJob(e.target.value)}>
            <option value="">all {jobs.length} jobs</option>
            {jobs.map((j) => <option key={j} value={j}>{jobLabel(j) || j}</option>)}
          </select>
        ) : null}
        <label className="pk-check"><input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} />timestamps</label>
        {timestamps ? (
          <select aria-label="Time zone" value={zone} onChange={(e) => setZone(e.target.value as 'local' | 'utc')}>
            <option value="local">{Intl.DateTimeFormat().resolvedOptions().timeZone}</option>
            <option value="utc">UTC</option>
          </select>
        ) : null}
        {headers.length > 1 ? (
          <button onClick={() => setCollapsed((c) => (c.size > 0 ? new Set() : new Set(headers)))}>{collapsed.size > 0 ? 'Expand steps' : 'Collapse steps'}</button>
        ) : null}
        <label className="pk-check"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />follow</label>
        <button onClick={() => void download()}>Download</button>
        {downloadError ? <span role="alert" className="pk-error">{downloadError}</span> : null}
      </div>
      <div className="pk-logs-body" ref={parent} role="log" aria-label={`Log of ${allStages ? 'all stages' : stage}`}
        onWheel={(e) => { if (e.deltaY < 0 && follow) setFollow(false); }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const l = rows[v.index];
            const row = shown[v.index];
            const error = isErrorLine(l.text);
            const folded = row.header && row.section !== undefined && collapsed.has(row.section);
            return (
              <div key={v.key} className={`pk-log-line${error ? ' pk-log-error' : ''}${hits[current] === v.index ? ' pk-log-current' : ''}${row.header ? ' pk-log-step' : ''}`}
                data-line={l.line} data-stage={l.stage} data-job={l.job} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
                <span className="pk-log-no">{l.line}</span>
                {row.header ? (
                  <button className="pk-log-fold" aria-expanded={!folded} aria-label={`${folded ? 'Expand' : 'Collapse'} step ${l.text.replace(/^▶ /, '')}`}
                    onClick={() => toggle(row.section)}>{folded ? '▸' : '▾'}</button>
                ) : null}
                {timestamps ? <span className="pk-log-time">{clock(l.time, zone)}</span> : null}
                {allStages ? <span className="pk-log-stage">{l.stage}</span> : null}
                {matrix && !allStages && jobLabel(l.job) ? <span className="pk-log-job" title={l.job}>{jobLabel(l.job)}</span> : null}
                {l.attempt > 1 ? <span className="pk-log-attempt">attempt {l.attempt}</span> : null}
                <span className="pk-log-text">{highlight(l.text, re)}</span>
                {folded && row.hidden > 0 ? <span className="pk-log-hidden"> ({row.hidden} line{row.hidden === 1 ? '' : 's'} hidden)</span> : null}
              </div>
            );
          })}
        </div>
        {rows.length === 0 ? (
          <div className="pk-muted pk-pad">{re ? 'No line matches.' : entry?.complete ? 'This stage wrote nothing.' : 'Waiting for output…'}</div>
        ) : null}
      </div>
    </section>
  );
}

/** The line's coloured segments with the search matches marked (a marked piece keeps its colour). */
function highlight(text: string, re: RegExp | null): ReactNode {
  return markSegments(segments(text), re).map((p, i) => (p.mark
    ? <mark key={i}><span style={p.style}>{p.text}</span></mark>
    : <span key={i} style={p.style}>{p.text}</span>));
}
