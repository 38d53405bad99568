import { useEffect, useState } from 'react';
import { setToken, token } from './api';
import { Analytics } from './pages/Analytics';
import { Designer } from './pages/Designer';
import { Execution } from './pages/Execution';
import { Pipelines } from './pages/Pipelines';
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

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App() {
  const hash = useHash();
  const { parts, query } = route(hash);
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
          <a href="#/designer" className={page === 'designer' ? 'active' : ''}>Designer</a>
          <a href="#/templates" className={page === 'templates' ? 'active' : ''}>Templates</a>
        </nav>
        <span className="pk-spacer" />
        {signedIn ? <button className="pk-link" onClick={() => { setToken(null); setSignedIn(false); }}>Sign out</button> : null}
      </header>
      <main className="pk-main">
        {!signedIn ? <SignIn onSignIn={() => setSignedIn(true)} /> : (
          page === 'designer' ? <Designer key={parts[1] ?? 'new'} pipelineId={parts[1]} />
            : page === 'templates' ? <Templates />
              : page === 'executions' && parts[1] ? <Execution key={parts[1]} executionId={parts[1]} focusStage={query.get('stage') ?? undefined} />
                : page === 'analytics' && parts[1] ? <Analytics key={parts[1]} pipelineId={parts[1]} />
                  : <Pipelines />
        )}
      </main>
    </div>
  );
}

function SignIn({ onSignIn }: { onSignIn: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form className="pk-signin" onSubmit={(e) => { e.preventDefault(); setToken(value.trim()); onSignIn(); }}>
      <h2>Sign in</h2>
      <p>Paste the API token (the standalone server prints it when it starts).</p>
      <input aria-label="API token" value={value} onChange={(e) => setValue(e.target.value)} placeholder="token" />
      <button type="submit" disabled={value.trim() === ''}>Sign in</button>
    </form>
  );
}
