import { useEffect, useMemo, useRef, useState } from 'react';
import { checkToken, getJson, setToken, token } from './api';
import { Analytics } from './pages/Analytics';
import { Designer } from './pages/Designer';
import { Execution } from './pages/Execution';
import { Pipelines } from './pages/Pipelines';
import { Runs } from './pages/Runs';
import { Audit } from './pages/Audit';
import { Environments } from './pages/Environments';
import { Templates } from './pages/Templates';

/** The route in the hash: #/designer/ci → ['designer', 'ci']; a ?token=... in it signs in and is removed. */
export function route(hash: string): { parts: string[]; query: URLSearchParams } {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  return { parts: path.split('/').filter((p) => p !== '').map(decodeURIComponent), query: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
}

export function go(path: string): void {
  window.location.hash = '#/' + path;
}

let quietly: ((hash: string) => void) | null = null;
let leaveGuard: (() => boolean) | null = null;

/**
 * What a page with unsaved work says before the app navigates away: a guard that returns false keeps the user where they
 * are (null: nothing to keep). Reloading or closing the tab is the page's own {@code beforeunload}.
 */
export function setLeaveGuard(guard: (() => boolean) | null): void {
  leaveGuard = guard;
}

/** Changes the address and the app's route without leaving the page (a new pipeline saved under its id). */
export function replaceRoute(path: string): void {
  window.history.replaceState(null, '', '#/' + path);
  quietly?.(window.location.hash);
}

/** The route's hash and a count of the user's navigations (a page keyed by it starts afresh on each). */
function useHash(): [string, number] {
  const [hash, setHash] = useState(window.location.hash);
  const [visits, setVisits] = useState(0);
  const current = useRef(window.location.hash);
  useEffect(() => {
    quietly = (h) => {
      current.current = h;
      setHash(h);
    };
    const on = () => {
      const next = window.location.hash;
      if (next === current.current) return;
      if (leaveGuard && !leaveGuard()) {
        window.history.replaceState(null, '', current.current); // stay: the address goes back to the page's
        return;
      }
      current.current = next;
      setHash(next);
      setVisits((v) => v + 1);
    };
    window.addEventListener('hashchange', on);
    return () => {
      window.removeEventListener('hashchange', on);
      quietly = null;
    };
  }, []);
  return [hash, visits];
}

export function App() {
  const [hash, visits] = useHash();
  const { parts, query } = route(hash);
  // the designer opens what the navigation asked for; a new pipeline saved under its id stays the same page
  const designing = useMemo(() => parts[1], [visits]);
  const [signedIn, setSignedIn] = useState(token() !== null);
  useEffect(() => {
    const t = query.get('token');
    if (t) {
      setToken(t);
      setSignedIn(true);
      query.delete('token');
      const rest = query.toString();
      window.history.replaceState(null, '', '#/' + parts.map(encodeURIComponent).join('/') + (rest ? '?' + rest : ''));
    }
  }, [hash]);
  const page = parts[0] ?? 'pipelines';
  return (
    <div className="pk-app">
      <header className="pk-header">
        <a className="pk-brand" href="#/pipelines">PipelineKit</a>
        <nav>
          <a href="#/pipelines" className={page === 'pipelines' ? 'active' : ''}>Pipelines</a>
          <a href="#/runs" className={page === 'runs' ? 'active' : ''}>Runs</a>
          <a href="#/designer" className={page === 'designer' ? 'active' : ''}>Designer</a>
          <a href="#/templates" className={page === 'templates' ? 'active' : ''}>Templates</a>
          <a href="#/environments" className={page === 'environments' ? 'active' : ''}>Environments</a>
          <a href="#/audit" className={page === 'audit' ? 'active' : ''}>Audit</a>
        </nav>
        <span className="pk-spacer" />
        {signedIn ? <ProjectSwitcher /> : null}
        {signedIn ? <button className="pk-link" onClick={() => { setToken(null); setSignedIn(false); }}>Sign out</button> : null}
      </header>
      <main className="pk-main">
        {!signedIn ? <SignIn onSignIn={() => setSignedIn(true)} /> : (
          page === 'designer' ? <Designer key={visits} pipelineId={designing} />
            : page === 'templates' ? <Templates />
              : page === 'runs' ? <Runs key={hash} query={query} />
              : page === 'audit' ? <Audit key={hash} query={query} />
              : page === 'environments' ? <Environments key={hash} name={parts[1]} />
              : page === 'executions' && parts[1] ? <Execution key={parts[1]} executionId={parts[1]} focusStage={query.get('stage') ?? undefined} />
                : page === 'analytics' && parts[1] ? <Analytics key={parts[1]} pipelineId={parts[1]} />
                  : <Pipelines />
        )}
      </main>
    </div>
  );
}

interface Projects {
  current: string;
  projects: Array<{ name: string; path: string }>;
}

/**
 * The project this page works in, and the others the user may switch to (each served at a path of its own, with stores of
 * its own); shown only when there is more than the default project to see.
 */
function ProjectSwitcher() {
  const [projects, setProjects] = useState<Projects | null>(null);
  useEffect(() => {
    getJson<Projects>('projects').then(setProjects, () => setProjects(null));
  }, []);
  if (!projects || (projects.projects.length <= 1 && projects.current === 'default')) return null;
  const names = projects.projects.map((p) => p.name);
  return (
    <label className="pk-project">
      Project{' '}
      <select aria-label="Project" value={projects.current} onChange={(e) => {
        const to = projects.projects.find((p) => p.name === e.target.value);
        if (!to) return;
        // the sign-in goes along in the fragment (never sent to a server), as the server's own sign-in link does
        const t = token();
        window.location.assign(new URL(to.path, window.location.origin).toString() + '#/pipelines' + (t ? '?token=' + encodeURIComponent(t) : ''));
      }}>
        {names.includes(projects.current) ? null : <option value={projects.current}>{projects.current}</option>}
        {projects.projects.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
      </select>
    </label>
  );
}

/** Asks for the API token and signs in only with one the server accepts. */
function SignIn({ onSignIn }: { onSignIn: () => void }) {
  const [value, setValue] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const submit = async () => {
    const t = value.trim();
    setChecking(true);
    try {
      if (await checkToken(t)) {
        setToken(t);
        onSignIn();
      } else {
        setRefused('The server does not accept this token. Copy it again from where the server printed it (or from its operator).');
      }
    } catch {
      setRefused('The server cannot be reached; try again.');
    } finally {
      setChecking(false);
    }
  };
  return (
    <form className="pk-signin" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h1>Sign in</h1>
      <p>Paste the API token (the standalone server prints it, and a sign-in link, when it starts).</p>
      <input aria-label="API token" value={value} onChange={(e) => { setValue(e.target.value); setRefused(null); }} placeholder="token" />
      <button type="submit" disabled={value.trim() === '' || checking}>Sign in</button>
      {refused ? <p className="pk-error" role="alert">{refused}</p> : null}
    </form>
  );
}
