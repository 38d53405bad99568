/**
 * The API client: the API lives at api/v1/ beside the page (whatever prefix the servlet is mounted
 * under), callers send a bearer token (kept until the browser is closed, for every tab: a session cookie the page reads;
 * the server reads only the Authorization header), errors are problem details.
 */

export class ApiError extends Error {
  constructor(
    public status: number,
    public problem: { title?: string; detail?: string; problems?: Array<{ path?: string; message: string; code?: string }> },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export function apiBase(): string {
  return new URL('api/v1/', document.baseURI).toString();
}

const COOKIE = 'pipelinekit_token';

export function token(): string | null {
  const found = document.cookie.split('; ').find((c) => c.startsWith(COOKIE + '='));
  return found ? decodeURIComponent(found.slice(COOKIE.length + 1)) : null;
}

/** Keeps the token for this browser session, in every tab of the app (under where the app is served), or forgets it. */
export function setToken(t: string | null): void {
  const path = new URL('.', document.baseURI).pathname;
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = t ? `${COOKIE}=${encodeURIComponent(t)}; Path=${path}; SameSite=Strict${secure}`
    : `${COOKIE}=; Path=${path}; Max-Age=0; SameSite=Strict${secure}`;
}

/** Whether the server accepts the token (a read it would refuse without one). */
export async function checkToken(t: string): Promise<boolean> {
  const r = await fetch(apiBase() + 'pipelines', { headers: { Authorization: `Bearer ${t}` } });
  return r.ok;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

export async function request(method: string, path: string, body?: unknown, contentType = 'application/json', extra: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: headers(body === undefined ? extra : { 'Content-Type': contentType, ...extra }) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(apiBase() + path.replace(/^\//, ''), init);
  if (!r.ok) {
    let problem = {};
    try {
      problem = await r.json();
    } catch {
      // not JSON
    }
    throw new ApiError(r.status, problem);
  }
  return r;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request('GET', path)).json();
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  return (await request('POST', path, body ?? {})).json();
}

export async function getText(path: string): Promise<string> {
  return (await request('GET', path)).text();
}

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads a server-sent event stream with fetch (EventSource cannot send the bearer token), calling
 * {@code onEvent} for each event until the stream ends or {@code signal} aborts; resumes after
 * {@code lastEventId} when given.
 */
export async function readSse(path: string, onEvent: (e: SseEvent) => void, signal: AbortSignal, lastEventId?: string): Promise<void> {
  const h = headers({ Accept: 'text/event-stream' });
  if (lastEventId) h['Last-Event-ID'] = lastEventId;
  const r = await fetch(apiBase() + path.replace(/^\//, ''), { headers: h, signal });
  if (!r.ok || !r.body) throw new ApiError(r.status, await r.json().catch(() => ({})));
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = 'message';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length > 0) onEvent({ id, event, data: data.join('\n') });
        id = undefined;
        event = 'message';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = val;
        else if (field === 'event') event = val;
        else if (field === 'data') data.push(val);
      }
    }
  }
}
